import type { Queryable } from './db';
import { OPEN_DOSSIER_STATUSES, type DossierStatus } from '../contracts/dossier';
import type { SlaDossier } from '../sla/dossier-sla';
import type { SourceStatus } from '../sla/evaluate-rules';
import type { AgencyRollupCounters } from '../sla/rollup-metrics';
import { keysCondition, listEntityVersions, type EntityVersion, type RowScope, type VersionedRow } from './entity-versions';

/**
 * What the alert engine reads each tick besides the alerts themselves: the open dossiers the rules can need, the
 * watched sources' status and the dossier rollup's counters per agency over the metric rules' windows.
 */

interface SlaDossierRow {
  source_system: string;
  source_id: string;
  status: DossierStatus;
  received_at: Date | null;
  due_at: Date | null;
  apology_issued_at: Date | null;
  supplement_periods: { requested_at: string; completed_at: string | null }[];
  handling_agency_code: string;
  receiving_unit_code: string;
  unit_code: string;
}

/** Open dossiers due by $2, or asked for supplementation at least $3 times ($1: the open statuses). */
const SLA_DOSSIER_WHERE = `finished_at is null and received_at is not null and status = any($1::text[])
  and (due_at <= $2::timestamptz or jsonb_array_length(supplement_periods) >= $3::int)`;

type DossierPlan = { dueBefore: Date | null; minSupplementRequests: number | null };
const dossierPlanParams = (plan: DossierPlan) => [OPEN_DOSSIER_STATUSES, plan.dueBefore, plan.minSupplementRequests];

/**
 * The open dossiers the SLA rules can need (`dossierReadPlan`): due by `dueBefore`, or asked for supplementation at
 * least `minSupplementRequests` times. Only open dossiers are read, through the partial index `dossier_open_by_agency`
 * (`finished_at is null and received_at is not null`), so the read follows the open backlog, not all history.
 * With `dueAfter`: only those the plan adds to a read made with `dueBefore = dueAfter` and the same
 * `minSupplementRequests` (due in `(dueAfter, dueBefore]` and not asked that often), for a reader that extends a read
 * it keeps while nothing was written.
 */
export async function readSlaDossiers(
  db: Queryable,
  plan: DossierPlan,
  signal?: AbortSignal,
  dueAfter: Date | null = null,
): Promise<SlaDossier[]> {
  return (await readSlaDossierRows(db, plan, { after: dueAfter }, signal)).map((r) => r.row);
}

/** `readSlaDossiers` with each row's version, of the rows `scope` names (`after`: `dueAfter`). */
export async function readSlaDossierRows(
  db: Queryable,
  plan: DossierPlan,
  scope: RowScope,
  signal?: AbortSignal,
): Promise<VersionedRow<SlaDossier>[]> {
  if (plan.dueBefore === null && plan.minSupplementRequests === null) return [];
  const params: unknown[] = [...dossierPlanParams(plan), scope.after ?? null];
  const keys = keysCondition(scope.keys, params.length);
  const res = await db.query<SlaDossierRow & { version: string }>(
    `select source_system, source_id, version, status, received_at, due_at, apology_issued_at, supplement_periods,
            handling_agency_code, receiving_unit_code, unit_code
     from dossier
     where ${SLA_DOSSIER_WHERE}
       and ($4::timestamptz is null
            or (due_at > $4::timestamptz and not coalesce(jsonb_array_length(supplement_periods) >= $3::int, false)))${keys.sql}`,
    [...params, ...keys.params],
    { signal },
  );
  return res.rows.map(({ version, ...r }) => ({
    version: Number(version),
    row: {
      ...r,
      supplement_periods: r.supplement_periods.map((p) => ({
        requested_at: new Date(p.requested_at),
        completed_at: p.completed_at === null ? null : new Date(p.completed_at),
      })),
    },
  }));
}

/** The key and version of each dossier `readSlaDossiers` would read for `plan` (to tell which changed since a read). */
export async function listSlaDossierVersions(db: Queryable, plan: DossierPlan, signal?: AbortSignal): Promise<EntityVersion[]> {
  if (plan.dueBefore === null && plan.minSupplementRequests === null) return [];
  return listEntityVersions(db, 'dossier', SLA_DOSSIER_WHERE, dossierPlanParams(plan), signal);
}

/** Each named source's last successful pull and newest stored change (domain.md §3.5); nulls when unknown. */
export async function readSourceStatuses(db: Queryable, sources: readonly string[]): Promise<SourceStatus[]> {
  if (sources.length === 0) return [];
  const res = await db.query<{ source: string; last_success_at: Date | null; max_updated_at: Date | null }>(
    `select s.source, c.last_success_at,
            (select max(d.source_updated_at) from dossier d where d.source_system = s.source) as max_updated_at
     from unnest($1::text[]) as s(source) left join ingest_checkpoint c on c.source = s.source
     order by s.source`,
    [sources],
  );
  return res.rows.map((r) => ({ source: r.source, lastSuccessfulPullAt: r.last_success_at, maxSourceUpdatedAt: r.max_updated_at }));
}

/** The rollup's counters per agency over `[from, to)`. */
export async function readRollupCountersByAgency(db: Queryable, from: Date, to: Date): Promise<AgencyRollupCounters[]> {
  const res = await db.query<{
    agency_code: string;
    received: number;
    received_online: number;
    finished: number;
    finished_on_time: number;
  }>(
    `select handling_agency_code as agency_code, sum(received)::int as received, sum(received_online)::int as received_online,
            sum(finished)::int as finished, sum(finished_on_time)::int as finished_on_time
     from dossier_rollup_minute where bucket >= $1 and bucket < $2
     group by handling_agency_code order by handling_agency_code`,
    [from, to],
  );
  return res.rows.map((r) => ({
    agencyCode: r.agency_code,
    received: r.received,
    receivedOnline: r.received_online,
    finished: r.finished,
    finishedNotLate: r.finished_on_time,
  }));
}

/** An agency's rollup counters over a window, and how many rollup rows hold them (none: the agency has no data there). */
export interface AgencyRollupWindow extends AgencyRollupCounters {
  rows: number;
}

const WINDOW_COLUMNS = `handling_agency_code as agency_code, sum(received)::int as received,
  sum(received_online)::int as received_online, sum(finished)::int as finished, sum(finished_on_time)::int as finished_on_time,
  count(*)::int as rows`;

type WindowRow = {
  agency_code: string;
  received: number;
  received_online: number;
  finished: number;
  finished_on_time: number;
  rows: number;
};

const windowOf = (r: WindowRow): AgencyRollupWindow => ({
  agencyCode: r.agency_code,
  received: r.received,
  receivedOnline: r.received_online,
  finished: r.finished,
  finishedNotLate: r.finished_on_time,
  rows: r.rows,
});

/** `readRollupCountersByAgency` with each agency's row count: what a reader keeping a sliding window needs. */
export async function readRollupWindowByAgency(db: Queryable, from: Date, to: Date, signal?: AbortSignal): Promise<AgencyRollupWindow[]> {
  const res = await db.query<WindowRow>(
    `select ${WINDOW_COLUMNS} from dossier_rollup_minute where bucket >= $1 and bucket < $2
     group by handling_agency_code order by handling_agency_code`,
    [from, to],
    { signal },
  );
  return res.rows.map(windowOf);
}

/**
 * What a window loses and gains when it slides: per agency, the counters and rows in `enter` minus those in `leave`
 * (two ranges that must not overlap, `leave` first). Added to the window's sums, they give the slid window's exactly,
 * provided nothing was written in between (the data version says so: the dossier writer is the rollup's only writer).
 */
export async function readRollupWindowShift(
  db: Queryable,
  leave: { from: Date; to: Date },
  enter: { from: Date; to: Date },
  signal?: AbortSignal,
): Promise<AgencyRollupWindow[]> {
  const sign = `case when bucket >= $3 then 1 else -1 end`;
  const res = await db.query<WindowRow>(
    `select handling_agency_code as agency_code, sum(${sign} * received)::int as received,
            sum(${sign} * received_online)::int as received_online, sum(${sign} * finished)::int as finished,
            sum(${sign} * finished_on_time)::int as finished_on_time, sum(${sign})::int as rows
     from dossier_rollup_minute
     where (bucket >= $1 and bucket < $2) or (bucket >= $3 and bucket < $4)
     group by handling_agency_code`,
    [leave.from, leave.to, enter.from, enter.to],
    { signal },
  );
  return res.rows.map(windowOf);
}
