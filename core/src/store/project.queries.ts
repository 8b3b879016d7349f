import type { Db, Queryable } from './db';
import { keysCondition, listEntityVersions, type EntityVersion, type RowScope, type VersionedRow } from './entity-versions';
import type { Project } from '../contracts/project';
import { PROGRESS_GAP_POINTS, isProjectActive, isProjectDelayed } from '../kpi/project-delay';
import type { SlaProject } from '../sla/evaluate-project-rules';
import { ZERO_PROJECT_COUNTERS, type ProjectKpiCounters } from '../kpi/project-kpis';
import type { UpdateCycle } from '../kpi/project-update-cycle';
import { quarantineRecords, type RejectedRecord } from './quarantine.queries';
import {
  addRollupSql,
  minuteOf,
  finishSourceWrite,
  refusedRecords,
  upsertStateSql,
  writeVersionedBatch,
  type RecordUnitCode,
  type SourceCursor,
  type VersionedBatchSpec,
  type VersionedWriteResult,
} from './source-write.queries';

const PROJECT_COLUMNS: ReadonlyArray<readonly [keyof Project, string]> = [
  ['source_id', 'text'],
  ['version', 'bigint'],
  ['source_updated_at', 'timestamptz'],
  ['project_code', 'text'],
  ['name', 'text'],
  ['sector', 'text'],
  ['funding_kind', 'text'],
  ['investor_name', 'text'],
  ['investor_kind', 'text'],
  ['managing_agency_code', 'text'],
  ['unit_codes', 'text[]'],
  ['address_text', 'text'],
  ['zone_code', 'text'],
  ['land_area_ha', 'numeric'],
  ['total_investment_vnd', 'bigint'],
  ['capital_sources', 'jsonb'],
  ['year_plan_vnd', 'bigint'],
  ['disbursed_year_vnd', 'bigint'],
  ['disbursed_cumulative_vnd', 'bigint'],
  ['stage', 'text'],
  ['behind_schedule', 'boolean'],
  ['delay_reason', 'text'],
  ['planned_start', 'date'],
  ['planned_completion', 'date'],
  ['actual_start', 'date'],
  ['actual_completion', 'date'],
  ['progress_planned_pct', 'numeric'],
  ['progress_actual_pct', 'numeric'],
  ['last_update_at', 'timestamptz'],
  ['last_update_kind', 'text'],
];

type StoredProject = Pick<Project, 'source_id' | 'version' | 'managing_agency_code' | 'last_update_at'>;

const UPSERT_PROJECTS = upsertStateSql('project', PROJECT_COLUMNS);
const INSERT_UPDATES = `
  insert into project_update (source_system, source_id, version, source_updated_at, agency_code, updated_at, kind, stage, payload)
  select $1, x.source_id, x.version, x.source_updated_at, x.agency_code, x.updated_at, x.kind, x.stage, x.payload
  from jsonb_to_recordset($2::jsonb) as x(source_id text, version bigint, source_updated_at timestamptz, agency_code text,
       updated_at timestamptz, kind text, stage text, payload jsonb)
  on conflict do nothing`;

/**
 * The communes a project is located in, each to be valid on the date of its update (`last_update_at`, else its last
 * change at the source). `managing_agency_code` is not checked: the unit register holds no agencies with validity.
 */
export function projectUnitCodes(p: Project): RecordUnitCode[] {
  const at = p.last_update_at ?? p.source_updated_at;
  return p.unit_codes.map((code, i) => ({ code, at, field: `unit_codes.${i}` }));
}

const PROJECT_SPEC: VersionedBatchSpec<Project, StoredProject> = {
  async readBefore(tx, source, ids) {
    const res = await tx.query<StoredProject>(
      `select source_id, version, managing_agency_code, last_update_at from project
       where source_system = $1 and source_id = any($2::text[]) order by source_id for update`,
      [source, ids],
    );
    return new Map(res.rows.map((r) => [r.source_id, r]));
  },
  async writeAccepted(tx, source, newest, accepted) {
    await tx.query(UPSERT_PROJECTS, [source, JSON.stringify(newest)]);
    const updates = accepted.map((p) => ({
      source_id: p.source_id,
      version: p.version,
      source_updated_at: p.source_updated_at,
      agency_code: p.managing_agency_code,
      updated_at: p.last_update_at,
      kind: p.last_update_kind,
      stage: p.stage,
      payload: p,
    }));
    await tx.query(INSERT_UPDATES, [source, JSON.stringify(updates)]);
  },
  // A project's counters (active, delayed, disbursed) are state read at `now`; only updates are counted per minute.
  contributions: () => [],
  // An agency update is a version with a newer `last_update_at` than the stored one [000 Art 6.2]; a version that
  // changes other fields (a correction at the source) is not another update.
  eventContributions(before, after) {
    const at = after.last_update_at;
    if (!at || (before?.last_update_at && before.last_update_at.getTime() >= at.getTime())) return [];
    return [{ bucket: minuteOf(at), key: { agency_code: after.managing_agency_code }, counters: { updates: 1 } }];
  },
  agenciesOf: (p) => [p.managing_agency_code],
  unitCodesOf: projectUnitCodes,
  addRollupSql: addRollupSql('project_rollup_minute', [['agency_code', 'text']], ['updates']),
};

/**
 * Writes one batch of validated projects in one transaction: state (newest version wins), the update records,
 * per-minute update counts, the quarantined records of the same pull, and the checkpoint. Replaying changes nothing.
 * A project naming a commune code not valid on its update date (`projectUnitCodes`) is refused with the reason in
 * Vietnamese, naming the successor code, and quarantined unless `quarantineRefused` is false (a spreadsheet import
 * reports it on its row instead); the rest of the batch lands.
 */
export async function writeProjectBatch(
  db: Db,
  source: string,
  records: readonly Project[],
  checkpoint: SourceCursor | null,
  rejected: readonly RejectedRecord[] = [],
  o: { quarantineRefused?: boolean } = {},
): Promise<VersionedWriteResult> {
  return db.transaction(async (tx) => {
    const result = await writeVersionedBatch(tx, PROJECT_SPEC, source, records);
    const refused = o.quarantineRefused === false ? [] : refusedRecords(records, result.refusals);
    await quarantineRecords(tx, source, [...rejected, ...refused]);
    await finishSourceWrite(tx, source, { kind: 'project', cursor: checkpoint, ...result });
    return result;
  });
}

/**
 * The project KPI counters per managing agency at `now`, for the update cycle `cycle` (P1–P4). A province has a few
 * thousand projects, so the state is read whole and classified by `isProjectDelayed`, the one definition of P1.
 * An agency is obliged to update when it manages an active project [000 Art 6.2; P]. P5 (quarterly reports) is not
 * in the project system's feed: its counters stay 0 here.
 */
export async function projectCounters(db: Queryable, now: Date, cycle: UpdateCycle): Promise<Map<string, ProjectKpiCounters>> {
  const res = await db.query<{
    agency_code: string;
    stage: string;
    behind_schedule: boolean;
    planned_completion: string | null;
    progress_planned_pct: string | null;
    progress_actual_pct: string | null;
    year_plan_vnd: string;
    disbursed_year_vnd: string;
    updated_in_cycle: boolean;
  }>(
    `select p.managing_agency_code as agency_code, p.stage, p.behind_schedule, to_char(p.planned_completion, 'YYYY-MM-DD') as planned_completion,
            p.progress_planned_pct::text as progress_planned_pct, p.progress_actual_pct::text as progress_actual_pct,
            p.year_plan_vnd::text as year_plan_vnd, p.disbursed_year_vnd::text as disbursed_year_vnd,
            exists (select 1 from project_update u where u.source_system = p.source_system and u.source_id = p.source_id
                    and u.updated_at >= $1 and u.updated_at < $2) as updated_in_cycle
     from project p`,
    [cycle.start, cycle.end],
  );
  const out = new Map<string, ProjectKpiCounters>();
  const updatedAgencies = new Set<string>();
  const num = (v: string | null) => (v === null ? null : Number(v));
  for (const r of res.rows) {
    const c = out.get(r.agency_code) ?? out.set(r.agency_code, { ...ZERO_PROJECT_COUNTERS }).get(r.agency_code)!;
    c.yearPlanVnd += Number(r.year_plan_vnd);
    c.disbursedYearVnd += Number(r.disbursed_year_vnd);
    if (!isProjectActive(r)) continue;
    c.activeProjects += 1;
    c.agenciesObliged = 1;
    const facts = { ...r, progress_planned_pct: num(r.progress_planned_pct), progress_actual_pct: num(r.progress_actual_pct) };
    if (isProjectDelayed(facts, now)) c.delayed += 1;
    if (r.updated_in_cycle) {
      c.projectsUpdated += 1;
      updatedAgencies.add(r.agency_code);
    }
  }
  for (const a of updatedAgencies) out.get(a)!.agenciesUpdated = 1;
  return out;
}

/** Updates per agency over [from, to), from the per-minute rollup (the wall's "updates this cycle"). */
export async function projectUpdateCounts(db: Queryable, from: Date, to: Date): Promise<Map<string, number>> {
  const res = await db.query<{ agency_code: string; updates: number }>(
    `select agency_code, sum(updates)::int as updates from project_rollup_minute where bucket >= $1 and bucket < $2
     group by agency_code`,
    [from, to],
  );
  return new Map(res.rows.map((r) => [r.agency_code, r.updates]));
}

type ProjectPlan = { delayedOn: string | null; updatedBefore: Date | null };

/** Active projects that may be delayed on $1 ($2: the gap in points), or managed by one of the agencies $3. */
const SLA_PROJECT_WHERE = `stage not in ('completed', 'terminated')
  and (($1::date is not null and (behind_schedule or planned_completion < $1::date or progress_planned_pct - progress_actual_pct > $2))
       or managing_agency_code = any($3::text[]))`;

/**
 * Each agency managing an active project with its newest update, over all of them (only when an update rule judges
 * now: `updatedBefore` set), and the agencies among them not updated since `updatedBefore`.
 */
export async function readProjectAgencyLastUpdates(
  db: Queryable,
  plan: ProjectPlan,
  signal?: AbortSignal,
): Promise<{ agencyLastUpdates: Map<string, Date | null>; lagging: string[] }> {
  const agencyLastUpdates = new Map<string, Date | null>();
  const lagging: string[] = [];
  if (plan.updatedBefore === null) return { agencyLastUpdates, lagging };
  const agencies = await db.query<{ agency_code: string; last_update_at: Date | null }>(
    `select managing_agency_code as agency_code, max(last_update_at) as last_update_at from project
     where stage not in ('completed', 'terminated') group by managing_agency_code`,
    [],
    { signal },
  );
  for (const r of agencies.rows) {
    agencyLastUpdates.set(r.agency_code, r.last_update_at);
    if (r.last_update_at === null || r.last_update_at < plan.updatedBefore) lagging.push(r.agency_code);
  }
  return { agencyLastUpdates, lagging };
}

/**
 * What the project rules need at one instant (`projectReadPlan`): each agency managing an active project with its
 * newest update, over all of them (only when an update rule judges now), and the active projects that may be delayed on `delayedOn` or whose agency has not
 * updated since `updatedBefore`. The rows are a superset of what breaches: `isProjectDelayed` and the rule decide.
 * Active is `isProjectActive`: not completed nor terminated.
 */
export async function readSlaProjects(
  db: Queryable,
  plan: ProjectPlan,
  signal?: AbortSignal,
): Promise<{ projects: SlaProject[]; agencyLastUpdates: Map<string, Date | null> }> {
  if (plan.delayedOn === null && plan.updatedBefore === null) return { projects: [], agencyLastUpdates: new Map() };
  const { agencyLastUpdates, lagging } = await readProjectAgencyLastUpdates(db, plan, signal);
  const rows = await readSlaProjectRows(db, plan, lagging, {}, signal);
  return { projects: rows.map((r) => r.row), agencyLastUpdates };
}

/** The active projects of `readSlaProjects` with each row's version, of the rows `scope` names (`after` is ignored). */
export async function readSlaProjectRows(
  db: Queryable,
  plan: ProjectPlan,
  lagging: readonly string[],
  scope: RowScope,
  signal?: AbortSignal,
): Promise<VersionedRow<SlaProject>[]> {
  if (plan.delayedOn === null && plan.updatedBefore === null) return [];
  const params: unknown[] = [plan.delayedOn, PROGRESS_GAP_POINTS, lagging];
  const keys = keysCondition(scope.keys, params.length);
  const res = await db.query<SlaProject & { version: string }>(
    `select source_system, source_id, version, managing_agency_code, stage, behind_schedule,
            to_char(planned_completion, 'YYYY-MM-DD') as planned_completion,
            progress_planned_pct::float8 as progress_planned_pct, progress_actual_pct::float8 as progress_actual_pct, last_update_at
     from project
     where ${SLA_PROJECT_WHERE}${keys.sql}`,
    [...params, ...keys.params],
    { signal },
  );
  return res.rows.map(({ version, ...row }) => ({ version: Number(version), row }));
}

/** The key and version of each project `readSlaProjects` would read for `plan`, its agencies `lagging`. */
export async function listSlaProjectVersions(
  db: Queryable,
  plan: ProjectPlan,
  lagging: readonly string[],
  signal?: AbortSignal,
): Promise<EntityVersion[]> {
  if (plan.delayedOn === null && plan.updatedBefore === null) return [];
  return listEntityVersions(db, 'project', SLA_PROJECT_WHERE, [plan.delayedOn, PROGRESS_GAP_POINTS, lagging], signal);
}
