import type { Queryable } from './db';
import type { AlertStateName, AlertState, AlertTransition, NotificationKind } from '../sla/alert-state';
import type { Severity } from '../sla/rule.schema';

/** A stored alert: its state and the revision the next write must name. */
export interface StoredAlert extends AlertState {
  alertId: string;
  revision: number;
}

/** Another evaluator wrote an alert after this one read it: the evaluation is rolled back and retried. */
export class AlertWriteConflict extends Error {
  override readonly name = 'AlertWriteConflict';
}

const ACTIVE = `state in ('pending', 'firing', 'resolving')`;

interface AlertRow {
  id: string;
  dedup_key: string;
  rule_id: string;
  severity: Severity;
  state: AlertStateName;
  agency_code: string | null;
  unit_code: string | null;
  labels: Record<string, string>;
  count: number;
  linked_ids: string[];
  details: Record<string, number | string | null>;
  started_at: Date;
  fired_at: Date | null;
  resolving_since: Date | null;
  resolved_at: Date | null;
  last_evaluated_at: Date;
  flap_count: number;
  notified: boolean;
  silence_ids: string[];
  revision: number;
}

const alertOf = (r: AlertRow): StoredAlert => ({
  alertId: r.id,
  ruleId: r.rule_id,
  dedupKey: r.dedup_key,
  state: r.state,
  severity: r.severity,
  agencyCode: r.agency_code,
  unitCode: r.unit_code,
  labels: r.labels,
  count: r.count,
  linkedIds: r.linked_ids,
  details: r.details,
  startedAt: r.started_at,
  firedAt: r.fired_at,
  resolvingSince: r.resolving_since,
  resolvedAt: r.resolved_at,
  lastEvaluatedAt: r.last_evaluated_at,
  flapCount: r.flap_count,
  notified: r.notified,
  silenceIds: r.silence_ids,
  revision: r.revision,
});

/** The active alerts (pending, firing, resolving), by dedup key. */
export async function readActiveAlerts(db: Queryable): Promise<StoredAlert[]> {
  const res = await db.query<AlertRow>(`select * from alert where ${ACTIVE} order by dedup_key`);
  return res.rows.map(alertOf);
}

/** Alerts of one dedup key, newest first (the active one, if any, and the ended ones before it). */
export async function readAlertsByDedupKey(db: Queryable, dedupKey: string): Promise<StoredAlert[]> {
  const res = await db.query<AlertRow>('select * from alert where dedup_key = $1 order by started_at desc, id', [dedupKey]);
  return res.rows.map(alertOf);
}

export interface StoredTransition extends AlertTransition {
  id: number;
  alertId: string;
  ruleId: string;
  dedupKey: string;
  count: number;
  silenced: boolean;
  notify: NotificationKind | null;
}

/** The history of alerts, oldest first; of one alert when `alertId` is given. */
export async function readAlertTransitions(db: Queryable, filter: { alertId?: string; ruleId?: string } = {}): Promise<StoredTransition[]> {
  const res = await db.query<{
    id: number;
    alert_id: string;
    rule_id: string;
    dedup_key: string;
    at: Date;
    from_state: AlertStateName;
    to_state: AlertStateName;
    from_severity: Severity | null;
    to_severity: Severity;
    reason: AlertTransition['reason'];
    count: number;
    silenced: boolean;
    notify: NotificationKind | null;
  }>(`select * from alert_transition where ($1::uuid is null or alert_id = $1) and ($2::text is null or rule_id = $2) order by id`, [
    filter.alertId ?? null,
    filter.ruleId ?? null,
  ]);
  return res.rows.map((r) => ({
    id: Number(r.id),
    alertId: r.alert_id,
    ruleId: r.rule_id,
    dedupKey: r.dedup_key,
    at: r.at,
    fromState: r.from_state,
    toState: r.to_state,
    fromSeverity: r.from_severity,
    toSeverity: r.to_severity,
    reason: r.reason,
    count: r.count,
    silenced: r.silenced,
    notify: r.notify,
  }));
}

/** One alert to write after an evaluation. */
export interface AlertWrite {
  alertId: string;
  /** The revision read; null for a new alert. */
  revision: number | null;
  /** The state as read (null for a new alert): what is unchanged is not written again. */
  previous: AlertState | null;
  state: AlertState;
  transition: AlertTransition | null;
  notify: NotificationKind | null;
}

/** JSON with object keys sorted: `jsonb` hands keys back in its own order (shorter first), not the order written. */
const canonical = (v: unknown): string =>
  JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([p], [q]) => (p < q ? -1 : p > q ? 1 : 0)))
      : x,
  );
const sameJson = (a: unknown, b: unknown) => a === b || canonical(a) === canonical(b);
/**
 * Labels and details are flat records, compared key by key in any order: serialising both of every alert on every
 * tick was a fifth of a tick's time and most of its garbage (`npm run bench:rules`). A nested value, which the types
 * do not allow but jsonb would carry, falls back to `sameJson`.
 */
function sameRecord(a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>): boolean {
  if (a === b) return true;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const k of keys) {
    const x = a[k];
    const y = b[k];
    if (x !== y && !(typeof x === 'object' && x !== null && typeof y === 'object' && y !== null && sameJson(x, y))) return false;
  }
  return true;
}
const sameIds = (a: readonly string[], b: readonly string[]) => a === b || (a.length === b.length && a.every((x, i) => x === b[i]));
const sameTime = (a: Date | null, b: Date | null) => (a?.getTime() ?? null) === (b?.getTime() ?? null);

/** Whether a write changes the row beyond `last_evaluated_at` (most evaluations change nothing else for most alerts). */
export function changesAlertRow(w: AlertWrite): boolean {
  const a = w.previous;
  const b = w.state;
  if (!a) return true;
  return !(
    a.state === b.state &&
    a.severity === b.severity &&
    a.agencyCode === b.agencyCode &&
    a.unitCode === b.unitCode &&
    a.count === b.count &&
    a.flapCount === b.flapCount &&
    a.notified === b.notified &&
    sameTime(a.firedAt, b.firedAt) &&
    sameTime(a.resolvingSince, b.resolvingSince) &&
    sameTime(a.resolvedAt, b.resolvedAt) &&
    sameRecord(a.labels, b.labels) &&
    sameRecord(a.details, b.details) &&
    sameIds(a.silenceIds, b.silenceIds) &&
    sameIds(a.linkedIds, b.linkedIds)
  );
}

const recordOf = (w: AlertWrite) => {
  const s = w.state;
  return {
    id: w.alertId,
    revision: w.revision,
    dedup_key: s.dedupKey,
    rule_id: s.ruleId,
    severity: s.severity,
    state: s.state,
    agency_code: s.agencyCode,
    unit_code: s.unitCode,
    labels: s.labels,
    count: s.count,
    linked_ids: s.linkedIds,
    details: s.details,
    started_at: s.startedAt,
    fired_at: s.firedAt,
    resolving_since: s.resolvingSince,
    resolved_at: s.resolvedAt,
    last_evaluated_at: s.lastEvaluatedAt,
    flap_count: s.flapCount,
    notified: s.notified,
    silenced: s.silenceIds.length > 0,
    silence_ids: s.silenceIds,
  };
};

const RECORD_SHAPE = `id uuid, revision int, dedup_key text, rule_id text, severity text, state text, agency_code text,
  unit_code text, labels jsonb, count int, linked_ids jsonb, details jsonb, started_at timestamptz, fired_at timestamptz,
  resolving_since timestamptz, resolved_at timestamptz, last_evaluated_at timestamptz, flap_count int, notified boolean,
  silenced boolean, silence_ids jsonb`;
const WRITTEN = `severity, state, agency_code, unit_code, labels, count, linked_ids, details, fired_at, resolving_since,
  resolved_at, last_evaluated_at, flap_count, notified, silenced, silence_ids`;

/**
 * Writes one evaluation: new alerts, every evaluated alert's new state, and the transitions, in the caller's
 * transaction. An update names the revision it read; if another evaluator wrote since, nothing of it stays
 * (`AlertWriteConflict`), and a second active alert for a dedup key fails on the unique index.
 *
 * An alert whose evaluation changed nothing but the instant is not written at all, so `last_evaluated_at` is the
 * evaluation that last changed the row: rewriting every active alert on every tick was most of a tick's time with
 * thousands of them (`npm run bench:rules`), and the leader's lock check in the same transaction already keeps a
 * stale evaluator from writing. Returns each written alert's revision as it now is in the store.
 */
export async function saveAlertWrites(tx: Queryable, writes: readonly AlertWrite[]): Promise<Map<string, number>> {
  const inserts = writes.filter((w) => w.revision === null).map(recordOf);
  const changed = writes.filter((w) => w.revision !== null && changesAlertRow(w));
  // An update sends the linked records and labels only when they changed (null: keep the stored ones). Every few
  // minutes thousands of alerts change only their details (one more hundredth of a working day overdue, all at
  // once since due dates share session ends), and re-sending every id of each was most of such a tick's write.
  const updates = changed.map((w) => ({
    ...recordOf(w),
    linked_ids: w.previous && sameIds(w.previous.linkedIds, w.state.linkedIds) ? null : w.state.linkedIds,
    labels: w.previous && sameRecord(w.previous.labels, w.state.labels) ? null : w.state.labels,
  }));
  const revisions = new Map<string, number>();
  for (const w of writes) revisions.set(w.alertId, w.revision ?? 0);
  for (const w of [...changed, ...writes.filter((w) => w.revision === null)]) revisions.set(w.alertId, (w.revision ?? 0) + 1);
  if (inserts.length > 0)
    await tx.query(
      `insert into alert (id, dedup_key, rule_id, started_at, ${WRITTEN})
       select id, dedup_key, rule_id, started_at, ${WRITTEN} from jsonb_to_recordset($1::jsonb) as x(${RECORD_SHAPE})`,
      [JSON.stringify(inserts)],
    );
  if (updates.length > 0) {
    const set = WRITTEN.split(',')
      .map((c) => c.trim())
      .map((c) => (c === 'linked_ids' || c === 'labels' ? `${c} = coalesce(x.${c}, a.${c})` : `${c} = x.${c}`))
      .join(', ');
    const res = await tx.query(
      `update alert a set ${set}, revision = a.revision + 1
       from jsonb_to_recordset($1::jsonb) as x(${RECORD_SHAPE})
       where a.id = x.id and a.revision = x.revision`,
      [JSON.stringify(updates)],
    );
    if (res.rowCount !== updates.length)
      throw new AlertWriteConflict(`${updates.length - res.rowCount} alert(s) changed since they were read`);
  }
  const transitions = writes
    .filter((w) => w.transition !== null)
    .map((w) => ({
      alert_id: w.alertId,
      rule_id: w.state.ruleId,
      dedup_key: w.state.dedupKey,
      at: w.transition!.at,
      from_state: w.transition!.fromState,
      to_state: w.transition!.toState,
      from_severity: w.transition!.fromSeverity,
      to_severity: w.transition!.toSeverity,
      reason: w.transition!.reason,
      count: w.state.count,
      silenced: w.state.silenceIds.length > 0,
      notify: w.notify,
    }));
  if (transitions.length > 0)
    await tx.query(
      `insert into alert_transition (alert_id, rule_id, dedup_key, at, from_state, to_state, from_severity, to_severity, reason, count, silenced, notify)
       select alert_id, rule_id, dedup_key, at, from_state, to_state, from_severity, to_severity, reason, count, silenced, notify
       from jsonb_to_recordset($1::jsonb) as x(alert_id uuid, rule_id text, dedup_key text, at timestamptz, from_state text,
            to_state text, from_severity text, to_severity text, reason text, count int, silenced boolean, notify text)
       order by at`,
      [JSON.stringify(transitions)],
    );
  return revisions;
}

export interface AlertFilter {
  /** null: the active ones (pending, firing, resolving). */
  state: AlertStateName | null;
  severity: Severity | null;
  agencyCode: string | null;
  startedBefore: Date | null;
  /** Visibility: only alerts about these agencies (null: all, including alerts about no agency). */
  visibleAgencies: readonly string[] | null;
  limit: number;
  offset: number;
}

/** A page of alerts, newest first, each with the incident of its group that is not closed (if any). */
export async function listAlerts(
  db: Queryable,
  f: AlertFilter,
): Promise<{ alerts: (StoredAlert & { incidentId: string | null })[]; total: number }> {
  const res = await db.query<AlertRow & { incident_id: string | null; total: string }>(
    `select a.*, i.id as incident_id, count(*) over () as total
     from alert a left join incident i on i.dedup_key = a.dedup_key and i.state <> 'closed'
     where (($1::text is null and a.${ACTIVE}) or a.state = $1)
       and ($2::text is null or a.severity = $2)
       and ($3::text is null or a.agency_code = $3)
       and ($4::timestamptz is null or a.started_at <= $4)
       and ($5::text[] is null or a.agency_code = any($5::text[]))
     order by a.started_at desc, a.id limit $6 offset $7`,
    [f.state, f.severity, f.agencyCode, f.startedBefore, f.visibleAgencies, f.limit, f.offset],
  );
  return { alerts: res.rows.map((r) => ({ ...alertOf(r), incidentId: r.incident_id })), total: Number(res.rows[0]?.total ?? 0) };
}
