import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DashboardList, ErrorBody, PanelData, WallSnapshot, type Dashboard } from '@ioc/core';
import { TestClient, signedIn, startTestServer, type TestServer } from './auth-harness';

// Dashboards as code and panel data through the real API, over rollup rows written for known minutes. The server's
// clock stands at Wednesday 11 March 2026, 10:00 in the province.

let ts: TestServer;
let leader: TestClient;
let department: TestClient;
let display: TestClient;

const local = (iso: string) => new Date(`${iso}+07:00`);
const q = (params: Record<string, string>) => `?${new URLSearchParams(params).toString()}`;

beforeAll(async () => {
  ts = await startTestServer();
  const rows: [string, string, string, number, number, number][] = [
    // 09:00–10:00: SYT finished 4, 3 on time; SNV finished 2, none on time.
    ['2026-03-11T09:05:00', 'SYT', '19', 2, 3, 2],
    ['2026-03-11T09:59:00', 'SYT', '05443', 1, 1, 1],
    ['2026-03-11T09:30:00', 'SNV', '19', 1, 2, 0],
    // The evening before, across the provincial midnight (both on 10 March in UTC).
    ['2026-03-10T23:50:00', 'SYT', '19', 6, 0, 0],
    ['2026-03-11T00:10:00', 'SYT', '19', 8, 0, 0],
  ];
  for (const [at, agency, unit, received, finished, onTime] of rows)
    await ts.db.query(
      `insert into dossier_rollup_minute (bucket, handling_agency_code, unit_code, received, received_online, finished, finished_on_time)
       values ($1, $2, $3, $4, 0, $5, $6)`,
      [local(at), agency, unit, received, finished, onTime],
    );
  const { password: p1 } = await ts.addAccount('lanhdao', 'leader');
  leader = await signedIn(ts.url, 'lanhdao', p1!);
  const { password: p2 } = await ts.addAccount('soyte', 'department', 'SYT');
  department = await signedIn(ts.url, 'soyte', p2!);
  const { displayToken } = await ts.addAccount('manhinh', 'display');
  display = new TestClient(ts.url);
  await display.post('/api/auth/display', { token: displayToken });
}, 120_000);
afterAll(() => ts?.close());

const data = (client: TestClient, dashboard: string, panel: string, params: Record<string, string> = {}) =>
  client.get<PanelData & ErrorBody>(`/api/dashboards/${dashboard}/panels/${panel}/data${Object.keys(params).length ? q(params) : ''}`);

describe('GET /api/dashboards and /api/dashboards/:id', () => {
  it('lists every shipped dashboard with its panels; a wall device sees only the wall', async () => {
    const all = await leader.get<DashboardList>('/api/dashboards');
    expect(all.status).toBe(200);
    expect(DashboardList.parse(all.body).dashboards.map((d) => d.id)).toEqual(['documents', 'dossiers', 'projects', 'wall']);
    const own = await display.get<DashboardList>('/api/dashboards');
    expect(own.body.dashboards.map((d) => d.id)).toEqual(['wall']);
  });

  it('gives one definition, 404 for an unknown one, and keeps /api/dashboards/wall the live wall', async () => {
    const dossiers = await department.get<Dashboard>('/api/dashboards/dossiers');
    expect(dossiers.status).toBe(200);
    expect(dossiers.body.panels.map((p) => p.id)).toContain('on-time-daily');
    const unknown = await leader.get<ErrorBody>('/api/dashboards/khong-co');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('dashboard.unknown');
    const wall = await leader.get('/api/dashboards/wall');
    expect(wall.status).toBe(200);
    expect(WallSnapshot.safeParse(wall.body).success).toBe(true);
    expect((await display.get<ErrorBody>('/api/dashboards/dossiers')).status).toBe(403);
  });
});

describe('GET /api/dashboards/:id/panels/:panelId/data', () => {
  it('on-time rate in two hourly buckets: (3 + 0) / (4 + 2), then no data', async () => {
    const res = await data(leader, 'dossiers', 'on-time-daily', {
      from: '2026-03-11T09:00:00+07:00',
      to: '2026-03-11T11:00:00+07:00',
      bucket: '1h',
    });
    expect(res.status).toBe(200);
    expect(PanelData.parse(res.body)).toMatchObject({ metric: 'dossier.on_time_resolution', unit: 'ratio', scope: '19', bucket: '1h' });
    expect(res.body.points).toEqual([
      { start: '2026-03-11T02:00:00.000Z', numerator: 3, denominator: 6, value: 0.5 },
      { start: '2026-03-11T03:00:00.000Z', numerator: null, denominator: null, value: null },
    ]);
    expect(res.body.total).toEqual({ numerator: 3, denominator: 6, value: 0.5 });
  });

  it('a department gets its own agency only, by default and when it asks for it', async () => {
    const range = { from: '2026-03-11T09:00:00+07:00', to: '2026-03-11T10:00:00+07:00', bucket: '1h' };
    for (const params of [range, { ...range, unit: 'SYT' }]) {
      const res = await data(department, 'dossiers', 'on-time-daily', params);
      expect(res.status).toBe(200);
      expect(res.body.scope).toBe('19/SYT');
      expect(res.body.points).toEqual([{ start: '2026-03-11T02:00:00.000Z', numerator: 3, denominator: 4, value: 0.75 }]);
    }
    const bars = await data(department, 'dossiers', 'on-time-by-agency', range);
    expect(bars.body.groups).toEqual([{ code: 'SYT', numerator: 3, denominator: 4, value: 0.75 }]);
    const leaderBars = await data(leader, 'dossiers', 'on-time-by-agency', range);
    expect(leaderBars.body.groups.map((g) => [g.code, g.value])).toEqual([
      ['SNV', 0],
      ['SYT', 0.75],
    ]);
  });

  it('a department asking for another agency, a commune or the province gets 403; an unknown unit 400', async () => {
    for (const unit of ['SNV', '05443', '19']) {
      const res = await data(department, 'dossiers', 'on-time-daily', { unit });
      expect([unit, res.status, res.body.error?.code]).toEqual([unit, 403, 'auth.forbidden']);
    }
    const unknown = await data(department, 'dossiers', 'on-time-daily', { unit: 'KHONGCO' });
    expect([unknown.status, unknown.body.error.code]).toEqual([400, 'account.scopeUnknown']);
    const commune = await data(leader, 'dossiers', 'received-by-commune', { unit: '05443', from: '2026-03-11T00:00:00+07:00' });
    expect(commune.body.groups).toEqual([{ code: '05443', numerator: 1, denominator: null, value: 1 }]);
  });

  it('daily buckets split at the provincial midnight', async () => {
    const res = await data(leader, 'dossiers', 'received-daily', {
      from: '2026-03-10T20:00:00+07:00',
      to: '2026-03-11T04:00:00+07:00',
    });
    expect(res.body.points.map((p) => [p.start, p.value])).toEqual([
      ['2026-03-09T17:00:00.000Z', 6],
      ['2026-03-10T17:00:00.000Z', 8],
    ]);
  });

  it('uses the panel’s default range and bucket: the wall’s today in 15 minutes is 96 points', async () => {
    const res = await data(display, 'wall', 'received-by-quarter-hour');
    expect(res.status).toBe(200);
    expect(res.body.from).toBe('2026-03-10T17:00:00.000Z');
    expect(res.body.points).toHaveLength(96);
    expect(res.body.points[0]).toEqual({ start: '2026-03-10T17:00:00.000Z', numerator: 8, denominator: null, value: 8 });
    expect(res.body.points[1]?.value).toBeNull();
    expect((await data(display, 'dossiers', 'received-daily')).status).toBe(403);
  });

  it('refuses a range too long for its bucket with 400 dashboard.rangeTooLong, saying so', async () => {
    const res = await data(leader, 'dossiers', 'received-daily', { bucket: '1m' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'dashboard.rangeTooLong', details: { points: 43_200, max: 2_000, bucket: '1m' } });
    expect(res.body.error.message).toContain('43200');
  });

  it('refuses bad input with 400 and unknown panels with 404', async () => {
    const cases: [Record<string, string>, number, string][] = [
      [{ from: '2026-03-11T10:00:00+07:00', to: '2026-03-11T10:00:00+07:00' }, 400, 'request.invalid'],
      [{ from: '2026-03-11' }, 400, 'request.invalid'],
      [{ bucket: '2h' }, 400, 'request.invalid'],
      [{ colour: 'red' }, 400, 'request.invalid'],
    ];
    for (const [params, status, code] of cases) {
      const res = await data(leader, 'dossiers', 'received-daily', params);
      expect([params, res.status, res.body.error?.code]).toEqual([params, status, code]);
    }
    const panel = await data(leader, 'dossiers', 'khong-co');
    expect([panel.status, panel.body.error.code]).toEqual([404, 'dashboard.panelUnknown']);
    const bad = await data(leader, 'dossiers', 'Not_An_Id');
    expect(bad.status).toBe(400);
  });

  it('answers any well-formed query with 200, 400 or 403, never 5xx, and never more than 2,000 points', async () => {
    const instant = fc
      .date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true })
      .map((d) => d.toISOString());
    const near = fc
      .integer({ min: -400 * 86_400, max: 400 * 86_400 })
      .map((s) => new Date(Date.parse('2026-03-11T03:00:00Z') + s * 1000).toISOString());
    const query = fc.record(
      {
        from: fc.oneof(instant, near),
        to: fc.oneof(instant, near),
        bucket: fc.constantFrom('1m', '5m', '15m', '1h', '1d', '1w', '1M'),
        unit: fc.constantFrom('19', 'SYT', 'SNV', '05443', 'UBND-05443'),
      },
      { requiredKeys: [] },
    );
    const panels = [
      'dossiers/on-time-daily',
      'dossiers/received-by-commune',
      'documents/signed-weekly',
      'projects/updates-by-commune',
      'wall/on-time-today',
    ];
    await fc.assert(
      fc.asyncProperty(query, fc.constantFrom(...panels), fc.constantFrom(leader, department), async (params, panel, client) => {
        const [dashboard, id] = panel.split('/') as [string, string];
        const res = await data(client, dashboard, id, params);
        expect([200, 400, 403], JSON.stringify([params, res.body])).toContain(res.status);
        if (res.status === 200) expect(res.body.points.length).toBeLessThanOrEqual(2_000);
        else expect(ErrorBody.safeParse(res.body).success).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('refuses with 400 a `to` so early that the default range would start before year 1 (found by the property above)', async () => {
    const res = await data(leader, 'dossiers', 'on-time-daily', { to: '0001-01-30T23:59:59.999Z' });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('0001-01-01');
  });
});
