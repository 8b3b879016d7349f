import type { Queryable } from './db';
import type { IncidentStateName } from '../contracts/alerts';
import type { IncidentEventKind } from '../contracts/incidents';
import type { Role } from '../contracts/auth';
import type { Severity } from '../sla/rule.schema';

export interface ChecklistItem {
  vi: string;
  en: string;
  done: boolean;
  doneBy: string | null;
  doneAt: string | null;
}

/** A stored incident and the revision the next write must name. */
export interface StoredIncident {
  id: string;
  ruleId: string;
  dedupKey: string;
  title: { vi: string; en: string };
  state: IncidentStateName;
  severity: Severity;
  agencyCode: string | null;
  unitCode: string | null;
  assignedAgencyCode: string | null;
  alertIds: string[];
  linkedIds: string[];
  checklist: ChecklistItem[];
  openedAt: Date;
  ackDueAt: Date | null;
  ackWithinHours: number;
  acknowledgedAt: Date | null;
  resolvedAt: Date | null;
  closedAt: Date | null;
  escalations: number;
  updatedAt: Date;
  revision: number;
}

export interface IncidentEvent {
  id: number;
  incidentId: string;
  at: Date;
  kind: IncidentEventKind;
  actor: string;
  actorId: number | null;
  role: Role | null;
  fromState: IncidentStateName | null;
  toState: IncidentStateName | null;
  comment: string | null;
  details: Record<string, unknown>;
}

interface IncidentRow {
  id: string;
  rule_id: string;
  dedup_key: string;
  title_vi: string;
  title_en: string;
  state: IncidentStateName;
  severity: Severity;
  agency_code: string | null;
  unit_code: string | null;
  assigned_agency_code: string | null;
  alert_ids: string[];
  linked_ids: string[];
  checklist: ChecklistItem[];
  opened_at: Date;
  ack_due_at: Date | null;
  ack_within_hours: number;
  acknowledged_at: Date | null;
  resolved_at: Date | null;
  closed_at: Date | null;
  escalations: number;
  updated_at: Date;
  revision: number;
  total?: string;
}

const incidentOf = (r: IncidentRow): StoredIncident => ({
  id: r.id,
  ruleId: r.rule_id,
  dedupKey: r.dedup_key,
  title: { vi: r.title_vi, en: r.title_en },
  state: r.state,
  severity: r.severity,
  agencyCode: r.agency_code,
  unitCode: r.unit_code,
  assignedAgencyCode: r.assigned_agency_code,
  alertIds: r.alert_ids,
  linkedIds: r.linked_ids,
  checklist: r.checklist,
  openedAt: r.opened_at,
  ackDueAt: r.ack_due_at,
  ackWithinHours: Number(r.ack_within_hours),
  acknowledgedAt: r.acknowledged_at,
  resolvedAt: r.resolved_at,
  closedAt: r.closed_at,
  escalations: r.escalations,
  updatedAt: r.updated_at,
  revision: r.revision,
});

/** A new incident (the evaluator opens it when an alert group starts firing). */
export interface NewIncident {
  id: string;
  ruleId: string;
  dedupKey: string;
  title: { vi: string; en: string };
  severity: Severity;
  agencyCode: string | null;
  unitCode: string | null;
  alertId: string;
  linkedIds: readonly string[];
  checklist: readonly { vi: string; en: string }[];
  openedAt: Date;
  ackDueAt: Date;
  ackWithinHours: number;
}

/** The incident of an alert group that is not closed yet, if any (one at most: unique index). */
export async function readUnclosedIncidentByDedupKey(db: Queryable, dedupKey: string): Promise<StoredIncident | null> {
  return (await readUnclosedIncidents(db, [dedupKey])).get(dedupKey) ?? null;
}

/** The incident not yet closed of each of these alert groups, by dedup key (one query for any number of groups). */
export async function readUnclosedIncidents(db: Queryable, dedupKeys: readonly string[]): Promise<Map<string, StoredIncident>> {
  if (dedupKeys.length === 0) return new Map();
  const res = await db.query<IncidentRow>(`select * from incident where dedup_key = any($1::text[]) and state <> 'closed'`, [dedupKeys]);
  return new Map(res.rows.map((r) => [r.dedup_key, incidentOf(r)]));
}

export async function insertIncident(tx: Queryable, n: NewIncident): Promise<StoredIncident> {
  return (await insertIncidents(tx, [n]))[0]!;
}

/**
 * Opens these incidents in one statement, in the order given (thousands at once when a backlog first fires: one
 * round trip each was most of such a tick).
 */
export async function insertIncidents(tx: Queryable, incidents: readonly NewIncident[]): Promise<StoredIncident[]> {
  if (incidents.length === 0) return [];
  const records = incidents.map((n) => ({
    id: n.id,
    rule_id: n.ruleId,
    dedup_key: n.dedupKey,
    title_vi: n.title.vi,
    title_en: n.title.en,
    severity: n.severity,
    agency_code: n.agencyCode,
    unit_code: n.unitCode,
    alert_ids: [n.alertId],
    linked_ids: n.linkedIds,
    checklist: n.checklist.map((s) => ({ vi: s.vi, en: s.en, done: false, doneBy: null, doneAt: null })),
    opened_at: n.openedAt,
    ack_due_at: n.ackDueAt,
    ack_within_hours: n.ackWithinHours,
  }));
  const res = await tx.query<IncidentRow>(
    `insert into incident (id, rule_id, dedup_key, title_vi, title_en, state, severity, agency_code, unit_code, alert_ids,
                           linked_ids, checklist, opened_at, ack_due_at, ack_within_hours, updated_at)
     select id, rule_id, dedup_key, title_vi, title_en, 'open', severity, agency_code, unit_code, alert_ids,
            linked_ids, checklist, opened_at, ack_due_at, ack_within_hours, opened_at
     from jsonb_to_recordset($1::jsonb) as x(id uuid, rule_id text, dedup_key text, title_vi text, title_en text,
          severity text, agency_code text, unit_code text, alert_ids jsonb, linked_ids jsonb, checklist jsonb,
          opened_at timestamptz, ack_due_at timestamptz, ack_within_hours real)
     returning *`,
    [JSON.stringify(records)],
  );
  const byId = new Map(res.rows.map((r) => [r.id, incidentOf(r)]));
  return incidents.map((n) => byId.get(n.id)!);
}

export async function readIncident(db: Queryable, id: string): Promise<StoredIncident | null> {
  const res = await db.query<IncidentRow>('select * from incident where id = $1', [id]);
  return res.rows[0] ? incidentOf(res.rows[0]) : null;
}

/** Reads and locks an incident for the rest of the caller's transaction: actions on one incident run one at a time. */
export async function readIncidentForUpdate(tx: Queryable, id: string): Promise<StoredIncident | null> {
  const res = await tx.query<IncidentRow>('select * from incident where id = $1 for update', [id]);
  return res.rows[0] ? incidentOf(res.rows[0]) : null;
}

export type IncidentPatch = Partial<
  Pick<
    StoredIncident,
    | 'state'
    | 'severity'
    | 'assignedAgencyCode'
    | 'alertIds'
    | 'linkedIds'
    | 'checklist'
    | 'ackDueAt'
    | 'acknowledgedAt'
    | 'resolvedAt'
    | 'closedAt'
    | 'escalations'
  >
>;

const COLUMNS: Record<keyof IncidentPatch, [string, string?]> = {
  state: ['state'],
  severity: ['severity'],
  assignedAgencyCode: ['assigned_agency_code'],
  alertIds: ['alert_ids', 'jsonb'],
  linkedIds: ['linked_ids', 'jsonb'],
  checklist: ['checklist', 'jsonb'],
  ackDueAt: ['ack_due_at'],
  acknowledgedAt: ['acknowledged_at'],
  resolvedAt: ['resolved_at'],
  closedAt: ['closed_at'],
  escalations: ['escalations'],
};

/** Writes `patch` over the incident at `revision`; returns the new row, or null when it changed since it was read. */
export async function updateIncident(
  tx: Queryable,
  id: string,
  revision: number,
  patch: IncidentPatch,
  at: Date,
): Promise<StoredIncident | null> {
  const sets: string[] = [];
  const params: unknown[] = [id, revision, at];
  for (const [key, value] of Object.entries(patch) as [keyof IncidentPatch, unknown][]) {
    const [column, cast] = COLUMNS[key];
    params.push(cast === 'jsonb' ? JSON.stringify(value) : value);
    sets.push(`${column} = $${params.length}${cast ? `::${cast}` : ''}`);
  }
  const res = await tx.query<IncidentRow>(
    `update incident set ${[...sets, 'updated_at = $3', 'revision = revision + 1'].join(', ')}
     where id = $1 and revision = $2 returning *`,
    params,
  );
  return res.rows[0] ? incidentOf(res.rows[0]) : null;
}

export type NewIncidentEvent = Omit<IncidentEvent, 'id'>;

/** Appends one row to the incident's logbook (append-only: a trigger refuses update and delete). */
export async function appendIncidentEvent(tx: Queryable, e: NewIncidentEvent): Promise<number> {
  return (await appendIncidentEvents(tx, [e]))[0]!;
}

/** Appends these rows to their incidents' logbooks in one statement, numbered in the order given; their ids. */
export async function appendIncidentEvents(tx: Queryable, events: readonly NewIncidentEvent[]): Promise<number[]> {
  if (events.length === 0) return [];
  const records = events.map((e) => ({
    incident_id: e.incidentId,
    at: e.at,
    kind: e.kind,
    actor: e.actor,
    actor_id: e.actorId,
    role: e.role,
    from_state: e.fromState,
    to_state: e.toState,
    comment: e.comment,
    details: e.details,
  }));
  // Rows get their ids in the order the select gives them, so a logbook read by id is in the order written.
  const res = await tx.query<{ id: string }>(
    `insert into incident_event (incident_id, at, kind, actor, actor_id, role, from_state, to_state, comment, details)
     select incident_id, at, kind, actor, actor_id, role, from_state, to_state, comment, details
     from jsonb_array_elements($1::jsonb) with ordinality as e(record, n),
          jsonb_to_record(e.record) as x(incident_id uuid, at timestamptz, kind text, actor text, actor_id integer,
            role text, from_state text, to_state text, comment text, details jsonb)
     order by e.n
     returning id`,
    [JSON.stringify(records)],
  );
  return res.rows.map((r) => Number(r.id)).sort((a, b) => a - b);
}

/** An incident's logbook, oldest first. */
export async function readIncidentEvents(db: Queryable, incidentId: string): Promise<IncidentEvent[]> {
  const res = await db.query<{
    id: string;
    incident_id: string;
    at: Date;
    kind: IncidentEventKind;
    actor: string;
    actor_id: number | null;
    role: Role | null;
    from_state: IncidentStateName | null;
    to_state: IncidentStateName | null;
    comment: string | null;
    details: Record<string, unknown>;
  }>('select * from incident_event where incident_id = $1 order by id', [incidentId]);
  return res.rows.map((r) => ({
    id: Number(r.id),
    incidentId: r.incident_id,
    at: r.at,
    kind: r.kind,
    actor: r.actor,
    actorId: r.actor_id,
    role: r.role,
    fromState: r.from_state,
    toState: r.to_state,
    comment: r.comment,
    details: r.details,
  }));
}

export interface IncidentFilter {
  states: readonly IncidentStateName[] | null;
  severity: Severity | null;
  agencyCode: string | null;
  /** Only incidents opened at or before this instant. */
  openedBefore: Date | null;
  /** Visibility: only incidents about these agencies (null: all, including incidents about no agency). */
  visibleAgencies: readonly string[] | null;
  /** Visibility of a department: only incidents forwarded to these agencies. */
  assignedAgencies: readonly string[] | null;
  limit: number;
  offset: number;
}

/** A page of incidents, newest first, and how many match in all. */
export async function listIncidents(db: Queryable, f: IncidentFilter): Promise<{ incidents: StoredIncident[]; total: number }> {
  const res = await db.query<IncidentRow>(
    `select *, count(*) over () as total from incident
     where ($1::text[] is null or state = any($1::text[]))
       and ($2::text is null or severity = $2)
       and ($3::text is null or agency_code = $3 or assigned_agency_code = $3)
       and ($4::timestamptz is null or opened_at <= $4)
       and ($5::text[] is null or agency_code = any($5::text[]))
       and ($6::text[] is null or assigned_agency_code = any($6::text[]))
     order by opened_at desc, id limit $7 offset $8`,
    [f.states, f.severity, f.agencyCode, f.openedBefore, f.visibleAgencies, f.assignedAgencies, f.limit, f.offset],
  );
  return { incidents: res.rows.map(incidentOf), total: Number(res.rows[0]?.total ?? 0) };
}

/** Incidents still waiting for acknowledgement past their deadline at `now` (the escalation's input). */
export async function readAckOverdueIncidents(db: Queryable, now: Date): Promise<StoredIncident[]> {
  const res = await db.query<IncidentRow>(`select * from incident where state = 'open' and ack_due_at <= $1 order by ack_due_at, id`, [
    now,
  ]);
  return res.rows.map(incidentOf);
}

/** Whether any incident is still `open` at or past its acknowledgement deadline (`readAckOverdueIncidents` would read one). */
export async function hasAckOverdueIncidents(db: Queryable, now: Date): Promise<boolean> {
  const res = await db.query<{ due: boolean }>(`select exists (select 1 from incident where state = 'open' and ack_due_at <= $1) as due`, [
    now,
  ]);
  return res.rows[0]!.due;
}

/** The incident not yet closed of each of these alert groups, by dedup key. */
export async function readUnclosedIncidentIds(db: Queryable, dedupKeys: readonly string[]): Promise<Map<string, string>> {
  if (dedupKeys.length === 0) return new Map();
  const res = await db.query<{ id: string; dedup_key: string }>(
    `select id, dedup_key from incident where dedup_key = any($1::text[]) and state <> 'closed'`,
    [dedupKeys],
  );
  return new Map(res.rows.map((r) => [r.dedup_key, r.id]));
}
