import {
  DashboardUnknown,
  PanelUnknown,
  RequestInvalid,
  bucketStarts,
  defaultPanelRange,
  panelSeriesSource,
  panelValue,
  readPanelBuckets,
  readPanelGroups,
  readPanelTotal,
  rollupHasCommune,
  scopeKey,
  type Catalogue,
  type Clock,
  type Dashboard,
  type Db,
  type MetricCatalogue,
  type Panel,
  type PanelData,
  type PanelDataQuery,
  type PanelFilter,
  type PanelRead,
  type Scope,
  type ScopeIndex,
  type SeriesSource,
  type SummedCounters,
} from '@ioc/core';

export interface DashboardsServiceOptions {
  db: Db;
  catalogue: Catalogue;
  scopes: ScopeIndex;
  clock: Clock;
  /** The validated dashboards; read once, at the first request that needs them. */
  dashboards: () => Promise<Dashboard[]>;
  metricCatalogue: () => Promise<MetricCatalogue>;
}

/** A panel found in its dashboard, with how its metric is computed. */
export interface ResolvedPanel {
  dashboard: Dashboard;
  panel: Panel;
  metric: MetricCatalogue['metrics'][number];
  source: SeriesSource;
}

/** The earliest instant a range may start at (ISO 8601 and PostgreSQL both write it with a positive year). */
const EARLIEST_INSTANT_MILLISECONDS = Date.parse('0001-01-01T00:00:00Z');

/** Dashboards as code (`dashboards/<province>/dashboards/*.yaml`) and their panels' data from the per-minute rollups. */
export class DashboardsService {
  constructor(private readonly o: DashboardsServiceOptions) {}

  list(): Promise<Dashboard[]> {
    return this.o.dashboards();
  }

  async get(id: string): Promise<Dashboard> {
    const found = (await this.o.dashboards()).find((d) => d.id === id);
    if (!found) throw DashboardUnknown.create({ dashboard: id });
    return found;
  }

  async panel(id: string, panelId: string): Promise<ResolvedPanel> {
    const dashboard = await this.get(id);
    const panel = dashboard.panels.find((p) => p.id === panelId);
    if (!panel) throw PanelUnknown.create({ dashboard: id, panel: panelId });
    const metric = (await this.o.metricCatalogue()).metrics.find((m) => m.id === panel.metric);
    const source = metric ? panelSeriesSource(metric) : null;
    // The loader refuses such a panel; a catalogue swapped under a running server must not answer 500 per panel.
    if (!metric || !source) throw PanelUnknown.create({ dashboard: id, panel: panelId });
    return { dashboard, panel, metric, source };
  }

  /** The scope a panel request covers before the policy checks it: the query's unit, the panel's, else the caller's. */
  scopeOf(p: ResolvedPanel, query: PanelDataQuery, callerScope: Scope): Scope {
    const unit = query.unit ?? p.panel.unit;
    return unit === undefined ? callerScope : this.o.scopes.resolve(unit);
  }

  /**
   * The panel's metric over `[from, to)` within `scope`: per bucket for `kpi` and `timeseries`, per agency or commune
   * for the others, and the range's total. Counters are summed first, then divided (domain.md §0). Throws
   * `dashboard.rangeTooLong` when the series would exceed its point limit.
   */
  async data(p: ResolvedPanel, query: PanelDataQuery, scope: Scope): Promise<PanelData> {
    const range = this.rangeOf(p.panel, query);
    const bucket = query.bucket ?? p.panel.bucket;
    const series = p.panel.type === 'kpi' || p.panel.type === 'timeseries';
    // Checked before any query: a year of minutes is refused without reading a row.
    const starts = series ? bucketStarts(range.from, range.to, bucket) : [];
    const read: PanelRead = { table: p.source.table, ...range, filter: this.filterOf(scope) };
    if (p.source.metricId) read.metricId = p.source.metricId;
    const body: PanelData = {
      dashboard: p.dashboard.id,
      panel: p.panel.id,
      metric: p.metric.id,
      unit: p.metric.unit,
      scope: scopeKey(scope),
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      bucket,
      total: panelValue(p.source, undefined),
      points: [],
      groups: [],
    };
    if (series) {
      const buckets = await readPanelBuckets(this.o.db, { ...read, bucket });
      const rows = new Map(buckets.map((r) => [r.start.getTime(), r.counters]));
      body.points = starts.map((s) => ({ start: s.toISOString(), ...panelValue(p.source, rows.get(s.getTime())) }));
      // The buckets partition [from, to): their summed counters are the range's, without a second scan.
      body.total = panelValue(p.source, buckets.length ? addCounters(buckets.map((b) => b.counters)) : undefined);
    } else {
      body.total = panelValue(p.source, (await readPanelTotal(this.o.db, read)) ?? undefined);
      const groups = await this.groups(read, p.panel.type === 'bar-by-commune' ? 'commune' : 'agency');
      body.groups = groups.map((g) => ({ code: g.code, ...panelValue(p.source, g.counters) }));
    }
    return body;
  }

  private rangeOf(panel: Panel, query: PanelDataQuery): { from: Date; to: Date } {
    const now = this.o.clock.now();
    const fallback = defaultPanelRange(panel.timeRange, now);
    const length = fallback.to.getTime() - fallback.from.getTime();
    let range = fallback;
    if (query.from && query.to) range = { from: new Date(query.from), to: new Date(query.to) };
    else if (query.from) range = { from: new Date(query.from), to: now };
    else if (query.to) range = { from: new Date(Date.parse(query.to) - length), to: new Date(query.to) };
    // The contract checks from < to when both are given; `from` alone may still lie after now.
    if (range.from.getTime() >= range.to.getTime()) throw RequestInvalid.create({ issues: 'from: must be before to (now)' });
    // `to` alone near year 1 puts the default start before it: a year the store cannot take (it is no question anyway).
    if (range.from.getTime() < EARLIEST_INSTANT_MILLISECONDS)
      throw RequestInvalid.create({ issues: 'from: the range may not start before 0001-01-01T00:00:00Z' });
    return range;
  }

  private filterOf(scope: Scope): PanelFilter {
    if (this.o.scopes.isProvinceWide(scope)) return { agencyCodes: null, unitCode: null };
    if (scope.agencyCode) return { agencyCodes: [scope.agencyCode], unitCode: null };
    const agencies = this.o.catalogue.agencies.filter((a) => a.unitCode === scope.unitCode).map((a) => a.code);
    return { agencyCodes: agencies, unitCode: scope.unitCode };
  }

  /**
   * Totals per agency or commune. The KPI feed's scope_code holds both kinds of code: only the asked kind is kept. A
   * rollup without a commune column reaches communes through their People's Committees (agencies of the commune).
   */
  private async groups(read: PanelRead, by: 'agency' | 'commune'): Promise<{ code: string; counters: SummedCounters }[]> {
    const communes = new Set(this.o.catalogue.communes.map((c) => c.code));
    const agencies = new Map(this.o.catalogue.agencies.map((a) => [a.code, a]));
    if (by === 'agency' || rollupHasCommune(read.table)) {
      const rows = await readPanelGroups(this.o.db, { ...read, groupBy: by });
      if (read.table !== 'kpi_feed') return rows;
      return rows.filter((r) => (by === 'agency' ? agencies.has(r.code) : communes.has(r.code)));
    }
    const perCommune = new Map<string, SummedCounters[]>();
    for (const row of await readPanelGroups(this.o.db, { ...read, groupBy: 'agency' })) {
      const unit = agencies.get(row.code)?.unitCode;
      if (unit === undefined || !communes.has(unit)) continue;
      perCommune.set(unit, [...(perCommune.get(unit) ?? []), row.counters]);
    }
    return [...perCommune.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([code, rows]) => ({ code, counters: addCounters(rows) }));
  }
}

/** Counters summed name by name (the rows of one rollup share their names). */
function addCounters(rows: readonly SummedCounters[]): SummedCounters {
  const out: SummedCounters = {};
  for (const row of rows) for (const [name, v] of Object.entries(row)) out[name] = (out[name] ?? 0) + v;
  return out;
}
