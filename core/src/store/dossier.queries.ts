import type { Db, Queryable } from './db';
import type { Dossier } from '../contracts/dossier';

import { OPEN_DOSSIER_STATUSES } from '../contracts/dossier';
import { visitDossierContributions, type ContributionVisitor } from '../kpi/dossier-counters';
import type { DayCounterRow, OpenCounterRow } from '../kpi/wall-kpis';
import { quarantineRecords, type RejectedRecord } from './quarantine.queries';
import { copyCsvField, copyCsvRows } from './copy-csv';
import { loadUnitValidity, unitCodeProblem } from './unit-validity.queries';
import { renderMessage } from '../errors/render-message';
import { finishSourceWrite } from './source-write.queries';

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
const STORED_COLUMNS = ['source_system', ...DOSSIER_FIELD_NAMES];

/**
 * Moves the stored state of dossiers a batch replaces into the history, in one statement: the row leaves `dossier`
 * (the new version is copied in after) and keeps the `ingested_at` of the version it holds.
 */
const SUPERSEDE_DOSSIERS = `
  with moved as (
    delete from dossier where source_system = $1 and source_id = any($2::text[]) returning *
  )
  insert into dossier_superseded select * from moved`;

const ROLLUP_COLUMNS = ['bucket', 'handling_agency_code', 'unit_code', 'received', 'received_online', 'finished', 'finished_on_time'];

type StoredState = Pick<
  Dossier,
  'source_id' | 'version' | 'status' | 'received_at' | 'finished_at' | 'due_at' | 'channel' | 'handling_agency_code' | 'unit_code'
>;

export interface DossierWriteResult {
  /** Versions newer than what was stored: written, counted. */
  accepted: number;
  /** Versions already stored or older (a replay, a duplicate, an out-of-order update): changed nothing. */
  unchanged: number;
  /** Records whose unit code the register does not know at their date: quarantined with the reason, not written. */
  refused: number;
  /** Those records' ids and reasons (a quarantine replay leaves them waiting). */
  refusals: { sourceId: string; reason: string }[];
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
 * Writes one batch of validated dossiers in one transaction: every new version kept (older or equal versions change
 * nothing), the per-minute counters by the difference between the old
 * and new state, and the source's checkpoint. A crash anywhere leaves either all of it or none; replaying the batch
 * afterwards is a no-op. This is what makes ingestion exactly-once on top of at-least-once delivery.
 * `rejected` records of the same pull go to quarantine in the same transaction, so the checkpoint never passes a
 * bad record that was not kept.
 *
 * A record whose `unit_code` names no unit on its date (`unitDateOf`) goes to quarantine with a reason a person can
 * act on (the message of `unit.codeExpired` and the like, in Vietnamese); the rest of the batch lands.
 *
 * The newest version of each dossier is copied into `dossier` and the state it replaces moves into the history
 * (`dossier_superseded`); a version replaced within the same batch goes straight to the history. The stored rows are
 * locked first (`for update`, in `source_id` order, so two writers lock in one order), which makes the version
 * check final. Two writers racing on the same new dossier both find nothing to lock: the later COPY fails on the key
 * and rolls back, and its retry finds the dossier stored and counts only the difference.
 */
export async function writeDossierBatch(
  db: Db,
  sourceSystem: string,
  records: readonly Dossier[],
  checkpoint: Checkpoint | null,
  rejected: readonly RejectedRecord[] = [],
): Promise<DossierWriteResult> {
  return db.transaction(async (tx) => {
    // Both reads are sent at once (`pg` sends the second when the first is answered). Every id of the batch is
    // locked, a refused record's too: locking a row this batch leaves alone changes nothing, and waiting for the unit
    // check first would put a round trip in which neither side works.
    const validityQuery = inFlight(loadUnitValidity(tx, [...new Set(records.map((r) => r.unit_code))]));
    const storedQuery = inFlight(
      tx.query<StoredState>(
        `select source_id, version, status, received_at, finished_at, due_at, channel, handling_agency_code, unit_code
         from dossier where source_system = $1 and source_id = any($2::text[]) order by source_id for update`,
        [sourceSystem, [...new Set(records.map((r) => r.source_id))]],
      ),
    );
    const validity = await validityQuery;
    const refused: RejectedRecord[] = [];
    const usable: Dossier[] = [];
    for (const rec of records) {
      const problem = unitCodeProblem(validity, rec.unit_code, unitDateOf(rec));
      if (problem) refused.push({ sourceId: rec.source_id, raw: rec, reason: `unit_code: ${renderMessage(problem, 'vi')}` });
      else usable.push(rec);
    }
    const stored = await storedQuery;
    const current = new Map<string, StoredState>(stored.rows.map((r) => [r.source_id, r]));
    const newest = new Map<string, Dossier>();
    const replacedInBatch: Dossier[] = [];
    const transitions: { before: StoredState | Dossier | null; after: Dossier }[] = [];
    const agencies = new Set<string>();
    let dataUpdatedAt: Date | null = null;
    let unchanged = 0;

    for (const rec of usable) {
      const inBatch = newest.get(rec.source_id);
      const before = inBatch ?? current.get(rec.source_id) ?? null;
      if (before && Number(before.version) >= rec.version) {
        unchanged += 1;
        continue;
      }
      if (before) agencies.add(before.handling_agency_code);
      agencies.add(rec.handling_agency_code);
      transitions.push({ before, after: rec });
      if (inBatch) replacedInBatch.push(inBatch);
      newest.set(rec.source_id, rec);
      if (!dataUpdatedAt || rec.source_updated_at > dataUpdatedAt) dataUpdatedAt = rec.source_updated_at;
    }

    const rollup = new RollupAccumulator();
    if (transitions.length > 0) {
      const replaced = [...newest.keys()].filter((id) => current.has(id));
      if (replaced.length > 0) await tx.query(SUPERSEDE_DOSSIERS, [sourceSystem, replaced]);
      // COPY at every batch size: measured as fast as a multi-row parameterised insert at 1 to 10 rows a batch and
      // faster from 20 (2,100 against 1,300 rows/s at 20). Sorted by id: two writers inserting the same new dossiers
      // meet on the first one instead of deadlocking. The rows are encoded a piece at a time as the COPY takes them,
      // so the server loads one piece while this thread encodes the next, and the counters are folded while it loads
      // the last (bench:ingest: encoding first, then copying, left each side idle half the time).
      const rows = [...newest.values()].sort((a, b) => (a.source_id < b.source_id ? -1 : a.source_id > b.source_id ? 1 : 0));
      await tx.copyFromCsv(
        'dossier',
        STORED_COLUMNS,
        csvPieces(rows, [sourceSystem], () => {
          for (const { before, after } of transitions) {
            if (before) rollup.add(before, -1);
            rollup.add(after, 1);
          }
        }),
      );
      if (replacedInBatch.length > 0)
        await tx.copyFromCsv('dossier_superseded', STORED_COLUMNS, copyCsvRows(replacedInBatch, DOSSIER_FIELD_NAMES, [sourceSystem]));
    }
    const deltas = rollup.csv();
    if (deltas) await tx.copyFromCsv('dossier_rollup_minute', ROLLUP_COLUMNS, deltas);
    await quarantineRecords(tx, sourceSystem, [...rejected, ...refused]);
    const result = {
      accepted: transitions.length,
      unchanged,
      refused: refused.length,
      refusals: refused.map((r) => ({ sourceId: r.sourceId!, reason: r.reason })),
      agencyCodes: [...agencies].sort(),
      dataUpdatedAt,
    };
    await finishSourceWrite(tx, sourceSystem, { kind: 'dossier', cursor: checkpoint, ...result });
    return result;
  });
}

/** Rows per piece of a streamed COPY: about 100 kB of dossiers, small enough to overlap, large enough to be cheap. */
const COPY_PIECE_ROWS = 100;

/**
 * `rows` as COPY CSV, `COPY_PIECE_ROWS` at a time; `afterLast` runs once the last piece is handed over. Async with no
 * await on purpose: `Readable.from` pushes each piece of an async iterator as it comes, so the piece is on its way to
 * the server before the next is encoded; from a sync iterator it would encode a whole buffer of pieces first.
 */
// eslint-disable-next-line @typescript-eslint/require-await
async function* csvPieces(rows: readonly Dossier[], prefix: readonly unknown[], afterLast: () => void): AsyncGenerator<string> {
  for (let start = 0; start < rows.length; start += COPY_PIECE_ROWS)
    yield copyCsvRows(rows.slice(start, start + COPY_PIECE_ROWS), DOSSIER_FIELD_NAMES, prefix);
  afterLast();
}

/** `promise`, marked handled until it is awaited: a throw in the work done meanwhile must not leave it unhandled. */
function inFlight<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

/** The day a dossier's unit code must be valid on: when it was received, else submitted, else its last change. */
function unitDateOf(d: Dossier): Date {
  return d.received_at ?? d.submitted_at ?? d.status_changed_at;
}

type CounterSource = Parameters<typeof visitDossierContributions>[0];

interface CounterRow {
  bucketMilliseconds: number;
  agencyCode: string;
  unitCode: string;
  received: number;
  receivedOnline: number;
  finished: number;
  finishedOnTime: number;
}

/**
 * The batch's change to the per-minute counters, summed per (minute, agency, unit) as the versions are applied:
 * a dossier that moved from `before` to `after` takes `before`'s contributions off and adds `after`'s. Rows that sum
 * to nothing are not written. Rows are found through agency, then commune, then minute: no key string is built per
 * contribution.
 */
class RollupAccumulator {
  private readonly rows = new Map<string, Map<string, Map<number, CounterRow>>>();
  private byMinute = new Map<number, CounterRow>();
  private state: CounterSource | null = null;
  private sign: 1 | -1 = 1;

  add(state: CounterSource, sign: 1 | -1): void {
    let byUnit = this.rows.get(state.handling_agency_code);
    if (!byUnit) this.rows.set(state.handling_agency_code, (byUnit = new Map<string, Map<number, CounterRow>>()));
    let byMinute = byUnit.get(state.unit_code);
    if (!byMinute) byUnit.set(state.unit_code, (byMinute = new Map<number, CounterRow>()));
    this.byMinute = byMinute;
    this.state = state;
    this.sign = sign;
    visitDossierContributions(state, this.visit);
  }

  private readonly visit: ContributionVisitor = (bucketMilliseconds, received, receivedOnline, finished, finishedOnTime) => {
    let row = this.byMinute.get(bucketMilliseconds);
    if (!row) {
      const { handling_agency_code: agencyCode, unit_code: unitCode } = this.state!;
      row = { bucketMilliseconds, agencyCode, unitCode, received: 0, receivedOnline: 0, finished: 0, finishedOnTime: 0 };
      this.byMinute.set(bucketMilliseconds, row);
    }
    row.received += this.sign * received;
    row.receivedOnline += this.sign * receivedOnline;
    row.finished += this.sign * finished;
    row.finishedOnTime += this.sign * finishedOnTime;
  };

  /** The non-zero rows as COPY CSV lines (`ROLLUP_COLUMNS`). */
  csv(): string {
    let out = '';
    for (const byUnit of this.rows.values())
      for (const byMinute of byUnit.values())
        for (const r of byMinute.values()) {
          if (!(r.received || r.receivedOnline || r.finished || r.finishedOnTime)) continue;
          out += `${new Date(r.bucketMilliseconds).toISOString()},${copyCsvField(r.agencyCode)},${copyCsvField(r.unitCode)},`;
          out += `${r.received},${r.receivedOnline},${r.finished},${r.finishedOnTime}\n`;
        }
    return out;
  }
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
