import type { Agency } from '../catalogue/catalogue.schema';

/** Today's dossier KPIs of one agency, as counts (domain.md §3.1: D1, D2's parts, D4). */
export interface AgencyDayKpis {
  agencyCode: string;
  received: number;
  finished: number;
  finishedOnTime: number;
  finishedLate: number;
  open: number;
  overdue: number;
}

export interface DayCounterRow {
  agencyCode: string;
  received: number;
  finished: number;
  finishedOnTime: number;
}

export interface OpenCounterRow {
  agencyCode: string;
  open: number;
  overdue: number;
}

/**
 * Joins today's rollup counters and the open/overdue snapshot into one row per catalogued agency (agencies with no
 * dossiers show zeros: a count of 0 is a value). Agencies absent from the catalogue still appear, so that no
 * accepted dossier disappears from the wall.
 */
export function buildAgencyDayKpis(
  agencies: readonly Pick<Agency, 'code'>[],
  day: readonly DayCounterRow[],
  open: readonly OpenCounterRow[],
): AgencyDayKpis[] {
  const rows = new Map<string, AgencyDayKpis>();
  const row = (agencyCode: string) => {
    let r = rows.get(agencyCode);
    if (!r) {
      r = { agencyCode, received: 0, finished: 0, finishedOnTime: 0, finishedLate: 0, open: 0, overdue: 0 };
      rows.set(agencyCode, r);
    }
    return r;
  };
  for (const a of agencies) row(a.code);
  for (const d of day) {
    const r = row(d.agencyCode);
    r.received += d.received;
    r.finished += d.finished;
    r.finishedOnTime += d.finishedOnTime;
    r.finishedLate = r.finished - r.finishedOnTime;
  }
  for (const o of open) {
    const r = row(o.agencyCode);
    r.open += o.open;
    r.overdue += o.overdue;
  }
  return [...rows.values()];
}

/** Sums counters (never averages rates: domain.md §0). */
export function sumDayKpis(rows: readonly AgencyDayKpis[]): Omit<AgencyDayKpis, 'agencyCode'> {
  const t = { received: 0, finished: 0, finishedOnTime: 0, finishedLate: 0, open: 0, overdue: 0 };
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

/** A rate from its counters; `null` means no data (denominator 0), never 0% or 100%. */
export function rate(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : numerator / denominator;
}
