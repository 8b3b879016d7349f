import { parse as parseQueryString } from 'node:querystring';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CSRF_HEADER, ErrorBody, LiveEvents, SESSION_COOKIE, registeredRoutes, type RouteSpec, type SubscribeAck } from '@ioc/core';
import { TestClient, connected, signedIn, startTestServer, type TestServer } from './auth-harness';

// Every route declared with `defineRoute` (the registry behind GET /api/openapi.json) is fuzzed: a route another
// module adds is covered the moment it registers. Each request is malformed in at least one part (body, query or
// path parameter) or sent without a session; the server must never answer 5xx, every 4xx must carry the error body,
// and the database must be exactly as it was. Then the live hub gets junk events and payloads and must still serve a
// valid subscription.

const ROUTES = registeredRoutes();
/** HTTP requests in all, shared by every route × 2 callers, so the file's time stays flat as routes are added. */
const HTTP_REQUESTS = Number(process.env.IOC_FUZZ_REQUESTS ?? 2_400);
const RUNS_PER_ROUTE = Math.max(10, Math.floor(HTTP_REQUESTS / (2 * ROUTES.length)));
const SOCKET_RUNS = Number(process.env.IOC_FUZZ_SOCKET_RUNS ?? 400);
const WRITE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Accounts that exist in the fuzz database: a path parameter naming one of them could make a valid request. */
const EXISTING = new Set(['quantri', 'xem']);

let ts: TestServer;
let admin: TestClient;
let before: Map<string, string>;

/**
 * Row count and md5 of every row of every table. Nothing is excluded: each request below is refused before any
 * service runs (malformed input, or no session), and refused requests write nothing here: a failed sign-in or
 * password check is the only refusal that writes (audit row, failure counter), and it needs a well-formed body, which
 * this fuzz never sends (see `wellFormed`).
 */
async function fingerprint(): Promise<Map<string, string>> {
  const tables = await ts.db.query<{ name: string }>("select tablename as name from pg_tables where schemaname = 'public' order by 1");
  const out = new Map<string, string>();
  for (const { name } of tables.rows) {
    const res = await ts.db.query<{ n: number; h: string }>(
      `select count(*)::int as n, md5(coalesce(string_agg(t::text, ',' order by t::text), '')) as h from "${name}" t`,
    );
    out.set(name, `${res.rows[0]!.n}:${res.rows[0]!.h}`);
  }
  return out;
}

beforeAll(async () => {
  ts = await startTestServer({ backend: 'postgres', writesPerMinute: 1_000_000 });
  const { password } = await ts.addAccount('quantri', 'admin');
  admin = await signedIn(ts.url, 'quantri', password!);
  await ts.addAccount('xem', 'viewer');
  before = await fingerprint();
}, 120_000);
afterAll(() => ts?.close());

// ---------------------------------------------------------------------------------------------------------------
// Generators

const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '__defineGetter__', '', ' ', '$where', 'a.b'];
const shortHostileString = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\uFEFF',
    '\uD800',
    'Ｑｕａｎｔｒｉ',
    'Nguyễn Văn A',
    "' or 1=1 --",
    '%00',
    '../../etc/passwd',
    '<script>alert(1)</script>',
    'NaN',
    '1e309',
    '-0',
    'null',
    '2026-02-30T25:61:00Z',
  ),
);
// Past the 32 kB body limit sometimes.
const hostileString = fc.oneof(
  shortHostileString,
  fc.integer({ min: 1_000, max: 40_000 }).map((n) => 'Đ'.repeat(n)),
);

function junkOf(strings: fc.Arbitrary<string>): fc.Arbitrary<unknown> {
  return fc.letrec((tie) => ({
    junk: fc.oneof(
      { depthSize: 'small' },
      strings,
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.array(tie('junk'), { maxLength: 4 }),
      fc.dictionary(fc.oneof(fc.constantFrom(...HOSTILE_KEYS), fc.string({ maxLength: 8 })), tie('junk'), { maxKeys: 4 }),
    ),
  })).junk;
}
const junk = junkOf(hostileString);
/** Socket payloads stay under socket.io's 1 MB message limit here; the test after this one goes over it. */
const smallJunk = junkOf(shortHostileString);

function jsonKeys(schema: z.ZodType | null | undefined): string[] {
  if (!schema) return [];
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, unknown> };
  return Object.keys(json.properties ?? {});
}

interface Body {
  contentType: string | null;
  text: string;
}

const INVALID_JSON = ['{', '{"a":', "{'a':1}", '[1,]', 'undefined', '\u0000', '{"a":1}{"b":2}', 'NaN', '{"__proto__":', '\uFEFF{}'];
const POLLUTING_JSON = [
  '{"__proto__":{"polluted":"yes","role":"admin"}}',
  '{"constructor":{"prototype":{"polluted":"yes"}}}',
  '{"username":"khach","role":"admin","__proto__":{"isAdmin":true}}',
];
const WRONG_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/json; charset=latin1',
];

/** Bodies: junk JSON, junk under the schema's own keys, invalid JSON text, prototype pollution, deep nesting, wrong types. */
function bodies(route: RouteSpec): fc.Arbitrary<Body | null> {
  const keys = jsonKeys(route.body);
  const json = (a: fc.Arbitrary<unknown>) => a.map((v): Body => ({ contentType: 'application/json', text: JSON.stringify(v) ?? 'null' }));
  const invalidText = fc.oneof(fc.constantFrom(...INVALID_JSON), fc.string({ maxLength: 40 }));
  // A route that reads no body is well-formed with any JSON: only text that is not JSON is malformed for it.
  if (!route.body) return invalidText.map((text): Body => ({ contentType: 'application/json', text }));
  return fc.oneof(
    json(junk),
    json(fc.dictionary(fc.oneof(fc.constantFrom(...(keys.length ? keys : ['x'])), fc.constantFrom(...HOSTILE_KEYS)), junk, { maxKeys: 6 })),
    invalidText.map((text): Body => ({ contentType: 'application/json', text })),
    fc.constantFrom(...POLLUTING_JSON).map((text): Body => ({ contentType: 'application/json', text })),
    fc.integer({ min: 100, max: 15_000 }).map((n): Body => ({ contentType: 'application/json', text: '['.repeat(n) + ']'.repeat(n) })),
    fc.record({ contentType: fc.constantFrom(...WRONG_TYPES), text: fc.string({ maxLength: 60 }) }),
    fc.string({ maxLength: 60 }).map((text): Body => ({ contentType: null, text })),
    fc.constant(null),
  );
}

/** Percent-encodes a string that may hold lone surrogates (encodeURIComponent throws on them). */
const encode = (s: string) =>
  encodeURIComponent(s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD'));

function queries(route: RouteSpec): fc.Arbitrary<string> {
  const keys = [...jsonKeys(route.query), 'lang', '__proto__', 'constructor', 'a[b]', 'a[]', ''];
  const pair = fc.tuple(fc.oneof(fc.constantFrom(...keys), fc.string({ maxLength: 8 })), hostileString);
  const raw = fc.constantFrom('', '&%zz', '&%', '&a=%E0%A4%A', '&&&', '&=x', '&lang=en&lang=vi', '&limit=-1', '&limit=1e3', '&cursor=0');
  return (
    fc
      .tuple(fc.array(pair, { maxLength: 4 }), raw)
      // Each value at most 1,500 bytes encoded: a URL over Node's 16 kB header limit is refused by Node itself (431), not by us.
      .map(
        ([pairs, tail]) =>
          pairs
            .map(
              ([k, v]) =>
                `${encode(k)}=${encode(v)
                  .slice(0, 1_500)
                  .replace(/%[0-9A-F]?$/, '')}`,
            )
            .join('&') + tail,
      )
  );
}

const pathParam = fc.oneof(
  hostileString.map((s) =>
    encode(s.slice(0, 300))
      .slice(0, 1_500)
      .replace(/%[0-9A-F]?$/, ''),
  ),
  fc.constantFrom('%zz', '%', '..', '%2e%2e', '%00', 'quantri%00', '%E0%A4%A', 'a%2Fb', '%20'),
);

interface Request {
  path: string;
  query: string;
  body: Body | null;
}

function requests(route: RouteSpec): fc.Arbitrary<Request> {
  const names = [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
  return fc
    .record({
      params: fc.array(pathParam, { minLength: names.length, maxLength: names.length }),
      query: queries(route),
      body: bodies(route),
    })
    .map(({ params, query, body }) => ({
      path: names.reduce((p, name, i) => p.replace(`:${name}`, params[i]!), route.path),
      query,
      body: WRITE.has(route.method) ? body : null,
    }));
}

// ---------------------------------------------------------------------------------------------------------------
// What the server would see, to skip the rare request that is well-formed after all (it would really act).

function decoded(route: RouteSpec, path: string): Record<string, string> | null {
  const names = [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
  const pattern = new RegExp(`^${route.path.replace(/:(\w+)/g, '([^/]+)')}$`);
  const m = pattern.exec(path);
  if (!m) return null;
  try {
    return Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)]));
  } catch {
    return null;
  }
}

function wellFormed(route: RouteSpec, r: Request): boolean {
  if (!WRITE.has(route.method)) return false; // reads change nothing either way: send them all
  const params = decoded(route, r.path);
  if (!params) return false;
  if (route.params && !route.params.safeParse(params).success) return false;
  if (Object.values(params).some((p) => EXISTING.has(p.trim().toLowerCase()))) return true;
  if (route.query && !route.query.safeParse(parseQueryString(r.query)).success) return false;
  let value: unknown;
  // body-parser reads an empty body as no body.
  if (r.body?.contentType === 'application/json' && r.body.text !== '') {
    try {
      // body-parser drops a leading byte-order mark before parsing.
      value = JSON.parse(r.body.text.replace(/^\uFEFF/, ''));
    } catch {
      return false;
    }
  } else if (r.body?.contentType?.startsWith('application/json') && r.body.text !== '') return false;
  if (!route.body) return true;
  return route.body.safeParse(value ?? {}).success;
}

// ---------------------------------------------------------------------------------------------------------------

async function send(route: RouteSpec, r: Request, asAdmin: boolean): Promise<{ status: number; type: string; text: string }> {
  const headers: Record<string, string> = {};
  if (r.body?.contentType) headers['content-type'] = r.body.contentType;
  if (asAdmin) {
    headers.cookie = `${SESSION_COOKIE}=${admin.cookie}`;
    headers[CSRF_HEADER] = admin.csrfToken!;
  }
  const res = await fetch(`${ts.url}${r.path}${r.query ? `?${r.query}` : ''}`, {
    method: route.method,
    headers,
    ...(r.body ? { body: r.body.text } : {}),
  });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}

describe.each(ROUTES.map((route) => ({ route, name: `${route.method} ${route.path}` })))('$name', ({ route }) => {
  it.each([
    ['an admin session', true],
    ['no session', false],
  ])('as %s: never 5xx, every 4xx with the error body', async (_who, asAdmin) => {
    await fc.assert(
      fc.asyncProperty(requests(route), async (r) => {
        fc.pre(!wellFormed(route, r));
        const res = await send(route, r, asAdmin);
        if (process.env.FUZZ_DEBUG && asAdmin && (await admin.get('/api/auth/me')).status !== 200)
          throw new Error(`session ended by ${JSON.stringify(r).slice(0, 500)}`);
        const where = `${route.method} ${r.path.slice(0, 100)}?${r.query.slice(0, 200)} ${r.body?.contentType ?? ''} ${r.body?.text.slice(0, 200) ?? ''}`;
        expect(res.status, `${where}: ${res.text.slice(0, 300)}`).toBeLessThan(500);
        if (res.status >= 400) {
          expect(res.type, where).toMatch(/^application\/json/);
          const body = ErrorBody.safeParse(JSON.parse(res.text));
          expect(body.success, `${where}: ${res.text.slice(0, 300)}`).toBe(true);
          expect(body.data!.error.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: RUNS_PER_ROUTE, maxSkipsPerRun: 1_000 },
    );
  });
});

describe('the live hub under junk', () => {
  it('stays up through junk events, junk payloads and missing acks, and still serves a valid subscription', async () => {
    const socket = admin.socket();
    await connected(socket);
    try {
      const RESERVED = ['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener'];
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.constantFrom(LiveEvents.subscribe, '__proto__', 'constructor', 'toString', 'error', 'message'),
            fc.string({ maxLength: 20 }),
          ),
          fc.array(smallJunk, { maxLength: 3 }),
          fc.boolean(),
          async (event, args, withAck) => {
            if (RESERVED.includes(event)) return;
            if (event === LiveEvents.subscribe && withAck) {
              const ack = (await socket.timeout(5_000).emitWithAck(event, ...args)) as SubscribeAck;
              const valid =
                args.length >= 1 &&
                z
                  .object({ dashboard: z.literal('wall') })
                  .strict()
                  .safeParse(args[0]).success;
              if (valid) expect(ack.ok).toBe(true);
              else expect(ack).toMatchObject({ ok: false, error: { code: 'request.invalid' } });
            } else if (withAck) socket.emit(event, ...args, () => undefined);
            else socket.emit(event, ...args);
          },
        ),
        { numRuns: SOCKET_RUNS },
      );
      expect(socket.connected).toBe(true);
      const ack = (await socket.timeout(5_000).emitWithAck(LiveEvents.subscribe, { dashboard: 'wall' })) as SubscribeAck;
      expect(ack.ok).toBe(true);
    } finally {
      socket.close();
    }
  });

  it('drops a socket that sends a payload over the size limit, and serves the next one', async () => {
    const big = admin.socket();
    await connected(big);
    const closed = new Promise<string>((resolve) => big.once('disconnect', resolve));
    big.emit(LiveEvents.subscribe, { dashboard: 'x'.repeat(2_000_000) }, () => undefined);
    expect(await closed).toBe('transport close');
    big.close();
    const next = admin.socket();
    try {
      await connected(next);
      const ack = (await next.timeout(5_000).emitWithAck(LiveEvents.subscribe, { dashboard: 'wall' })) as SubscribeAck;
      expect(ack.ok).toBe(true);
    } finally {
      next.close();
    }
  });
});

describe('after the fuzz', () => {
  it('left every table exactly as it was', async () => {
    const after = await fingerprint();
    expect([...after].filter(([table, print]) => before.get(table) !== print).map(([table]) => table)).toEqual([]);
    expect(after.size).toBe(before.size);
  });

  it('left no prototype polluted and the admin session working', async () => {
    const probe = {} as Record<string, unknown>;
    expect([probe.polluted, probe.isAdmin, probe.role]).toEqual([undefined, undefined, undefined]);
    expect((await admin.get('/api/auth/me')).status).toBe(200);
    expect((await new TestClient(ts.url).get('/healthz')).status).toBe(200);
  });
});
