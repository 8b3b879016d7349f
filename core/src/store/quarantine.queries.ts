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

/** The most recently seen quarantined records, newest first. */
export async function listQuarantine(db: Queryable, options: { source?: string; limit: number }): Promise<QuarantineEntry[]> {
  const res = await db.query<{
    id: number;
    source: string;
    source_id: string | null;
    raw: unknown;
    reason: string;
    first_seen_at: Date;
    last_seen_at: Date;
    seen_count: number;
    replayed_at: Date | null;
  }>(
    `select id, source, source_id, raw, reason, first_seen_at, last_seen_at, seen_count, replayed_at
     from quarantine where ($1::text is null or source = $1) order by last_seen_at desc, id desc limit $2`,
    [options.source ?? null, options.limit],
  );
  return res.rows.map((r) => ({
    id: Number(r.id),
    source: r.source,
    sourceId: r.source_id,
    raw: r.raw,
    reason: r.reason,
    firstSeenAt: r.first_seen_at,
    lastSeenAt: r.last_seen_at,
    seenCount: r.seen_count,
    replayedAt: r.replayed_at,
  }));
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
