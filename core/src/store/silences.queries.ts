import type { Queryable } from './db';
import type { Silence } from '../sla/silences';

/** A silence as stored, with who made it and whether it was cancelled. */
export interface StoredSilence extends Silence {
  createdBy: string;
  cancelledAt: Date | null;
}

interface SilenceRow {
  id: string;
  kind: Silence['kind'];
  rule_ids: string[];
  agency_codes: string[];
  labels: Record<string, string>;
  starts_at: Date;
  ends_at: Date;
  reason: string;
  created_by: string;
  cancelled_at: Date | null;
}

const COLUMNS = 'id, kind, rule_ids, agency_codes, labels, starts_at, ends_at, reason, created_by, cancelled_at';

const silenceOf = (r: SilenceRow): Silence => ({
  id: r.id,
  kind: r.kind,
  ruleIds: r.rule_ids,
  agencyCodes: r.agency_codes,
  labels: r.labels,
  startsAt: r.starts_at,
  endsAt: r.ends_at,
  reason: r.reason,
});

/** Stores a silence or maintenance window (validated with `SilenceSchema` by the caller). */
export async function insertSilence(db: Queryable, s: Silence, createdBy: string): Promise<void> {
  await db.query(
    `insert into alert_silence (id, kind, rule_ids, agency_codes, labels, starts_at, ends_at, reason, created_by)
     values ($1, $2, $3::jsonb, $4::jsonb, $5::jsonb, $6, $7, $8, $9)`,
    [
      s.id,
      s.kind,
      JSON.stringify(s.ruleIds),
      JSON.stringify(s.agencyCodes),
      JSON.stringify(s.labels),
      s.startsAt,
      s.endsAt,
      s.reason,
      createdBy,
    ],
  );
}

/** Ends a silence early; its row stays. */
export async function cancelSilence(db: Queryable, id: string, at: Date): Promise<boolean> {
  const res = await db.query('update alert_silence set cancelled_at = $2 where id = $1 and cancelled_at is null', [id, at]);
  return res.rowCount > 0;
}

/** Silences not cancelled and not yet over at `now` (including those that start later). */
export async function readCurrentSilences(db: Queryable, now: Date): Promise<Silence[]> {
  const res = await db.query<SilenceRow>(
    `select ${COLUMNS} from alert_silence where cancelled_at is null and ends_at > $1 order by starts_at, id`,
    [now],
  );
  return res.rows.map(silenceOf);
}

/** Silences not over at `now` (current and future, cancelled ones included), soonest first; `id`: that one only. */
export async function readSilences(db: Queryable, filter: { now?: Date; id?: string }): Promise<StoredSilence[]> {
  const res = await db.query<SilenceRow>(
    `select ${COLUMNS} from alert_silence where ($1::timestamptz is null or ends_at > $1) and ($2::uuid is null or id = $2)
     order by starts_at, id`,
    [filter.now ?? null, filter.id ?? null],
  );
  return res.rows.map((r) => ({ ...silenceOf(r), createdBy: r.created_by, cancelledAt: r.cancelled_at }));
}
