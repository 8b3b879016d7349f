import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertLiveEvents, ErrorBody, LiveEvents, WallSnapshot, type AlertsSubscribeAck, type Role, type SubscribeAck } from '@ioc/core';
import { ACTIONS, GRANTS } from '../src/policy/policy';
import { STRONG, TestClient, connected, signedIn, startTestServer, type TestServer } from './auth-harness';

// Every role × every endpoint of the accounts work (and the public ones) × the wall subscription, through real HTTP
// and a real socket.io client against one server. Expected statuses are written out, not derived from the policy.
type Caller = Role | 'anonymous' | 'mustChange';
const CALLERS: Caller[] = ['admin', 'leader', 'operator', 'department', 'viewer', 'display', 'mustChange', 'anonymous'];

let ts: TestServer;
const clients = new Map<Caller, TestClient>();
let targets = 0;

/** A throwaway account for admin actions, so each row acts on its own target. */
async function target(): Promise<string> {
  const name = `muctieu${++targets}`;
  await ts.addAccount(name, 'viewer');
  return name;
}

beforeAll(async () => {
  ts = await startTestServer();
  const people: [Caller, string, Role, string?][] = [
    ['admin', 'quantri', 'admin'],
    ['leader', 'lanhdao', 'leader'],
    ['operator', 'vanhanh', 'operator'],
    ['department', 'soyte', 'department', 'SYT'],
    ['viewer', 'xem', 'viewer'],
  ];
  for (const [caller, username, role, scope] of people) {
    const { password } = await ts.addAccount(username, role, scope);
    clients.set(caller, await signedIn(ts.url, username, password!));
  }
  const { displayToken } = await ts.addAccount('manhinh', 'display');
  const display = new TestClient(ts.url);
  await display.post('/api/auth/display', { token: displayToken });
  clients.set('display', display);
  const { password } = await ts.addAccount('moitao', 'leader');
  const fresh = new TestClient(ts.url);
  await fresh.login('moitao', password!);
  clients.set('mustChange', fresh);
  clients.set('anonymous', new TestClient(ts.url));
});
afterAll(() => ts?.close());

interface Row {
  name: string;
  method: 'GET' | 'POST' | 'DELETE';
  path: (caller: Caller) => Promise<string> | string;
  body?: unknown;
  expect: Record<Caller, number>;
}

const everyone = (status: number): Record<Caller, number> => Object.fromEntries(CALLERS.map((c) => [c, status])) as Record<Caller, number>;
const signedInOnly = (status: number, overrides: Partial<Record<Caller, number>> = {}) => ({
  ...everyone(status),
  mustChange: 403,
  anonymous: 401,
  ...overrides,
});
const adminOnly = (status: number) => ({ ...everyone(403), admin: status, anonymous: 401 });
const NO_INCIDENT = '00000000-0000-4000-8000-000000000000';

const MATRIX: Row[] = [
  { name: 'GET /healthz', method: 'GET', path: () => '/healthz', expect: everyone(200) },
  { name: 'GET /metrics', method: 'GET', path: () => '/metrics', expect: everyone(200) },
  { name: 'GET /api/catalogue', method: 'GET', path: () => '/api/catalogue', expect: everyone(200) },
  { name: 'GET /readyz', method: 'GET', path: () => '/readyz', expect: everyone(200) },
  { name: 'GET /api/openapi.json', method: 'GET', path: () => '/api/openapi.json', expect: everyone(200) },
  { name: 'GET /api/units', method: 'GET', path: () => '/api/units', expect: signedInOnly(200, { display: 403 }) },
  { name: 'GET /api/metrics', method: 'GET', path: () => '/api/metrics', expect: signedInOnly(200) },
  { name: 'GET /api/audit', method: 'GET', path: () => '/api/audit', expect: adminOnly(200) },
  { name: 'GET /api/audit?limit=0 (passes the policy, then 400)', method: 'GET', path: () => '/api/audit?limit=0', expect: adminOnly(400) },
  { name: 'GET /api/auth/me', method: 'GET', path: () => '/api/auth/me', expect: { ...everyone(200), anonymous: 401 } },
  {
    name: 'POST /api/auth/password (empty body: passes the policy, then 400)',
    method: 'POST',
    path: () => '/api/auth/password',
    body: {},
    expect: { ...everyone(400), display: 403, anonymous: 401 },
  },
  { name: 'GET /api/dashboards/wall', method: 'GET', path: () => '/api/dashboards/wall', expect: signedInOnly(200) },
  {
    name: 'GET /api/dashboards/wall?agency=SYT (the department’s own)',
    method: 'GET',
    path: () => '/api/dashboards/wall?agency=SYT',
    expect: signedInOnly(200),
  },
  {
    name: 'GET /api/dashboards/wall?agency=SNV (another agency)',
    method: 'GET',
    path: () => '/api/dashboards/wall?agency=SNV',
    expect: signedInOnly(200, { department: 403 }),
  },
  {
    name: 'GET /api/dashboards/wall?unit=05443 (unknown parameter)',
    method: 'GET',
    path: () => '/api/dashboards/wall?unit=05443',
    expect: signedInOnly(400),
  },
  // Dashboards as code (server/src/dashboards): a wall device sees only its wall; a unit outside one's scope is 403.
  { name: 'GET /api/dashboards', method: 'GET', path: () => '/api/dashboards', expect: signedInOnly(200) },
  {
    name: 'GET /api/dashboards/:id (dossiers)',
    method: 'GET',
    path: () => '/api/dashboards/dossiers',
    expect: signedInOnly(200, { display: 403 }),
  },
  {
    name: 'GET /api/dashboards/:id/panels/:panelId/data (the wall, one’s own scope)',
    method: 'GET',
    path: () => '/api/dashboards/wall/panels/on-time-today/data',
    expect: signedInOnly(200),
  },
  {
    name: 'GET /api/dashboards/:id/panels/:panelId/data?unit=SYT (the department’s own agency)',
    method: 'GET',
    path: () => '/api/dashboards/dossiers/panels/received-daily/data?unit=SYT',
    expect: signedInOnly(200, { display: 403 }),
  },
  {
    name: 'GET /api/dashboards/:id/panels/:panelId/data?unit=SNV (another agency)',
    method: 'GET',
    path: () => '/api/dashboards/dossiers/panels/on-time-by-agency/data?unit=SNV',
    expect: signedInOnly(200, { display: 403, department: 403 }),
  },
  {
    name: 'GET /api/dashboards/:id/panels/:panelId/data?bucket=2h (passes the role check, then 400)',
    method: 'GET',
    path: () => '/api/dashboards/dossiers/panels/received-daily/data?bucket=2h',
    expect: signedInOnly(400),
  },
  { name: 'GET /api/users', method: 'GET', path: () => '/api/users', expect: adminOnly(200) },
  {
    name: 'POST /api/users',
    method: 'POST',
    path: () => '/api/users',
    body: { role: 'viewer', username: 'taomoi' },
    expect: adminOnly(201),
  },
  ...(['lock', 'unlock', 'close', 'reset'] as const).map((action): Row => ({
    name: `POST /api/users/:username/${action}`,
    method: 'POST',
    path: async (caller) => `/api/users/${caller === 'admin' ? await target() : 'xem'}/${action}`,
    body: {},
    expect: adminOnly(200),
  })),
  {
    name: 'DELETE /api/users/:username (never acted)',
    method: 'DELETE',
    path: async (caller) => `/api/users/${caller === 'admin' ? await target() : 'xem'}`,
    expect: adminOnly(204),
  },
  // Alerts, incidents and silences (server/src/incidents, silences): an unknown incident passes the role check, then 404.
  // A wall device shows the SLA breaches (alerts) of its scope; incidents' logbooks stay closed to it.
  { name: 'GET /api/alerts', method: 'GET', path: () => '/api/alerts', expect: signedInOnly(200) },
  {
    name: 'GET /api/alerts?agency=SNV (another agency)',
    method: 'GET',
    path: () => '/api/alerts?agency=SNV',
    expect: signedInOnly(200, { department: 403 }),
  },
  { name: 'GET /api/incidents', method: 'GET', path: () => '/api/incidents', expect: signedInOnly(200, { display: 403 }) },
  {
    name: 'GET /api/incidents?agency=SNV (another agency)',
    method: 'GET',
    path: () => '/api/incidents?agency=SNV',
    expect: signedInOnly(200, { display: 403, department: 403 }),
  },
  {
    name: 'GET /api/incidents/:id (unknown)',
    method: 'GET',
    path: () => `/api/incidents/${NO_INCIDENT}`,
    expect: signedInOnly(404, { display: 403 }),
  },
  ...(
    [
      ['ack', {}, false],
      ['assign', { agencyCode: 'SYT' }, false],
      ['comment', { comment: 'Ghi chú' }, true],
      ['checklist', { index: 0, done: true }, false],
      ['progress', { comment: 'Đang xử lý' }, true],
      ['resolve', { comment: 'Đã xử lý' }, true],
      ['close', {}, false],
      ['reopen', { comment: 'Mở lại' }, false],
    ] as const
  ).map(([action, body, departmentToo]): Row => ({
    name: `POST /api/incidents/:id/${action} (unknown)`,
    method: 'POST',
    path: () => `/api/incidents/${NO_INCIDENT}/${action}`,
    body,
    expect: { ...everyone(403), admin: 404, operator: 404, anonymous: 401, ...(departmentToo ? { department: 404 } : {}) },
  })),
  { name: 'GET /api/silences', method: 'GET', path: () => '/api/silences', expect: signedInOnly(200, { display: 403, department: 403 }) },
  {
    name: 'POST /api/silences (empty body: passes the policy, then 400)',
    method: 'POST',
    path: () => '/api/silences',
    body: {},
    expect: { ...everyone(403), admin: 400, operator: 400, anonymous: 401 },
  },
  {
    name: 'POST /api/silences/:id/cancel (unknown)',
    method: 'POST',
    path: () => `/api/silences/${NO_INCIDENT}/cancel`,
    expect: { ...everyone(403), admin: 404, operator: 404, anonymous: 401 },
  },
  {
    name: 'GET /api/reports/monthly (default: one’s own scope)',
    method: 'GET',
    path: () => '/api/reports/monthly?month=2026-03',
    expect: { ...everyone(403), admin: 200, leader: 200, operator: 200, department: 200, anonymous: 401 },
  },
  {
    name: 'GET /api/reports/monthly?unit=19 (the whole province)',
    method: 'GET',
    path: () => '/api/reports/monthly?month=2026-03&unit=19',
    expect: { ...everyone(403), admin: 200, leader: 200, operator: 200, anonymous: 401 },
  },
  {
    name: 'GET /api/reports/monthly?unit=SYT (the department’s own agency)',
    method: 'GET',
    path: () => '/api/reports/monthly?month=2026-03&unit=SYT&format=xlsx',
    expect: { ...everyone(403), admin: 200, leader: 200, operator: 200, department: 200, anonymous: 401 },
  },
  // Source health and quarantine (server/src/sources, server/src/quarantine).
  {
    name: 'GET /api/sources',
    method: 'GET',
    path: () => '/api/sources',
    expect: { ...everyone(403), admin: 200, leader: 200, operator: 200, anonymous: 401 },
  },
  {
    name: 'GET /api/quarantine',
    method: 'GET',
    path: () => '/api/quarantine',
    expect: { ...everyone(403), admin: 200, operator: 200, anonymous: 401 },
  },
  {
    name: 'POST /api/quarantine/replay (no record waiting)',
    method: 'POST',
    path: () => '/api/quarantine/replay',
    body: { source: 'dvc' },
    expect: { ...everyone(403), admin: 200, operator: 200, anonymous: 401 },
  },
  {
    name: 'POST /api/quarantine/:id/replay (unknown id: passes the role check, then 404)',
    method: 'POST',
    path: () => '/api/quarantine/424242/replay',
    body: {},
    expect: { ...everyone(403), admin: 404, operator: 404, anonymous: 401 },
  },
  // Spreadsheet imports (server/src/imports): the role check comes first, then the missing file name is a 400.
  {
    name: 'POST /api/imports/project (no file name: passes the role check, then 400)',
    method: 'POST',
    path: () => '/api/imports/project',
    body: {},
    expect: { ...everyone(403), admin: 400, operator: 400, department: 400, anonymous: 401 },
  },
];

describe.each(MATRIX)('$name', (row) => {
  it.each(CALLERS)('as %s', async (caller) => {
    const client = clients.get(caller)!;
    let body = row.body;
    // Each create needs a fresh name; only the admin's succeeds.
    if (row.name === 'POST /api/users') body = { ...(row.body as object), username: `taomoi${++targets}` };
    const res = await client.request(row.method, await row.path(caller), body);
    expect(res.status, JSON.stringify(res.body)).toBe(row.expect[caller]);
    if (res.status >= 400) {
      const error = ErrorBody.parse(res.body).error;
      const code = {
        400: 'request.invalid',
        401: 'auth.required',
        403: caller === 'mustChange' ? 'auth.passwordChangeRequired' : 'auth.forbidden',
      }[res.status];
      if (code) expect(error.code).toBe(code);
      expect(error.message.length).toBeGreaterThan(0);
    }
  });
});

it('every action of the policy is granted to some role or public (no dead action)', () => {
  const granted = new Set(Object.values(GRANTS).flatMap((g) => [...g]));
  const publicActions = ['health.read', 'metrics.read', 'catalogue.read', 'session.open', 'api.describe'];
  expect(ACTIONS.filter((a) => !granted.has(a) && !publicActions.includes(a))).toEqual([]);
});

describe('a department only ever sees its own agency', () => {
  it('its wall snapshot over REST holds the SYT row only, totals summed over it', async () => {
    const res = await clients.get('department')!.get('/api/dashboards/wall');
    const snapshot = WallSnapshot.parse(res.body);
    expect(snapshot.rows.map((r) => r.agencyCode)).toEqual(['SYT']);
    expect(snapshot.totals.open).toBe(snapshot.rows[0]!.open);
  });

  it('its socket subscription gets the SYT row only; asking for more is refused, never widened', async () => {
    const socket = clients.get('department')!.socket();
    try {
      await connected(socket);
      const ack = (await socket.timeout(5_000).emitWithAck(LiveEvents.subscribe, { dashboard: 'wall' })) as SubscribeAck;
      expect(ack.ok).toBe(true);
      if (ack.ok) expect(ack.snapshot.rows.map((r) => r.agencyCode)).toEqual(['SYT']);
      for (const payload of [
        { dashboard: 'wall', agency: 'SNV' },
        { dashboard: 'wall', scope: '19' },
        { dashboard: 'wall', room: 'wall:19' },
      ]) {
        const refused = (await socket.timeout(5_000).emitWithAck(LiveEvents.subscribe, payload)) as SubscribeAck;
        expect(refused, JSON.stringify(payload)).toMatchObject({ ok: false, error: { code: 'request.invalid' } });
      }
      const rooms = await ts.server.hub.io.in('wall:19/SYT').fetchSockets();
      expect(rooms).toHaveLength(1);
      expect(await ts.server.hub.io.in('wall:19').fetchSockets()).toHaveLength(0);
    } finally {
      socket.close();
    }
  });
});

describe('the wall subscription, by role', () => {
  it.each(CALLERS)('as %s', async (caller) => {
    const socket = clients.get(caller)!.socket();
    try {
      if (caller === 'anonymous' || caller === 'mustChange') {
        await expect(connected(socket)).rejects.toMatchObject({
          data: { code: caller === 'anonymous' ? 'auth.required' : 'auth.passwordChangeRequired' },
        });
        return;
      }
      await connected(socket);
      const ack = (await socket.timeout(5_000).emitWithAck(LiveEvents.subscribe, { dashboard: 'wall' })) as SubscribeAck;
      expect(ack.ok).toBe(true);
      if (!ack.ok) return;
      const agencies = ack.snapshot.rows.map((r) => r.agencyCode);
      if (caller === 'department') expect(agencies).toEqual(['SYT']);
      else expect(agencies.length).toBeGreaterThan(100);
    } finally {
      socket.close();
    }
  });

  it('a commune account sees its commune’s committee only', async () => {
    const { password } = await ts.addAccount('xaphandinhphung', 'leader', '05443');
    const client = await signedIn(ts.url, 'xaphandinhphung', password!);
    const snapshot = WallSnapshot.parse((await client.get('/api/dashboards/wall')).body);
    expect(snapshot.rows.map((r) => r.agencyCode)).toEqual(['UBND-05443']);
    expect((await client.get('/api/dashboards/wall?agency=SYT')).status).toBe(403);
  });

  it('a socket whose session ends is told why and disconnected', async () => {
    const { password } = await ts.addAccount('ketthuc', 'viewer');
    const client = await signedIn(ts.url, 'ketthuc', password!);
    const socket = client.socket();
    try {
      await connected(socket);
      expect(((await socket.timeout(5_000).emitWithAck(LiveEvents.subscribe, { dashboard: 'wall' })) as SubscribeAck).ok).toBe(true);
      const ended = new Promise<{ code: string; message: string }>((resolve) => socket.once(LiveEvents.sessionEnded, resolve));
      const closed = new Promise<string>((resolve) => socket.once('disconnect', resolve));
      expect((await client.post('/api/auth/logout')).status).toBe(204);
      expect(await ended).toMatchObject({ code: 'auth.sessionExpired' });
      expect(await closed).toBe('io server disconnect');
    } finally {
      socket.close();
    }
  });
});

describe('the alerts subscription, by role', () => {
  it.each(['admin', 'leader', 'operator', 'department', 'viewer', 'display'] as const)('as %s', async (caller) => {
    const socket = clients.get(caller)!.socket();
    try {
      await connected(socket);
      const ack = (await socket.timeout(5_000).emitWithAck(AlertLiveEvents.subscribe, {})) as AlertsSubscribeAck;
      expect(ack.ok).toBe(true);
      const room = caller === 'department' ? 'alerts:dept:SYT' : 'alerts:19';
      const members = await ts.server.hub.io.in(room).fetchSockets();
      expect(members.map((m) => m.id)).toContain(socket.id);
      if (caller === 'department') expect(await ts.server.hub.io.in('alerts:19').fetchSockets()).toHaveLength(0);
    } finally {
      socket.close();
    }
  });
});

describe('CSRF', () => {
  it('refuses a cookie-authenticated write without the x-csrf-token header (403), and with a wrong one', async () => {
    const admin = clients.get('admin')!;
    const attempts: Record<string, string>[] = [{}, { 'x-csrf-token': 'not-the-token' }];
    for (const headers of attempts) {
      const res = await admin.request('POST', '/api/users', { username: 'khongcsrf', role: 'viewer' }, { csrf: false, headers });
      expect(res.status).toBe(403);
      expect(ErrorBody.parse(res.body).error).toMatchObject({
        code: 'auth.csrfInvalid',
        message: 'Yêu cầu bị từ chối vì thiếu mã chống giả mạo (CSRF). Hãy tải lại trang rồi thử lại.',
      });
    }
    expect((await admin.get<{ users: { username: string }[] }>('/api/users')).body.users.some((u) => u.username === 'khongcsrf')).toBe(
      false,
    );
  });

  it('refuses a write sent from another origin, even with the token', async () => {
    const res = await clients.get('admin')!.request('POST', '/api/users/xem/lock', {}, { headers: { origin: 'https://evil.example' } });
    expect(res.status).toBe(403);
    expect(ErrorBody.parse(res.body).error.code).toBe('auth.csrfInvalid');
  });

  it('lets the sign-in itself through without a token (it opens the session that has one)', async () => {
    const res = await new TestClient(ts.url).login('lanhdao', STRONG);
    expect(res.status).toBe(200);
  });
});

describe('POST /api/auth/logout', () => {
  it.each(CALLERS)('as %s', async (caller) => {
    // A session of its own, so that signing out does not end the one the other tests use.
    const client = new TestClient(ts.url);
    if (caller === 'display') {
      const { displayToken } = await ts.addAccount(`manhinh${++targets}`, 'display');
      await client.post('/api/auth/display', { token: displayToken });
    } else if (caller === 'mustChange') {
      const name = `moi${++targets}`;
      const { password } = await ts.addAccount(name, 'viewer');
      await client.login(name, password!);
    } else if (caller !== 'anonymous') {
      const username = { admin: 'quantri', leader: 'lanhdao', operator: 'vanhanh', department: 'soyte', viewer: 'xem' }[caller];
      await client.login(username, STRONG);
    }
    const res = await client.post('/api/auth/logout');
    expect(res.status).toBe(caller === 'anonymous' ? 401 : 204);
    expect((await client.get('/api/auth/me')).status).toBe(401);
  });
});
