import type { Queryable } from './db';

/** One pull of a source, as its connector saw it. */
export interface SourcePull {
  source: string;
  /** The kind of system (dossier, document, project, kpi_feed): picks the freshness thresholds. */
  system: string;
  at: Date;
  /** Null: the pull succeeded (even with nothing new). Otherwise what failed, safe to show (no key, no record). */
  error: string | null;
  /** Valid records and rejected ones in the page (0 on failure or when nothing changed). */
  records: number;
  /** The newest `source_updated_at` in the page, valid or not; null when none. */
  sourceNewestAt: Date | null;
  /** Where the cursor stands after the pull; null when unchanged. */
  checkpointAt: Date | null;
}

/** A source's health row, with its quarantine backlog. */
export interface SourceHealth {
  source: string;
  system: string;
  lastAttemptAt: Date;
  lastSuccessAt: Date | null;
  lastError: string | null;
  lastErrorAt: Date | null;
  sourceNewestAt: Date | null;
  checkpointAt: Date | null;
  /** `sourceNewestAt − checkpointAt`, never negative; null while either is unknown. */
  lagMilliseconds: number | null;
  recordsTotal: number;
  errorsTotal: number;
  pullsTotal: number;
  /** Over the last full clock minute before `now` (0 when older than that). */
  recordsPerMinute: number;
  errorsPerMinute: number;
  /** errors / pulls over the last full minute; null without pulls. */
  errorRate: number | null;
  /** Quarantined records not (yet) replayed successfully. */
  quarantined: number;
}

// $2 is the pull's clock minute. The minute counters roll over when it moves on: the current minute becomes the
// previous one if it is exactly one minute older, else the previous one is empty.
const RECORD_PULL = `
  insert into source_health (source, system, last_attempt_at, last_success_at, last_error, last_error_at, source_newest_at,
    checkpoint_at, records_total, errors_total, pulls_total, minute_bucket, minute_records, minute_errors, minute_pulls)
  values ($1, $3, $4::timestamptz, case when $5::text is null then $4::timestamptz end, $5::text,
    case when $5::text is not null then $4::timestamptz end, $6::timestamptz, $7::timestamptz, $8::int,
    case when $5::text is null then 0 else 1 end, 1, $2::timestamptz, $8::int, case when $5::text is null then 0 else 1 end, 1)
  on conflict (source) do update set
    system = excluded.system,
    last_attempt_at = excluded.last_attempt_at,
    last_success_at = coalesce(excluded.last_success_at, source_health.last_success_at),
    last_error = case when excluded.last_error is null then null else excluded.last_error end,
    last_error_at = coalesce(excluded.last_error_at, source_health.last_error_at),
    source_newest_at = greatest(source_health.source_newest_at, excluded.source_newest_at),
    checkpoint_at = coalesce(excluded.checkpoint_at, source_health.checkpoint_at),
    records_total = source_health.records_total + excluded.records_total,
    errors_total = source_health.errors_total + excluded.errors_total,
    pulls_total = source_health.pulls_total + 1,
    previous_minute_records = case when source_health.minute_bucket = excluded.minute_bucket then source_health.previous_minute_records
      when source_health.minute_bucket = excluded.minute_bucket - interval '1 minute' then source_health.minute_records else 0 end,
    previous_minute_errors = case when source_health.minute_bucket = excluded.minute_bucket then source_health.previous_minute_errors
      when source_health.minute_bucket = excluded.minute_bucket - interval '1 minute' then source_health.minute_errors else 0 end,
    previous_minute_pulls = case when source_health.minute_bucket = excluded.minute_bucket then source_health.previous_minute_pulls
      when source_health.minute_bucket = excluded.minute_bucket - interval '1 minute' then source_health.minute_pulls else 0 end,
    minute_records = case when source_health.minute_bucket = excluded.minute_bucket
      then source_health.minute_records + excluded.minute_records else excluded.minute_records end,
    minute_errors = case when source_health.minute_bucket = excluded.minute_bucket
      then source_health.minute_errors + excluded.minute_errors else excluded.minute_errors end,
    minute_pulls = case when source_health.minute_bucket = excluded.minute_bucket
      then source_health.minute_pulls + 1 else 1 end,
    minute_bucket = greatest(source_health.minute_bucket, excluded.minute_bucket)`;

const MINUTE_MILLISECONDS = 60_000;

/** Records one pull (success or failure) of a source. */
export async function recordSourcePull(db: Queryable, pull: SourcePull): Promise<void> {
  const minute = new Date(Math.floor(pull.at.getTime() / MINUTE_MILLISECONDS) * MINUTE_MILLISECONDS);
  await db.query(RECORD_PULL, [
    pull.source,
    minute,
    pull.system,
    pull.at,
    pull.error,
    pull.sourceNewestAt,
    pull.checkpointAt,
    pull.records,
  ]);
}

interface HealthRow {
  source: string;
  system: string;
  last_attempt_at: Date;
  last_success_at: Date | null;
  last_error: string | null;
  last_error_at: Date | null;
  source_newest_at: Date | null;
  checkpoint_at: Date | null;
  records_total: string | number;
  errors_total: string | number;
  pulls_total: string | number;
  minute_bucket: Date;
  minute_records: number;
  minute_errors: number;
  minute_pulls: number;
  previous_minute_records: number;
  previous_minute_errors: number;
  previous_minute_pulls: number;
  quarantined: number;
}

/** Every source's health at `now` (the rates are those of the last full minute before it), by source name. */
export async function listSourceHealth(db: Queryable, now: Date): Promise<SourceHealth[]> {
  const res = await db.query<HealthRow>(
    `select h.*, (select count(*)::int from quarantine q where q.source = h.source and q.replayed_at is null) as quarantined
     from source_health h order by h.source`,
  );
  const lastFullMinute = Math.floor(now.getTime() / MINUTE_MILLISECONDS) * MINUTE_MILLISECONDS - MINUTE_MILLISECONDS;
  return res.rows.map((r) => {
    const bucket = r.minute_bucket.getTime();
    const [records, errors, pulls] =
      bucket === lastFullMinute
        ? [r.minute_records, r.minute_errors, r.minute_pulls]
        : bucket === lastFullMinute + MINUTE_MILLISECONDS
          ? [r.previous_minute_records, r.previous_minute_errors, r.previous_minute_pulls]
          : [0, 0, 0];
    return {
      source: r.source,
      system: r.system,
      lastAttemptAt: r.last_attempt_at,
      lastSuccessAt: r.last_success_at,
      lastError: r.last_error,
      lastErrorAt: r.last_error_at,
      sourceNewestAt: r.source_newest_at,
      checkpointAt: r.checkpoint_at,
      lagMilliseconds: r.source_newest_at && r.checkpoint_at ? Math.max(0, r.source_newest_at.getTime() - r.checkpoint_at.getTime()) : null,
      recordsTotal: Number(r.records_total),
      errorsTotal: Number(r.errors_total),
      pullsTotal: Number(r.pulls_total),
      recordsPerMinute: records,
      errorsPerMinute: errors,
      errorRate: pulls > 0 ? errors / pulls : null,
      quarantined: r.quarantined,
    };
  });
}

/** Each source with a health row and the kind of system behind it (what its connector recorded). */
export async function sourceSystemKinds(db: Queryable): Promise<Array<{ source: string; system: string }>> {
  const res = await db.query<{ source: string; system: string }>('select source, system from source_health order by source');
  return res.rows;
}
