import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { loadCatalogue, migrate, openPgliteDb, systemClock, type Catalogue, type Db } from '@ioc/core';
import { createApp, type AppOptions } from './app';
import { createLogger } from '../logging/logger';
import { createMetrics } from '../metrics/metrics';
import { createAccountServices, type AccountServices } from '../runtime/services';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

let db: Db;
let catalogue: Catalogue;
let accounts: AccountServices;
beforeAll(async () => {
  db = await openPgliteDb();
  await migrate(db);
  catalogue = await loadCatalogue();
  accounts = createAccountServices({ db, clock: systemClock, catalogue });
});
afterAll(() => db?.close());

async function serve(overrides: Partial<AppOptions>): Promise<string> {
  const app = createApp({
    logger: createLogger('silent'),
    metrics: createMetrics(),
    catalogue,
    health: () => ({ ready: true, details: {} }),
    auth: accounts.auth,
    users: accounts.users,
    policy: accounts.policy,
    hub: () => {
      throw new Error('no live hub in this test');
    },
    loginFailuresPerAddress: 20,
    ...overrides,
  });
  const server = createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => new Promise((r) => server.close(() => r())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

it('GET /healthz answers 503 while the store or the live hub is not ready', async () => {
  const url = await serve({ health: () => ({ ready: false, details: { store: 'pglite' } }) });
  const res = await fetch(`${url}/healthz`);
  expect(res.status).toBe(503);
  expect(await res.json()).toEqual({ status: 'starting', store: 'pglite' });
});

it('serves the web app at /wall with a strict Content-Security-Policy', async () => {
  const dist = await mkdtemp(join(tmpdir(), 'ioc-web-'));
  await writeFile(join(dist, 'index.html'), '<!doctype html><html lang="vi"><title>IOC</title></html>');
  const url = await serve({ webDist: dist });
  const res = await fetch(`${url}/wall`);
  expect(res.status).toBe(200);
  expect(await res.text()).toContain('<html lang="vi">');
  const csp = res.headers.get('content-security-policy') ?? '';
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toContain('unsafe-eval');
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
});

it('says how to build the web app when it is missing, instead of a bare 404', async () => {
  const url = await serve({ webDist: join(tmpdir(), 'ioc-no-such-dist') });
  const res = await fetch(`${url}/wall`);
  expect(res.status).toBe(503);
  expect(await res.text()).toContain('npm run build:web');
});

it('GET /api/catalogue lists the 92 communes and the agencies of the province', async () => {
  const url = await serve({});
  const body = (await (await fetch(`${url}/api/catalogue`)).json()) as {
    province: { code: string };
    communes: unknown[];
    agencies: { kind: string }[];
  };
  expect(body.province.code).toBe('19');
  expect(body.communes).toHaveLength(92);
  expect(body.agencies.filter((a) => a.kind === 'commune_committee')).toHaveLength(92);
});
