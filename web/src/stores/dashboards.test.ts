import type { Dashboard, PanelData, UnitList } from '@ioc/core';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Fetcher } from '../auth/api';
import { serverFake } from '../testing/server-fake';
import { useDashboardsStore } from './dashboards';

// Wednesday 11 March 2026, 10:00:30 in the province (03:00:30 UTC).
const NOW = Date.parse('2026-03-11T03:00:30.000Z');

function makeDashboard(over: Partial<Dashboard> = {}): Dashboard {
  return {
    schemaVersion: 1,
    id: 'dossiers',
    title: { vi: 'Hồ sơ thủ tục hành chính', en: 'Public-service dossiers' },
    panels: [
      {
        id: 'received-7d',
        title: { vi: 'Tiếp nhận 7 ngày', en: 'Received 7 days' },
        type: 'kpi',
        metric: 'dossier.received',
        timeRange: '7d',
        bucket: '1d',
      },
      {
        id: 'on-time-by-agency',
        title: { vi: 'Đúng hạn theo cơ quan', en: 'On time by agency' },
        type: 'bar-by-agency',
        metric: 'dossier.on_time_resolution',
        timeRange: '30d',
        bucket: '1d',
      },
      {
        id: 'received-hourly',
        title: { vi: 'Tiếp nhận theo giờ', en: 'Received per hour' },
        type: 'timeseries',
        metric: 'dossier.received',
        timeRange: '24h',
        bucket: '1h',
      },
    ],
    ...over,
  };
}

function makePanelData(over: Partial<PanelData> = {}): PanelData {
  return {
    dashboard: 'dossiers',
    panel: 'received-7d',
    metric: 'dossier.received',
    unit: 'count',
    scope: '19/SYT',
    from: '2026-03-04T03:01:00.000Z',
    to: '2026-03-11T03:01:00.000Z',
    bucket: '1d',
    total: { numerator: 12, denominator: null, value: 12 },
    points: [{ start: '2026-03-10T17:00:00.000Z', numerator: 12, denominator: null, value: 12 }],
    groups: [],
    ...over,
  };
}

const ok = (body: unknown) => ({ status: 200, body });
const panelPath = (panel: string, query = '') => `GET /api/dashboards/dossiers/panels/${panel}/data${query}`;

beforeEach(() => {
  setActivePinia(createPinia());
  useDashboardsStore().configure({ clock: () => NOW });
});

describe('dashboards store over HTTP', () => {
  it('loads the list of dashboards the caller may see', async () => {
    const http = serverFake({ 'GET /api/dashboards': ok({ dashboards: [makeDashboard()] }) });
    const store = useDashboardsStore();
    store.configure({ fetcher: http.fetcher });
    await store.loadList();
    expect(store.listStatus).toBe('ready');
    expect(store.list.map((d) => [d.id, d.panels.length])).toEqual([['dossiers', 3]]);
    expect(http.calls[0]!.headers['accept-language']).toBeDefined();
  });

  it('loads each panel on its own: one refused panel shows its own error, the others their numbers', async () => {
    const kpi = makePanelData();
    const series = makePanelData({ panel: 'received-hourly', bucket: '1h' });
    const http = serverFake({
      'GET /api/dashboards/dossiers': ok(makeDashboard()),
      [panelPath('received-7d')]: ok(kpi),
      [panelPath('received-hourly')]: ok(series),
      [panelPath('on-time-by-agency')]: {
        status: 500,
        body: { error: { code: 'internal', message: 'Lỗi máy chủ' } },
      },
    });
    const store = useDashboardsStore();
    store.configure({ fetcher: http.fetcher });
    expect(await store.open('dossiers')).toBe(true);
    await store.loadPanels({ range: null, bucket: null, unit: null });
    expect(store.panels['received-7d']).toEqual({ status: 'ready', data: kpi, error: null });
    expect(store.panels['received-hourly']?.data?.bucket).toBe('1h');
    expect(store.panels['on-time-by-agency']).toEqual({ status: 'error', data: null, error: { code: 'internal', message: 'Lỗi máy chủ' } });
  });

  it('asks for the chosen range, the bucket each panel can take, and the unit, in one fixed order', async () => {
    const http = serverFake({ 'GET /api/dashboards/dossiers': ok(makeDashboard()) });
    const store = useDashboardsStore();
    store.configure({ fetcher: http.fetcher });
    await store.open('dossiers');
    await store.loadPanels({ range: '7d', bucket: null, unit: 'SYT' });
    const range = 'from=2026-03-04T03%3A01%3A00.000Z&to=2026-03-11T03%3A01%3A00.000Z';
    expect(http.calls.slice(1).map((c) => c.path)).toEqual([
      `/api/dashboards/dossiers/panels/received-7d/data?${range}&bucket=1d&unit=SYT`,
      `/api/dashboards/dossiers/panels/on-time-by-agency/data?${range}&bucket=1d&unit=SYT`,
      // An hourly panel keeps its own bucket over 7 days (168 points).
      `/api/dashboards/dossiers/panels/received-hourly/data?${range}&bucket=1h&unit=SYT`,
    ]);
    // Unknown panels were answered 404 by the fake: each says so, none blanks the others' state.
    expect(Object.values(store.panels).map((p) => p.status)).toEqual(['error', 'error', 'error']);
  });

  it('ignores and cancels the answers of a range that was changed before they came', async () => {
    const pending: { path: string; signal: AbortSignal | undefined; answer: (body: unknown) => void }[] = [];
    const dashboard = makeDashboard({ panels: [makeDashboard().panels[0]!] });
    const fetcher: Fetcher = (input, init) => {
      if (input === '/api/dashboards/dossiers') return Promise.resolve(new Response(JSON.stringify(dashboard), { status: 200 }));
      return new Promise((resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
        pending.push({
          path: input,
          signal: init?.signal ?? undefined,
          answer: (body) => resolve(new Response(JSON.stringify(body), { status: 200 })),
        });
      });
    };
    const store = useDashboardsStore();
    store.configure({ fetcher });
    await store.open('dossiers');
    const first = store.loadPanels({ range: '30d', bucket: null, unit: null });
    await Promise.resolve();
    const second = store.loadPanels({ range: 'today', bucket: '1h', unit: null });
    await Promise.resolve();
    expect(pending).toHaveLength(2);
    expect(pending[0]!.signal?.aborted).toBe(true);
    expect(pending[1]!.signal?.aborted).toBe(false);
    // The old answer arrives anyway (a server that ignored the abort): it must not replace the newer range.
    pending[0]!.answer(makePanelData({ from: 'OLD' }));
    await first;
    expect(store.panels['received-7d']?.status).toBe('loading');
    const today = makePanelData({ from: '2026-03-10T17:00:00.000Z', bucket: '1h' });
    pending[1]!.answer(today);
    await second;
    expect(store.panels['received-7d']).toEqual({ status: 'ready', data: today, error: null });
    expect(pending[1]!.path).toContain('from=2026-03-10T17%3A00%3A00.000Z');
  });

  it('keeps the previous numbers on screen while a new range loads', async () => {
    const data = makePanelData();
    const dashboard = makeDashboard({ panels: [makeDashboard().panels[0]!] });
    const http = serverFake({ 'GET /api/dashboards/dossiers': ok(dashboard), [panelPath('received-7d')]: ok(data) });
    const store = useDashboardsStore();
    store.configure({ fetcher: http.fetcher });
    await store.open('dossiers');
    await store.loadPanels({ range: null, bucket: null, unit: null });
    const loading = store.loadPanels({ range: '24h', bucket: null, unit: null });
    expect(store.panels['received-7d']).toEqual({ status: 'loading', data, error: null });
    await loading;
    expect(store.panels['received-7d']?.status).toBe('error');
  });

  it('says why a dashboard cannot be opened, and loads the units the caller may pick', async () => {
    const units: UnitList = {
      scope: { unitCode: '19', agencyCode: 'SYT' },
      province: { code: '19', name: 'Tỉnh Thái Nguyên', nameEn: 'Thai Nguyen Province' },
      communes: [],
      agencies: [{ code: 'SYT', kind: 'department', name: 'Sở Y tế', shortName: 'SYT', nameEn: 'Department of Health', unitCode: '19' }],
    };
    const http = serverFake({
      'GET /api/dashboards/khong-co': {
        status: 404,
        body: { error: { code: 'dashboard.unknown', message: 'Không có bảng số liệu khong-co' } },
      },
      'GET /api/units': ok(units),
    });
    const store = useDashboardsStore();
    store.configure({ fetcher: http.fetcher });
    expect(await store.open('khong-co')).toBe(false);
    expect(store.currentStatus).toBe('error');
    expect(store.currentError?.code).toBe('dashboard.unknown');
    await store.loadUnits();
    expect(store.units?.agencies.map((a) => a.code)).toEqual(['SYT']);
    expect(store.dehydrate()).toMatchObject({ current: null, units });
  });
});
