import type { Db, Queryable } from './db';
import type { Dossier } from '../contracts/dossier';
import type { ChangeNotice } from '../contracts/bus';

/** The NOTIFY channel on which every committed write announces what changed (payload: a `ChangeNotice`). */
export const CHANGE_CHANNEL = 'ioc_changes';
import { OPEN_DOSSIER_STATUSES } from '../contracts/dossier';
import { rollupDelta, type RollupDelta } from '../kpi/dossier-counters';
import type { DayCounterRow, OpenCounterRow } from '../kpi/wall-kpis';
import { quarantineRecords, type RejectedRecord } from './quarantine.queries';
import { copyCsvRows } from './copy-csv';

/** Every dossier field a source sends, in table order. */
export const DOSSIER_FIELD_NAMES: readonly (keyof Dossier)[] = [
  'source_id',
  'version',
  'source_updated_at',
  'dossier_code',
  'procedure_code',
  'procedure_name',
  'field_name',
  'online_level',
  'receiving_unit_code',
  'handling_agency_code',
  'unit_code',
  'applicant_kind',
  'channel',
  'submitted_at',
  'received_at',
  'transferred_at',
  'time_limit',
  'time_limit_unit',
  'due_at',
  'rescheduled_due_at',
  'apology_issued_at',
  'status',
  'status_changed_at',
  'supplement_periods',
  'finished_at',
  'returned_at',
  'fee_required',
  'fee_amount_vnd',
  'payment_channel',
  'paid_at',
  'input_digitised',
  'result_requires_document',
  'e_result_issued',
  'reused_digital_data',
  'from_personal_store',
  'vneid_authenticated',
  'synced_to_national_portal',
  'rating',
  'feedback_count',
];
const columnNames = DOSSIER_FIELD_NAMES.join(', ');
const updateSet = DOSSIER_FIELD_NAMES.filter((c) => c !== 'source_id')
  .map((c) => `${c} = excluded.${c}`)
  .join(', ');

/**
 * A batch's accepted versions are staged with COPY into a session-local table, then moved set-wise into the current
 * state and the history: COPY is the cheapest way rows reach PostgreSQL, and the two inserts then run inside the
 * server without any per-row parsing. `on commit delete rows` empties it with the transaction; created once per
 * connection (`if not exists`), it follows `dossier`'s columns as they are when the connection first writes.
 */
const CREATE_STAGE = 'create temp table if not exists dossier_stage (like dossier including defaults) on commit delete rows';
const STAGE_COLUMNS = ['source_system', ...DOSSIER_FIELD_NAMES];

const UPSERT_DOSSIERS = `
  insert into dossier (source_system, ${columnNames})
  select distinct on (source_id) source_system, ${columnNames} from dossier_stage order by source_id, version desc
  on conflict (source_system, source_id) do update set ${updateSet}, ingested_at = now()
  where dossier.version < excluded.version`;

const INSERT_EVENTS = `
  insert into dossier_event (source_system, ${columnNames})
  select source_system, ${columnNames} from dossier_stage
  on conflict do nothing`;

// Arrays, one per column: `pg` sends each as one text literal, cheaper to parse than a jsonb recordset of the same rows.
const ADD_ROLLUP = `
  insert into dossier_rollup_minute (bucket, handling_agency_code, unit_code, received, received_online, finished, finished_on_time)
  select * from unnest($1::timestamptz[], $2::text[], $3::text[], $4::int[], $5::int[], $6::int[], $7::int[])
  on conflict (bucket, handling_agency_code, unit_code) do update set
    received = dossier_rollup_minute.received + excluded.received,
    received_online = dossier_rollup_minute.received_online + excluded.received_online,
    finished = dossier_rollup_minute.finished + excluded.finished,
    finished_on_time = dossier_rollup_minute.finished_on_time + excluded.finished_on_time`;

const SAVE_CHECKPOINT = `
  insert into ingest_checkpoint (source, cursor_updated_at, cursor_id, last_success_at, records_total)
  values ($1, $2, $3, now(), $4)
  on conflict (source) do update set cursor_updated_at = excluded.cursor_updated_at, cursor_id = excluded.cursor_id,
    last_success_at = excluded.last_success_at, records_total = ingest_checkpoint.records_total + excluded.records_total`;

type StoredState = Pick<
  Dossier,
  'source_id' | 'version' | 'status' | 'received_at' | 'finished_at' | 'due_at' | 'channel' | 'handling_agency_code' | 'unit_code'
>;

export interface DossierWriteResult {
  /** Versions newer than what was stored: written, counted. */
  accepted: number;
  /** Versions already stored or older (a replay, a duplicate, an out-of-order update): changed nothing. */
  unchanged: number;
  /** Agencies whose counters or open dossiers changed. */
  agencyCodes: string[];
  /** Newest `source_updated_at` among the accepted records. */
  dataUpdatedAt: Date | null;
}

export interface Checkpoint {
  updatedSince: string;
  afterId: string;
}

/**
 * Writes one batch of validated dossiers in one transaction: the newest state per dossier (older or equal versions
 * change nothing), every new version into the history, the per-minute counters by the difference between the old
 * and new state, and the source's checkpoint. A crash anywhere leaves either all of it or none; replaying the batch
 * afterwards is a no-op. This is what makes ingestion exactly-once on top of at-least-once delivery.
 * `rejected` records of the same pull go to quarantine in the same transaction, so the checkpoint never passes a
 * bad record that was not kept.
 */
export async function writeDossierBatch(
  db: Db,
  sourceSystem: string,
  records: readonly Dossier[],
  checkpoint: Checkpoint | null,
  rejected: readonly RejectedRecord[] = [],
): Promise<DossierWriteResult> {
  return db.transaction(async (tx) => {
    const ids = [...new Set(records.map((r) => r.source_id))];
    const stored = await tx.query<StoredState>(
      `select source_id, version, status, received_at, finished_at, due_at, channel, handling_agency_code, unit_code
       from dossier where source_system = $1 and source_id = any($2::text[]) order by source_id for update`,
      [sourceSystem, ids],
    );
    const current = new Map<string, StoredState>(stored.rows.map((r) => [r.source_id, r]));
    const events: Dossier[] = [];
    const deltas: RollupDelta[] = [];
    const agencies = new Set<string>();
    let dataUpdatedAt: Date | null = null;
    let unchanged = 0;

    for (const rec of records) {
      const before = current.get(rec.source_id) ?? null;
      if (before && Number(before.version) >= rec.version) {
        unchanged += 1;
        continue;
      }
      deltas.push(...rollupDelta(before, rec));
      if (before) agencies.add(before.handling_agency_code);
      agencies.add(rec.handling_agency_code);
      current.set(rec.source_id, rec);
      events.push(rec);
      if (!dataUpdatedAt || rec.source_updated_at > dataUpdatedAt) dataUpdatedAt = rec.source_updated_at;
    }

    if (events.length > 0) {
      await tx.query(CREATE_STAGE);
      await tx.copyFromCsv('dossier_stage', STAGE_COLUMNS, copyCsvRows(events, DOSSIER_FIELD_NAMES, [sourceSystem]));
      await tx.query(UPSERT_DOSSIERS);
      await tx.query(INSERT_EVENTS);
    }
    const merged = mergeDeltas(deltas);
    if (merged.length > 0) {
      const columns = ['bucket', 'agency_code', 'unit_code', 'received', 'received_online', 'finished', 'finished_on_time'] as const;
      await tx.query(
        ADD_ROLLUP,
        columns.map((c) => merged.map((m) => m[c])),
      );
    }
    await quarantineRecords(tx, sourceSystem, rejected);
    if (checkpoint) await tx.query(SAVE_CHECKPOINT, [sourceSystem, checkpoint.updatedSince, checkpoint.afterId, events.length]);
    const result = { accepted: events.length, unchanged, agencyCodes: [...agencies].sort(), dataUpdatedAt };
    if (result.accepted > 0) {
      // Delivered to listeners only if and when this transaction commits: a notice never announces lost data.
      const notice: ChangeNotice = {
        source: sourceSystem,
        agencyCodes: result.agencyCodes,
        dataUpdatedAt: dataUpdatedAt!.toISOString(),
        committedAt: new Date().toISOString(),
      };
      await tx.query('select pg_notify($1, $2)', [CHANGE_CHANNEL, JSON.stringify(notice)]);
    }
    return result;
  });
}

function mergeDeltas(deltas: readonly RollupDelta[]) {
  const merged = new Map<
    string,
    {
      bucket: string;
      agency_code: string;
      unit_code: string;
      received: number;
      received_online: number;
      finished: number;
      finished_on_time: number;
    }
  >();
  for (const d of deltas) {
    const bucket = d.bucket.toISOString();
    const key = `${bucket}|${d.agencyCode}|${d.unitCode}`;
    const acc = merged.get(key) ?? {
      bucket,
      agency_code: d.agencyCode,
      unit_code: d.unitCode,
      received: 0,
      received_online: 0,
      finished: 0,
      finished_on_time: 0,
    };
    acc.received += d.received;
    acc.received_online += d.receivedOnline;
    acc.finished += d.finished;
    acc.finished_on_time += d.finishedOnTime;
    merged.set(key, acc);
  }
  // Lock rows in one order so that two writers never deadlock on the same minutes.
  return [...merged.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
}

/** Where the source's pull stands; null before its first batch. */
export async function readCheckpoint(db: Queryable, sourceSystem: string): Promise<Checkpoint | null> {
  const res = await db.query<{ cursor_updated_at: Date; cursor_id: string }>(
    'select cursor_updated_at, cursor_id from ingest_checkpoint where source = $1',
    [sourceSystem],
  );
  const row = res.rows[0];
  return row ? { updatedSince: row.cursor_updated_at.toISOString(), afterId: row.cursor_id } : null;
}

/** Received / finished / on-time counters per agency over [from, to), read from the per-minute rollup. */
export async function dossierDayCounters(db: Queryable, from: Date, to: Date): Promise<DayCounterRow[]> {
  const res = await db.query<{ agency_code: string; received: number; finished: number; finished_on_time: number }>(
    `select handling_agency_code as agency_code, sum(received)::int as received, sum(finished)::int as finished,
            sum(finished_on_time)::int as finished_on_time
     from dossier_rollup_minute where bucket >= $1 and bucket < $2
     group by handling_agency_code order by handling_agency_code`,
    [from, to],
  );
  return res.rows.map((r) => ({
    agencyCode: r.agency_code,
    received: r.received,
    finished: r.finished,
    finishedOnTime: r.finished_on_time,
  }));
}

/**
 * Open and overdue dossiers per agency at `now` (D4). Overdue depends on the clock, not on events, so it is read
 * at `now` from the open dossiers; a dossier waiting for a supplement is paused and never overdue.
 */
export async function dossierOpenCounters(db: Queryable, now: Date): Promise<OpenCounterRow[]> {
  const res = await db.query<{ agency_code: string; open: number; overdue: number }>(
    `select handling_agency_code as agency_code, count(*)::int as open,
            (count(*) filter (where status <> 'supplement_requested' and due_at < $1))::int as overdue
     from dossier
     where finished_at is null and received_at is not null and status = any($2::text[])
     group by handling_agency_code order by handling_agency_code`,
    [now, OPEN_DOSSIER_STATUSES],
  );
  return res.rows.map((r) => ({ agencyCode: r.agency_code, open: r.open, overdue: r.overdue }));
}

/** When the newest stored dossier changed at its source, or null when none is stored. */
export async function dossierDataUpdatedAt(db: Queryable, sourceSystem: string): Promise<Date | null> {
  const res = await db.query<{ at: Date | null }>('select max(source_updated_at) as at from dossier where source_system = $1', [
    sourceSystem,
  ]);
  return res.rows[0]?.at ?? null;
}

/**
 * Moves the checkpoint's `last_success_at` to `at` (never back) without touching the cursor: a pull that came back
 * with nothing new is still a successful pull (domain.md §3.5, rule SRC-01). No checkpoint yet: nothing to stamp.
 */
export async function stampCheckpointSuccess(db: Queryable, sourceSystem: string, at: Date): Promise<void> {
  await db.query('update ingest_checkpoint set last_success_at = greatest(last_success_at, $2) where source = $1', [sourceSystem, at]);
}
