import { describe, expect, it } from 'vitest';
import { createScopeIndex } from '../accounts/scope';
import { loadCatalogue } from '../catalogue/load-catalogue';
import { loadMetricCatalogue } from '../metrics/load-metric-catalogue';
import { DASHBOARD_SCHEMA_VERSION } from './dashboard.schema';
import { upgradeDashboard } from './dashboard-upgrade';
import { DashboardFileError, loadDashboards, parseDashboardFiles } from './load-dashboards';
import { panelSeriesSource } from './panel-series';

const metrics = await loadMetricCatalogue();
const scopes = createScopeIndex(await loadCatalogue());

const GOOD = `schemaVersion: 1
id: thu
title: { vi: Thử, en: Test }
panels:
  - id: received
    title: { vi: Tiếp nhận, en: Received }
    type: kpi
    metric: dossier.received
    timeRange: 7d
    bucket: 1d
`;

/** The issues a file raises, as `line path: message` (the file name is the same for all). */
function issuesOf(text: string, file = 'thu.yaml'): string[] {
  try {
    parseDashboardFiles([{ file, text }], metrics, scopes);
    return [];
  } catch (e) {
    if (!(e instanceof DashboardFileError)) throw e;
    return e.issues.map((i) => `${i.file}:${i.line} ${i.path}: ${i.message}`);
  }
}

describe('loadDashboards: the shipped dashboards', () => {
  const shipped = loadDashboards(metrics, undefined, scopes);

  it('are valid, and include the wall and one per source system', async () => {
    expect((await shipped).map((d) => d.id).sort()).toEqual(['documents', 'dossiers', 'projects', 'wall']);
  });

  it('name only metrics of the catalogue, each computable from the per-minute rollups', async () => {
    const byId = new Map(metrics.metrics.map((m) => [m.id, m]));
    for (const d of await shipped)
      for (const p of d.panels) {
        const metric = byId.get(p.metric);
        expect(metric, `${d.id}/${p.id}: ${p.metric}`).toBeDefined();
        expect(panelSeriesSource(metric!), `${d.id}/${p.id}`).not.toBeNull();
      }
  });

  it('read every per-minute rollup of the three systems', async () => {
    const tables = new Set(
      (await shipped).flatMap((d) => d.panels.map((p) => panelSeriesSource(metrics.metrics.find((m) => m.id === p.metric)!)!.table)),
    );
    expect([...tables].sort()).toEqual(['document', 'dossier', 'project']);
  });
});

describe('parseDashboardFiles', () => {
  it('accepts a minimal dashboard', () => {
    expect(issuesOf(GOOD)).toEqual([]);
  });

  it('names the file, line and field of an unknown metric', () => {
    expect(issuesOf(GOOD.replace('dossier.received', 'dossier.recieved'))).toEqual([
      'thu.yaml:8 panels.0.metric: unknown metric dossier.recieved',
    ]);
  });

  it('refuses a metric the rollups cannot give (a state at an instant)', () => {
    expect(issuesOf(GOOD.replace('dossier.received', 'dossier.open_overdue'))).toEqual([
      'thu.yaml:8 panels.0.metric: dossier.open_overdue cannot be computed from the per-minute rollups (a state, duration, index or age)',
    ]);
  });

  it('refuses a default range that needs more points than a panel may have', () => {
    expect(issuesOf(GOOD.replace('timeRange: 7d', 'timeRange: 365d').replace('bucket: 1d', 'bucket: 1h'))).toEqual([
      'thu.yaml:10 panels.0.bucket: 365d in 1h buckets is 8761 points, more than 2000',
    ]);
  });

  it('names an unknown key, a bad enum, an unknown unit and a duplicate panel', () => {
    const text = `${GOOD.replace('type: kpi', 'type: pie')}    unit: '99999'\n  - id: received\n    title: { vi: A, en: B }\n    type: table\n    metric: dossier.received\n    timeRange: 7d\n    bucket: 1d\n    colour: red\n`;
    const issues = issuesOf(text);
    expect(issues).toHaveLength(2);
    expect(issues[0]).toMatch(/^thu\.yaml:7 panels\.0\.type: /);
    expect(issues[1]).toMatch(/^thu\.yaml:18 panels\.1: .*colour/);
    expect(issuesOf(text.replace('type: pie', 'type: kpi').replace('    colour: red\n', ''))).toEqual([
      'thu.yaml:12 panels.1.id: duplicate panel id received',
    ]);
    expect(issuesOf(`${GOOD}    unit: '99999'\n`)).toEqual(['thu.yaml:11 panels.0.unit: unknown unit or agency 99999']);
  });

  it('wants the id to be the file name, and each id once', () => {
    expect(issuesOf(GOOD, 'other.yaml')).toEqual(["other.yaml:2 id: the id must be the file's name (other)"]);
    expect(() =>
      parseDashboardFiles(
        [
          { file: 'a/thu.yaml', text: GOOD },
          { file: 'b/thu.yaml', text: GOOD },
        ],
        metrics,
      ),
    ).toThrow(/b\/thu\.yaml:2:5 id: dashboard thu is already defined in a\/thu\.yaml/);
  });

  it('reports a YAML syntax error with its line', () => {
    expect(issuesOf('schemaVersion: 1\nid: [thu\n')[0]).toMatch(/^thu\.yaml:\d+ \(yaml\): /);
  });

  it('refuses a schemaVersion newer than it understands', () => {
    expect(issuesOf(GOOD.replace('schemaVersion: 1', 'schemaVersion: 2'))).toEqual([
      'thu.yaml:1 schemaVersion: schemaVersion 2 is newer than this IOC understands (1)',
    ]);
  });
});

describe('upgradeDashboard', () => {
  it('leaves a current file as it is', () => {
    const raw = { schemaVersion: DASHBOARD_SCHEMA_VERSION, id: 'x' };
    expect(upgradeDashboard(raw)).toEqual({ ok: true, dashboard: raw, fromVersion: 1 });
  });

  it('applies one step per version, in order, and stamps each new version', () => {
    const steps = [
      (d: Record<string, unknown>) => ({ ...d, seen: [1] }),
      (d: Record<string, unknown>) => ({ ...d, seen: [...((d.seen as number[] | undefined) ?? []), 2] }),
    ];
    expect(upgradeDashboard({ schemaVersion: 1 }, steps, 3)).toEqual({
      ok: true,
      dashboard: { schemaVersion: 3, seen: [1, 2] },
      fromVersion: 1,
    });
    expect(upgradeDashboard({ schemaVersion: 2 }, steps, 3)).toEqual({
      ok: true,
      dashboard: { schemaVersion: 3, seen: [2] },
      fromVersion: 2,
    });
  });

  it('refuses a missing, fractional or unknown version', () => {
    expect(upgradeDashboard({ id: 'x' })).toMatchObject({ ok: false });
    expect(upgradeDashboard({ schemaVersion: 1.5 })).toMatchObject({ ok: false });
    expect(upgradeDashboard({ schemaVersion: 1 }, [], 2)).toEqual({ ok: false, message: 'no upgrade from schemaVersion 1' });
    expect(upgradeDashboard([])).toMatchObject({ ok: false });
  });
});
