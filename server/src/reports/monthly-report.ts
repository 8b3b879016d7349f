import {
  DERIVED_DOSSIER_COUNTERS,
  ZERO_DOSSIER_COUNTERS,
  agencyUpdateCompliance,
  digitisation,
  dossierIndicators766,
  onTimeResolution,
  onlinePayment,
  onlineSubmission,
  periodDossierCounters,
  periodIncidentCounts,
  processingRate766,
  projectCounters,
  satisfaction766,
  serviceIndex766,
  sumCounters,
  updateCycleOf,
  ZERO_PROJECT_COUNTERS,
  type Catalogue,
  type Db,
  type DossierKpiCounters,
  type Dossier766Counters,
  type PeriodDossierCounters,
  type RatioKpi,
  type Scope,
  type ScopeIndex,
  type ServiceIndex766,
} from '@ioc/core';
import { monthPeriod, previousMonth, type ReportPeriod } from './report-period';

type Counters = DossierKpiCounters & Dossier766Counters;

/** One scope's dossier KPIs for one month (domain.md §3.1, §3.2), all from its summed counters. */
export interface MonthKpis {
  counters: Counters;
  /** D1. */
  received: number;
  finished: number;
  /** D4, overdue open at the month's end. */
  overdueOpen: number;
  /** D2. */
  onTime: RatioKpi;
  /** D3. */
  processing766: RatioKpi;
  /** D6. */
  online: RatioKpi;
  /** D7. */
  payment: RatioKpi;
  /** D8. */
  digitisation: RatioKpi;
  /** D11 (766 5.4). */
  satisfaction: RatioKpi;
  /** The 766 estimate (ước tính). */
  index766: ServiceIndex766;
}

export interface ReportRow {
  code: string;
  name: string;
  current: MonthKpis;
  previous: MonthKpis;
}

export interface IncidentRow {
  code: string | null;
  name: string;
  opened: number;
  closed: number;
  overdue: number;
  openAtEnd: number;
}

export interface MonthlyReport {
  month: string;
  previousMonth: string;
  period: ReportPeriod;
  previousPeriod: ReportPeriod;
  /** The open snapshot's instant: the month's end, or the generation time while the month runs. */
  snapshotAt: Date;
  generatedAt: Date;
  scope: { code: string; name: string };
  total: { current: MonthKpis; previous: MonthKpis };
  agencies: ReportRow[];
  communes: ReportRow[];
  incidents: { rows: IncidentRow[]; total: Omit<IncidentRow, 'code' | 'name'> };
  /** Agencies obliged to update their projects in the cycle closing on the 10th of the month that did not [000 Art 6.2]. */
  projects: { missed: { code: string; name: string }[]; compliance: RatioKpi };
}

/** The KPIs of summed counters, by the one set of formulas in core/src/kpi. */
export function monthKpis(c: Counters): MonthKpis {
  return {
    counters: c,
    received: c.received,
    finished: DERIVED_DOSSIER_COUNTERS.finished(c),
    overdueOpen: c.openOverdue,
    onTime: onTimeResolution(c),
    processing766: processingRate766(c),
    online: onlineSubmission(c),
    payment: onlinePayment(c),
    digitisation: digitisation(c),
    satisfaction: satisfaction766(c),
    index766: serviceIndex766(dossierIndicators766(c)),
  };
}

type CounterRecord = Record<string, number | undefined>;
const sum = (rows: readonly PeriodDossierCounters[]): Counters =>
  sumCounters<CounterRecord>(
    ZERO_DOSSIER_COUNTERS,
    rows.map((r) => r.counters as unknown as CounterRecord),
  ) as unknown as Counters;
const hasData = (k: MonthKpis) => k.received > 0 || k.finished > 0 || k.counters.openWithinDeadline + k.counters.openOverdue > 0;

function rowsBy(
  current: readonly PeriodDossierCounters[],
  previous: readonly PeriodDossierCounters[],
  key: (r: PeriodDossierCounters) => string | null,
  name: (code: string) => string,
  always: readonly string[],
): ReportRow[] {
  const codes = new Set<string>(always);
  for (const r of [...current, ...previous]) {
    const k = key(r);
    if (k) codes.add(k);
  }
  return [...codes]
    .map((code) => ({
      code,
      name: name(code),
      current: monthKpis(sum(current.filter((r) => key(r) === code))),
      previous: monthKpis(sum(previous.filter((r) => key(r) === code))),
    }))
    .filter((row) => always.includes(row.code) || hasData(row.current) || hasData(row.previous))
    .sort((a, b) => a.code.localeCompare(b.code));
}

export interface MonthlyReportOptions {
  db: Db;
  catalogue: Catalogue;
  scopes: ScopeIndex;
  scope: Scope;
  month: string;
  now: Date;
}

/**
 * The centre's monthly report [004 Art 6.3: monthly to Sở TTTT (now KH&CN) and UBND tỉnh; 001 Art 21(III).3:
 * quality results monthly]: dossier KPIs per agency and commune beside the month before, the 766 estimate, incidents,
 * and the agencies that missed their monthly project update. Every ratio is computed from summed counters.
 */
export async function buildMonthlyReport(o: MonthlyReportOptions): Promise<MonthlyReport> {
  const period = monthPeriod(o.month);
  const prev = monthPeriod(previousMonth(o.month));
  const snapshotAt = o.now < period.end ? o.now : period.end;
  const agencyNames = new Map(o.catalogue.agencies.map((a) => [a.code, a.name]));
  const communeNames = new Map(o.catalogue.communes.map((c) => [c.code, c.name]));
  const communeScope = o.scope.agencyCode === null && !o.scopes.isProvinceWide(o.scope) ? o.scope.unitCode : null;
  const inScope = (agencyCode: string | null, unitCode: string | null) =>
    (agencyCode !== null && o.scopes.agencyInScope(o.scope, agencyCode)) || (communeScope !== null && unitCode === communeScope);

  const [current, previous, incidents, projects] = await Promise.all([
    periodDossierCounters(o.db, period.start, period.end, snapshotAt),
    periodDossierCounters(o.db, prev.start, prev.end, prev.end),
    periodIncidentCounts(o.db, period.start, period.end),
    projectCounters(o.db, period.end < o.now ? period.end : o.now, updateCycleOf(o.month)),
  ]);
  const cur = current.filter((r) => inScope(r.agencyCode, r.unitCode));
  const pre = previous.filter((r) => inScope(r.agencyCode, r.unitCode));
  const departments = o.catalogue.agencies.filter((a) => a.kind === 'department' && inScope(a.code, a.unitCode)).map((a) => a.code);

  const incidentRows = incidents
    .filter((r) => (r.agencyCode === null ? o.scopes.isProvinceWide(o.scope) : inScope(r.agencyCode, null)))
    .map((r) => ({ ...r, code: r.agencyCode, name: r.agencyCode ? (agencyNames.get(r.agencyCode) ?? r.agencyCode) : 'Toàn tỉnh' }));
  const projectRows = [...projects.entries()].filter(([code]) => inScope(code, null));
  const projectTotal = sumCounters(
    ZERO_PROJECT_COUNTERS,
    projectRows.map(([, c]) => c),
  );

  const scopeCode = o.scope.agencyCode ?? o.scope.unitCode;
  const scopeName = o.scope.agencyCode
    ? (agencyNames.get(o.scope.agencyCode) ?? o.scope.agencyCode)
    : o.scopes.isProvinceWide(o.scope)
      ? `Tỉnh ${o.catalogue.province.name.replace(/^Tỉnh\s+/i, '')}`
      : (communeNames.get(o.scope.unitCode) ?? o.scope.unitCode);
  return {
    month: o.month,
    previousMonth: prev.month,
    period,
    previousPeriod: prev,
    snapshotAt,
    generatedAt: o.now,
    scope: { code: scopeCode, name: scopeName },
    total: { current: monthKpis(sum(cur)), previous: monthKpis(sum(pre)) },
    agencies: rowsBy(
      cur,
      pre,
      (r) => r.agencyCode,
      (c) => agencyNames.get(c) ?? c,
      departments,
    ),
    communes: rowsBy(
      cur,
      pre,
      (r) => (/^\d{5}$/.test(r.unitCode) ? r.unitCode : null),
      (c) => communeNames.get(c) ?? c,
      [],
    ),
    incidents: {
      rows: incidentRows.map(({ code, name, opened, closed, overdue, openAtEnd }) => ({ code, name, opened, closed, overdue, openAtEnd })),
      total: {
        opened: incidentRows.reduce((s, r) => s + r.opened, 0),
        closed: incidentRows.reduce((s, r) => s + r.closed, 0),
        overdue: incidentRows.reduce((s, r) => s + r.overdue, 0),
        openAtEnd: incidentRows.reduce((s, r) => s + r.openAtEnd, 0),
      },
    },
    projects: {
      missed: projectRows
        .filter(([, c]) => c.agenciesObliged > 0 && c.agenciesUpdated === 0)
        .map(([code]) => ({ code, name: agencyNames.get(code) ?? code }))
        .sort((a, b) => a.code.localeCompare(b.code)),
      compliance: agencyUpdateCompliance(projectTotal),
    },
  };
}
