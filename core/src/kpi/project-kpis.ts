import { ratioKpi, type RatioKpi } from './ratio';

/** The counters project KPIs are built from, for one scope (domain.md §3.4). Money is in VND integers. */
export const PROJECT_COUNTER_NAMES = [
  /** Active projects: neither completed nor terminated. */
  'activeProjects',
  /** P1: active projects that `isProjectDelayed`. */
  'delayed',
  /** P2's denominator: Σ `year_plan_vnd` (public investment). */
  'yearPlanVnd',
  /** P2: Σ `disbursed_year_vnd`. */
  'disbursedYearVnd',
  /** P3's denominator: agencies obliged to update in the cycle [000 Art 6.2]. */
  'agenciesObliged',
  /** P3: of those, agencies with at least one update in the cycle. */
  'agenciesUpdated',
  /** P4: active projects with at least one update in the cycle. */
  'projectsUpdated',
  /** P5's denominator: agencies obliged to send the quarterly report [000 Art 4.4]. */
  'quarterlyReportObliged',
  /** P5: of those, reports submitted by the deadline. */
  'quarterlyReportsOnTime',
  /** Updates entered in the period (a flow, kept per minute in `project_rollup_minute`); the rhythm behind P3 and P4. */
  'updates',
] as const;

export type ProjectCounterName = (typeof PROJECT_COUNTER_NAMES)[number];
export type ProjectKpiCounters = Record<ProjectCounterName, number>;

export const ZERO_PROJECT_COUNTERS: ProjectKpiCounters = Object.fromEntries(PROJECT_COUNTER_NAMES.map((n) => [n, 0])) as ProjectKpiCounters;

export const projectCounterValue = (c: ProjectKpiCounters, name: ProjectCounterName): number => c[name];

/** P2 disbursement: Σ disbursed this year / Σ year plan. An agency whose plans sum to 0 has no data. */
export const disbursement = (c: ProjectKpiCounters): RatioKpi => ratioKpi(c.disbursedYearVnd, c.yearPlanVnd);

/** P3 update compliance (agencies): agencies with ≥1 update in the cycle / obliged agencies [000 Art 6.2]. */
export const agencyUpdateCompliance = (c: ProjectKpiCounters): RatioKpi => ratioKpi(c.agenciesUpdated, c.agenciesObliged);

/** P4 update compliance (projects): active projects updated in the cycle / active projects [000 Art 6.2]. */
export const projectUpdateCompliance = (c: ProjectKpiCounters): RatioKpi => ratioKpi(c.projectsUpdated, c.activeProjects);

/** P5 quarterly report on time: submitted by the deadline / obliged agencies [000 Art 4.4]. */
export const quarterlyReportOnTime = (c: ProjectKpiCounters): RatioKpi => ratioKpi(c.quarterlyReportsOnTime, c.quarterlyReportObliged);
