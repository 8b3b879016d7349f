import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBody, MetricList, UnitList, loadCatalogue, loadMetricCatalogue } from '@ioc/core';
import { TestClient, signedIn, startTestServer, type TestServer } from '../../test/auth-harness';

let ts: TestServer;
const clients: Record<string, TestClient> = {};

beforeAll(async () => {
  ts = await startTestServer({ backend: 'postgres' });
  for (const [username, role, scope] of [
    ['tinh', 'viewer', undefined],
    ['xaphandinhphung', 'leader', '05443'],
    ['soyte', 'department', 'SYT'],
  ] as const) {
    const { password } = await ts.addAccount(username, role, scope);
    clients[username] = await signedIn(ts.url, username, password!);
  }
  const { displayToken } = await ts.addAccount('manhinh', 'display');
  clients.manhinh = new TestClient(ts.url);
  await clients.manhinh.post('/api/auth/display', { token: displayToken });
}, 120_000);
afterAll(() => ts?.close());

async function units(username: string): Promise<UnitList> {
  const res = await clients[username]!.get('/api/units');
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return UnitList.parse(res.body);
}

describe('GET /api/units', () => {
  it('gives a province-wide account every commune and agency of the catalogue', async () => {
    const catalogue = await loadCatalogue();
    const list = await units('tinh');
    expect(list.scope).toEqual({ unitCode: '19', agencyCode: null });
    expect(list.province).toMatchObject({ code: '19', name: catalogue.province.name });
    expect(list.communes).toHaveLength(92);
    expect(list.agencies.map((a) => a.code).sort()).toEqual(catalogue.agencies.map((a) => a.code).sort());
  });

  it('gives a commune account its commune and that commune’s agencies only', async () => {
    const list = await units('xaphandinhphung');
    expect(list.communes.map((c) => c.code)).toEqual(['05443']);
    expect(list.communes[0]!.name).toMatch(/Phan Đình Phùng/);
    expect(list.agencies.map((a) => a.code)).toEqual(['UBND-05443']);
  });

  it('gives a department its own agency and no commune', async () => {
    const list = await units('soyte');
    expect(list.communes).toEqual([]);
    expect(list.agencies.map((a) => a.code)).toEqual(['SYT']);
  });

  it('refuses a display device (403), nobody signed in (401) and unknown parameters (400)', async () => {
    expect(ErrorBody.parse((await clients.manhinh!.get('/api/units')).body).error.code).toBe('auth.forbidden');
    expect((await new TestClient(ts.url).get('/api/units')).status).toBe(401);
    const res = await clients.tinh!.get('/api/units?scope=19');
    expect(res.status).toBe(400);
    expect(ErrorBody.parse(res.body).error.code).toBe('request.invalid');
  });
});

describe('GET /api/metrics', () => {
  it('gives the shipped metric catalogue: ids, names in Vietnamese and English, units and thresholds', async () => {
    const shipped = await loadMetricCatalogue();
    const res = await clients.soyte!.get('/api/metrics?lang=en');
    expect(res.status).toBe(200);
    const list = MetricList.parse(res.body);
    expect(list.metrics.map((m) => m.id)).toEqual(shipped.metrics.map((m) => m.id));
    const onTime = list.metrics.find((m) => m.thresholds !== null)!;
    expect(onTime.name.vi.length).toBeGreaterThan(0);
    expect(onTime.name.en.length).toBeGreaterThan(0);
    expect(onTime.thresholds).toEqual(shipped.metrics.find((m) => m.id === onTime.id)!.thresholds);
  });

  it('is open to a display device (it labels the wall) but not to nobody', async () => {
    expect((await clients.manhinh!.get('/api/metrics')).status).toBe(200);
    expect((await new TestClient(ts.url).get('/api/metrics')).status).toBe(401);
  });
});
