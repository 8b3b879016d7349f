import type { Queryable } from './db';

/** A source record that failed validation: what came, and why it was refused. */
export interface RejectedRecord {
  /** The record's `source_id` when it has a usable one (a non-empty string), else null. */
  sourceId: string | null;
  /** The payload exactly as the source sent it. */
  raw: unknown;
  /** What a person must fix: field path, what was expected, what came. */
  reason: string;
}

/** One quarantined payload and how often it was seen. */
export interface QuarantineEntry {
  id: number;
  source: string;
  sourceId: string | null;
  raw: unknown;
  reason: string;
  firstSeenAt: Date;
  lastSeenAt: Date;
  seenCount: number;
  replayedAt: Date | null;
}

// Equal payloads in one batch are folded first: `on conflict do update` may not touch the same row twice in one
// statement. A JSON null payload arrives from jsonb_to_recordset as SQL null, hence the coalesce.
const QUARANTINE_RECORDS = `
  insert into quarantine (source, source_id, raw, reason, seen_count)
  select $1, (array_agg(x.source_id))[1], coalesce(x.raw, 'null'::jsonb), (array_agg(x.reason))[1], count(*)::int
  from jsonb_to_recordset($2::jsonb) as x(source_id text, raw jsonb, reason text)
  group by coalesce(x.raw, 'null'::jsonb)
  on conflict (source, raw_hash) do update set
    last_seen_at = now(), seen_count = quarantine.seen_count + excluded.seen_count, reason = excluded.reason`;

/**
 * Stores rejected records of `source`, in the caller's transaction (so that they land together with the good records
 * and the checkpoint of their batch). A payload already quarantined gets `last_seen_at` and `seen_count` bumped.
 * Returns how many rejected records were written (sightings, not rows).
 */
export async function quarantineRecords(tx: Queryable, source: string, rejected: readonly RejectedRecord[]): Promise<number> {
  if (rejected.length === 0) return 0;
  const rows = rejected.map((r) => ({ source_id: r.sourceId, raw: r.raw === undefined ? null : r.raw, reason: r.reason }));
  await tx.query(QUARANTINE_RECORDS, [source, jsonForPostgres(rows)]);
  return rejected.length;
}

/** Which quarantined records to list: all, those still waiting for a fix, or those replayed. */
export type QuarantineState = 'all' | 'waiting' | 'replayed';

export interface QuarantineFilter {
  source?: string;
  /** Default 'all'. */
  state?: QuarantineState;
  limit: number;
  /** Rows to skip (paging), default 0. */
  offset?: number;
}

interface QuarantineRow {
  id: number | string;
  source: string;
  source_id: string | null;
  raw: unknown;
  reason: string;
  first_seen_at: Date;
  last_seen_at: Date;
  seen_count: number;
  replayed_at: Date | null;
}

const QUARANTINE_FIELDS = 'id, source, source_id, raw, reason, first_seen_at, last_seen_at, seen_count, replayed_at';
const QUARANTINE_WHERE = `($1::text is null or source = $1)
  and ($2::text = 'all' or ($2::text = 'waiting' and replayed_at is null) or ($2::text = 'replayed' and replayed_at is not null))`;

const entryOf = (r: QuarantineRow): QuarantineEntry => ({
  id: Number(r.id),
  source: r.source,
  sourceId: r.source_id,
  raw: r.raw,
  reason: r.reason,
  firstSeenAt: r.first_seen_at,
  lastSeenAt: r.last_seen_at,
  seenCount: r.seen_count,
  replayedAt: r.replayed_at,
});

/** The most recently seen quarantined records, newest first. */
export async function listQuarantine(db: Queryable, options: QuarantineFilter): Promise<QuarantineEntry[]> {
  const res = await db.query<QuarantineRow>(
    `select ${QUARANTINE_FIELDS} from quarantine where ${QUARANTINE_WHERE}
     order by last_seen_at desc, id desc limit $3 offset $4`,
    [options.source ?? null, options.state ?? 'all', options.limit, options.offset ?? 0],
  );
  return res.rows.map(entryOf);
}

/** How many quarantined records match the filter (for paging). */
export async function countQuarantine(db: Queryable, options: Omit<QuarantineFilter, 'limit' | 'offset'>): Promise<number> {
  const res = await db.query<{ n: number }>(`select count(*)::int as n from quarantine where ${QUARANTINE_WHERE}`, [
    options.source ?? null,
    options.state ?? 'all',
  ]);
  return res.rows[0]!.n;
}

/** The quarantined records with these ids that are still waiting (not replayed), by id. */
export async function waitingQuarantineEntries(db: Queryable, ids: readonly number[]): Promise<QuarantineEntry[]> {
  const res = await db.query<QuarantineRow>(
    `select ${QUARANTINE_FIELDS} from quarantine where id = any($1::bigint[]) and replayed_at is null order by id`,
    [ids],
  );
  return res.rows.map(entryOf);
}

/** Ids of the records of `source` still waiting, oldest first. */
export async function waitingQuarantineIds(db: Queryable, source: string): Promise<number[]> {
  const res = await db.query<{ id: string | number }>('select id from quarantine where source = $1 and replayed_at is null order by id', [
    source,
  ]);
  return res.rows.map((r) => Number(r.id));
}

/** One quarantined record, or null. */
export async function getQuarantineEntry(db: Queryable, id: number): Promise<QuarantineEntry | null> {
  const res = await db.query<QuarantineRow>(`select ${QUARANTINE_FIELDS} from quarantine where id = $1`, [id]);
  return res.rows[0] ? entryOf(res.rows[0]) : null;
}

/** Marks records as replayed: they passed validation and went through the writer. */
export async function markQuarantineReplayed(tx: Queryable, ids: readonly number[], at: Date): Promise<void> {
  if (ids.length === 0) return;
  await tx.query('update quarantine set replayed_at = $2 where id = any($1::bigint[]) and replayed_at is null', [ids, at]);
}

/** Sets the reason of records that still fail, as the current schema words it; unchanged reasons are not rewritten. */
export async function updateQuarantineReasons(tx: Queryable, reasons: ReadonlyArray<{ id: number; reason: string }>): Promise<void> {
  if (reasons.length === 0) return;
  await tx.query(
    `update quarantine q set reason = x.reason from jsonb_to_recordset($1::jsonb) as x(id bigint, reason text)
     where q.id = x.id and q.reason is distinct from x.reason`,
    [JSON.stringify(reasons)],
  );
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * JSON that jsonb accepts. A bad payload is exactly where NUL characters and lone surrogates turn up, and jsonb
 * rejects both; failing here would fail the whole batch again on every retry, so they become U+FFFD instead.
 */
function jsonForPostgres(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'string' ? v.replaceAll('\u0000', '\uFFFD').replace(LONE_SURROGATE, '\uFFFD') : v,
  );
}
