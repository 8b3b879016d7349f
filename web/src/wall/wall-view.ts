import type { Agency, AgencyKpiRow, Catalogue, KpiTotals } from '@ioc/core';
import type { UiLocale } from '../format/time-format';
import { rateTenths } from '../format/kpi-format';

/** One agency's figures with the name to show. */
export interface AgencyLine extends AgencyKpiRow {
  /** Name in the interface language; the code when the catalogue does not know the agency (or is not loaded). */
  name: string;
  /** For a commune committee: the pre-2025 district area of its commune, if the catalogue gives one. */
  area: string | null;
}

export interface AreaCount {
  area: string;
  received: number;
}

/** The wall's figures, split and ordered for its panels. */
export interface WallView {
  /** Sở, ban, ngành, most overdue first. */
  departments: AgencyLine[];
  /** UBND xã/phường, most overdue first. */
  communes: AgencyLine[];
  departmentTotals: KpiTotals;
  communeTotals: KpiTotals;
  /** Received today per commune area, in the catalogue's order (stable from one second to the next). */
  communeAreas: AreaCount[];
}

export type Severity = 'none' | 'warning' | 'critical';

/** Overdue dossiers at one agency from which the wall shows it as critical: DOS-01's "≥10 per agency" (domain.md §4, [P]). */
export const OVERDUE_CRITICAL_PER_AGENCY = 10;
/** On-time rate target in tenths of a percent: DOS-06 warns below 95 % (domain.md §4, [P]). */
export const ON_TIME_TARGET_TENTHS = 950;

export function overdueSeverity(overdue: number): Severity {
  if (overdue >= OVERDUE_CRITICAL_PER_AGENCY) return 'critical';
  return overdue > 0 ? 'warning' : 'none';
}

/** `good` at or above the target, `warning` below it, `none` when there is no data. */
export function onTimeTone(finishedOnTime: number, finished: number): 'good' | 'warning' | 'none' {
  const tenths = rateTenths(finishedOnTime, finished);
  if (tenths === null) return 'none';
  return tenths >= ON_TIME_TARGET_TENTHS ? 'good' : 'warning';
}

const collator = new Intl.Collator('vi');

/** Overdue descending, then open descending, then name: the order leaders read the wall in. */
export function compareByOverdueThenOpen(a: AgencyLine, b: AgencyLine): number {
  return b.overdue - a.overdue || b.open - a.open || collator.compare(a.name, b.name);
}

export function sumCounters(rows: readonly KpiTotals[]): KpiTotals {
  const t: KpiTotals = { received: 0, finished: 0, finishedOnTime: 0, finishedLate: 0, open: 0, overdue: 0 };
  for (const r of rows) {
    t.received += r.received;
    t.finished += r.finished;
    t.finishedOnTime += r.finishedOnTime;
    t.finishedLate += r.finishedLate;
    t.open += r.open;
    t.overdue += r.overdue;
  }
  return t;
}

/** Commune committees are `UBND-<commune code>`; the prefix classifies codes the catalogue does not know yet. */
function isCommuneCommittee(code: string, agency: Agency | undefined): boolean {
  return agency ? agency.kind === 'commune_committee' : code.startsWith('UBND-');
}

function displayName(agency: Agency | undefined, code: string, locale: UiLocale): string {
  if (!agency) return code;
  // Commune names are place names: the same in both languages, and the short form fits the ranking.
  if (agency.kind === 'commune_committee') return agency.shortName;
  return locale === 'en' ? agency.nameEn : agency.name;
}

/** Splits the live rows into departments and communes, names and orders them, and sums each group. */
export function buildWallView(rows: readonly AgencyKpiRow[], catalogue: Catalogue | null, locale: UiLocale, otherArea: string): WallView {
  const agencies = new Map((catalogue?.agencies ?? []).map((a) => [a.code, a]));
  const areaOfUnit = new Map((catalogue?.communes ?? []).map((c) => [c.code, c.formerArea ?? otherArea]));
  const departments: AgencyLine[] = [];
  const communes: AgencyLine[] = [];
  for (const row of rows) {
    const agency = agencies.get(row.agencyCode);
    const commune = isCommuneCommittee(row.agencyCode, agency);
    const line: AgencyLine = {
      ...row,
      name: displayName(agency, row.agencyCode, locale),
      area: commune && agency ? (areaOfUnit.get(agency.unitCode) ?? otherArea) : null,
    };
    (commune ? communes : departments).push(line);
  }
  departments.sort(compareByOverdueThenOpen);
  communes.sort(compareByOverdueThenOpen);

  const byArea = new Map<string, number>();
  for (const c of catalogue?.communes ?? []) byArea.set(c.formerArea ?? otherArea, 0);
  for (const c of communes) {
    const area = c.area ?? otherArea;
    byArea.set(area, (byArea.get(area) ?? 0) + c.received);
  }

  return {
    departments,
    communes,
    departmentTotals: sumCounters(departments),
    communeTotals: sumCounters(communes),
    communeAreas: [...byArea].map(([area, received]) => ({ area, received })),
  };
}
