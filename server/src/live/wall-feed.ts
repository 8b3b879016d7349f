import {
  buildAgencyDayKpis,
  dossierDataUpdatedAt,
  dossierDayCounters,
  dossierOpenCounters,
  provinceDay,
  sumDayKpis,
  type AgencyKpiRow,
  type Catalogue,
  type Db,
  type KpiTotals,
  type Scope,
  type ScopeIndex,
} from '@ioc/core';

export interface WallState {
  day: string;
  asOf: string;
  rows: AgencyKpiRow[];
  totals: KpiTotals;
  dataUpdatedAt: string | null;
}

/**
 * Reads the wall's numbers at `now`: today's counters (provincial day, Asia/Ho_Chi_Minh) from the per-minute rollup,
 * open and overdue from the open dossiers. Both reads are proportional to today's minutes and the open backlog,
 * never to all history.
 */
export async function readWallState(db: Db, catalogue: Catalogue, now: Date): Promise<WallState> {
  const { day, start, end } = provinceDay(now, catalogue.province.timeZone);
  const [dayRows, openRows, dataUpdatedAt] = await Promise.all([
    dossierDayCounters(db, start, end),
    dossierOpenCounters(db, now),
    dossierDataUpdatedAt(db, 'dvc'),
  ]);
  const rows = buildAgencyDayKpis(catalogue.agencies, dayRows, openRows);
  return { day, asOf: now.toISOString(), rows, totals: sumDayKpis(rows), dataUpdatedAt: dataUpdatedAt?.toISOString() ?? null };
}

/** The rows of `next` that differ from `previous` (all of them when the day changed). */
export function changedRows(previous: WallState | null, next: WallState): AgencyKpiRow[] {
  if (!previous || previous.day !== next.day) return next.rows;
  const before = new Map(previous.rows.map((r) => [r.agencyCode, r]));
  return next.rows.filter((r) => {
    const b = before.get(r.agencyCode);
    return (
      !b ||
      b.received !== r.received ||
      b.finished !== r.finished ||
      b.finishedOnTime !== r.finishedOnTime ||
      b.open !== r.open ||
      b.overdue !== r.overdue
    );
  });
}

/**
 * The wall as seen from `scope`: only the rows of agencies in scope, and totals summed over those rows (never a share
 * of the province's totals). The province scope sees the state itself.
 */
export function scopeWallState(state: WallState, scope: Scope, scopes: ScopeIndex): WallState {
  if (scopes.isProvinceWide(scope)) return state;
  const rows = state.rows.filter((r) => scopes.agencyInScope(scope, r.agencyCode));
  return { ...state, rows, totals: sumDayKpis(rows) };
}
