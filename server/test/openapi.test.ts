import type { Express } from 'express';
import { compileErrors, validate } from '@readme/openapi-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBody, registeredRoutes, routeKey } from '@ioc/core';
import { openApiPath } from '../src/openapi/openapi-document';
import { TestClient, startTestServer, type TestServer } from './auth-harness';

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** Every `METHOD path` the express app serves, read from its router stack (routers are mounted at `/`). */
export function servedRoutes(app: Express): string[] {
  const out: string[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
        for (const method of Object.keys(layer.route.methods).filter((m) => m !== '_all')) {
          for (const path of paths) out.push(routeKey(method, path));
        }
      } else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return [...new Set(out)];
}

/** The API's routes and the probes: what the document must describe. The web app's pages are not API. */
const isApi = (key: string) => / \/api\//.test(key) || / \/(healthz|readyz|metrics)$/.test(key);

/**
 * Routes other modules added in parallel with the registry, before they declared their contracts with `defineRoute`.
 * This list only shrinks: once a route is declared, the test below says to remove it from here.
 */
const PENDING_REGISTRATION = new Set<string>([]);

let ts: TestServer;
let document: { openapi: string; paths: Record<string, Record<string, unknown>> };
beforeAll(async () => {
  ts = await startTestServer({ backend: 'postgres' });
  const res = await new TestClient(ts.url).get<typeof document>('/api/openapi.json');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  document = res.body;
}, 120_000);
afterAll(() => ts?.close());

describe('GET /api/openapi.json', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    expect(document.openapi).toBe('3.1.0');
    // The validator dereferences in place: give it a copy.
    const result = await validate(structuredClone(document) as never);
    expect(result.valid, result.valid ? '' : compileErrors(result)).toBe(true);
  });

  it('describes every route express serves under /api and every probe, with its method', () => {
    const app = ts.server.app;
    const served = servedRoutes(app).filter(isApi);
    // A floor, so that a broken walk (nothing found) cannot pass.
    expect(served.length).toBeGreaterThanOrEqual(18);
    const declared = (key: string) => {
      const [method, path] = key.split(' ') as [string, string];
      return document.paths[openApiPath(path)]?.[method.toLowerCase()] !== undefined;
    };
    const missing = served.filter((key) => !declared(key) && !PENDING_REGISTRATION.has(key));
    expect(missing, 'routes served but not declared with defineRoute').toEqual([]);
    const nowDeclared = [...PENDING_REGISTRATION].filter(declared);
    expect(nowDeclared, 'declared now: remove them from PENDING_REGISTRATION in server/test/openapi.test.ts').toEqual([]);
  });

  it('documents no route that nobody serves', () => {
    const app = ts.server.app;
    const served = new Set(servedRoutes(app));
    expect(
      registeredRoutes()
        .filter((r) => !served.has(routeKey(r.method, r.path)))
        .map((r) => routeKey(r.method, r.path)),
    ).toEqual([]);
  });

  it('gives path parameters, the shared error body and the session requirements', () => {
    const lock = document.paths['/api/users/{username}/lock']?.post as {
      parameters: { name: string; in: string; required: boolean }[];
      responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
      security: Record<string, string[]>[];
    };
    expect(lock.parameters).toContainEqual(expect.objectContaining({ name: 'username', in: 'path', required: true }));
    expect(lock.responses['403']?.content?.['application/json']?.schema).toEqual({ $ref: '#/components/schemas/ErrorBody' });
    expect(lock.responses['429']).toBeDefined();
    expect(lock.security).toEqual([{ sessionCookie: [], csrfToken: [] }]);
    const audit = document.paths['/api/audit']?.get as { parameters: { name: string }[] };
    expect(audit.parameters.map((p) => p.name)).toEqual(expect.arrayContaining(['actor', 'action', 'from', 'to', 'cursor', 'limit']));
    const login = document.paths['/api/auth/login']?.post as { security: unknown[] };
    expect(login.security).toEqual([]);
  });

  it('answers a 4xx with the error body it documents', async () => {
    const res = await new TestClient(ts.url).get('/api/users');
    expect(res.status).toBe(401);
    expect(ErrorBody.safeParse(res.body).success).toBe(true);
  });
});
