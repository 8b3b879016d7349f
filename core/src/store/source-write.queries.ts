import type { Queryable } from './db';
import type { DataKind } from './data-version.queries';
import type { ChangeNotice } from '../contracts/bus';
import { renderMessage } from '../errors/render-message';
import type { RejectedRecord } from './quarantine.queries';
import { loadUnitValidity, unitCodeProblem } from './unit-validity.queries';

/**
 * Pieces every source writer shares (dossiers, documents, projects, the KPI feed): the end of the write (checkpoint,
 * data version, change notice) in the data's transaction, and the counter deltas folded per rollup row.
 */

/** A source's cursor: the (source_updated_at, source_id) of the last record it covers. */
export interface SourceCursor {
  updatedSince: string;
  afterId: string;
}

/** The NOTIFY channel on which every committed write announces what changed (payload: a `ChangeNotice`). */
export const CHANGE_CHANNEL = 'ioc_changes';

// One statement, one round trip, for what used to be three (at a batch of one dossier, a round trip is a tenth of
// the write). Data-modifying CTEs run whether or not the outer select reads them; each `where` leaves out the part
// this write has no use for. Same effect as the three statements: the checkpoint upsert, the data version raised
// (`bumpDataVersion`), the notice, all taking effect only if and when the caller's transaction commits.
const FINISH_WRITE = `
  with checkpoint as (
    insert into ingest_checkpoint (source, cursor_updated_at, cursor_id, last_success_at, records_total)
    select $1, $2::timestamptz, $3, now(), $4 where $2::timestamptz is not null
    on conflict (source) do update set cursor_updated_at = excluded.cursor_updated_at, cursor_id = excluded.cursor_id,
      last_success_at = excluded.last_success_at, records_total = ingest_checkpoint.records_total + excluded.records_total
  ), version as (
    insert into store_data_version (source, version, kind) select $1, 1, $6 where $5::text is not null
    on conflict (source) do update set version = store_data_version.version + 1, kind = excluded.kind
  )
  select pg_notify('${CHANGE_CHANNEL}', $5::text) where $5::text is not null`;

/**
 * Ends a source's write in the caller's transaction (the one that wrote the records): where the pull stands
 * (`cursor`, when the write covers one), and, when records were accepted (`dataUpdatedAt` set), the source's data
 * version raised and a `ChangeNotice` on CHANGE_CHANNEL. Listeners get the notice only if the transaction commits:
 * a notice never announces lost data.
 */
export async function finishSourceWrite(
  tx: Queryable,
  source: string,
  o: { kind: DataKind; cursor: SourceCursor | null; accepted: number; agencyCodes: Iterable<string>; dataUpdatedAt: Date | null },
): Promise<void> {
  if (!o.cursor && !o.dataUpdatedAt) return;
  const notice: ChangeNotice | null = o.dataUpdatedAt
    ? {
        source,
        agencyCodes: [...new Set(o.agencyCodes)].sort(),
        dataUpdatedAt: o.dataUpdatedAt.toISOString(),
        committedAt: new Date().toISOString(),
      }
    : null;
  await tx.query(FINISH_WRITE, [
    source,
    o.cursor?.updatedSince ?? null,
    o.cursor?.afterId ?? null,
    o.accepted,
    notice ? JSON.stringify(notice) : null,
    o.kind,
  ]);
}

/** What one record version adds to one rollup row: its key columns and its counters. */
export interface CounterContribution {
  bucket: Date;
  key: Readonly<Record<string, string>>;
  counters: Readonly<Record<string, number>>;
}

/**
 * The rollup change of replacing each `before` state by its `after` state: the after contributions added, the
 * before ones subtracted, folded per row, rows with nothing left dropped, sorted by key (two writers lock rows in one
 * order and never deadlock). Exact whatever order versions arrive in, since a state's contribution is a function
 * of the state alone.
 */
export function foldContributions(
  added: readonly CounterContribution[],
  removed: readonly CounterContribution[],
): Array<Record<string, string | number>> {
  const rows = new Map<string, Record<string, string | number>>();
  const apply = (c: CounterContribution, sign: 1 | -1) => {
    const bucket = c.bucket.toISOString();
    const id = `${bucket}|${Object.values(c.key).join('|')}`;
    const row = rows.get(id) ?? { bucket, ...c.key };
    for (const [name, n] of Object.entries(c.counters)) row[name] = ((row[name] as number | undefined) ?? 0) + sign * n;
    rows.set(id, row);
  };
  for (const c of added) apply(c, 1);
  for (const c of removed) apply(c, -1);
  return [...rows.entries()]
    .filter(([, row]) => Object.values(row).some((v) => typeof v === 'number' && v !== 0))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, row]) => row);
}

/** The minute an instant falls in (rollup buckets are whole UTC minutes, which are whole province minutes too). */
export const minuteOf = (at: Date): Date => new Date(Math.floor(at.getTime() / 60_000) * 60_000);

/** A record of any source: what idempotency and the cursor need. */
export interface VersionedRecord {
  source_id: string;
  version: number;
  source_updated_at: Date;
}

/** An administrative unit code a record names: the date it must be valid on, and where it sits (`unit_codes.1`). */
export interface RecordUnitCode {
  code: string;
  at: Date;
  field: string;
}

/** How one source system's batch is stored; `writeVersionedBatch` does the rest. */
export interface VersionedBatchSpec<T extends VersionedRecord, S extends { version: number | string }> {
  /** The stored state of these ids, locked for the transaction (`for update`, in id order). */
  readBefore(tx: Queryable, source: string, ids: readonly string[]): Promise<Map<string, S>>;
  /** Stores the newest accepted version per id, and every accepted version into the history. */
  writeAccepted(tx: Queryable, source: string, newest: readonly T[], accepted: readonly T[]): Promise<void>;
  /** What a state contributes to the per-minute counters (stored or incoming: the same function). */
  contributions(state: S | T): CounterContribution[];
  /** What the change itself adds (an event, e.g. a project's monthly update), never subtracted later. */
  eventContributions?(before: S | T | undefined, after: T): CounterContribution[];
  /** Agencies whose counters a state touches, for the change notice. */
  agenciesOf(state: S | T): string[];
  /**
   * The unit codes a record names, each dated by the record's event (received, issued, updated): a record naming one
   * that the unit register does not know on that date is refused, as the dossier writer refuses it. Agency codes are
   * not listed: the register holds no agencies with validity.
   */
  unitCodesOf?(record: T): RecordUnitCode[];
  /** `insert … select … from jsonb_to_recordset($1::jsonb) … on conflict do update set c = c + excluded.c`. */
  addRollupSql: string;
}

/** One record refused for its unit codes: its place in the batch, and one problem per code. */
export interface UnitCodeRefusal {
  /** Index of the record in the batch given to the writer. */
  index: number;
  sourceId: string;
  /** Each problem's field and its message in Vietnamese (the reason a person acts on at the source). */
  problems: { field: string; message: string }[];
  /** The problems as one line, `unit_codes.0: Mã đơn vị 05449 … ; …`: the quarantine's reason. */
  reason: string;
}

export interface VersionedWriteResult {
  /** Versions newer than what was stored: written, counted. */
  accepted: number;
  /** Versions already stored or older (a replay, a duplicate, an out-of-order update): changed nothing. */
  unchanged: number;
  /** Records naming a unit code not valid on their date: not written (the caller quarantines them). */
  refused: number;
  refusals: UnitCodeRefusal[];
  agencyCodes: string[];
  /** Newest `source_updated_at` among the accepted records. */
  dataUpdatedAt: Date | null;
}

/**
 * One batch in one transaction: newest state per id (an older or equal version changes nothing), the history and the
 * per-minute counters by the difference between the stored and the new state. Records naming a unit code not valid
 * on their date (`spec.unitCodesOf`) are left out and returned in `refusals`, whatever their version, so that a
 * redelivery is refused again; the caller quarantines them with the batch's other rejects and saves the checkpoint.
 * Replaying a batch is a no-op; a crash leaves all of it or none.
 */
export async function writeVersionedBatch<T extends VersionedRecord, S extends { version: number | string }>(
  tx: Queryable,
  spec: VersionedBatchSpec<T, S>,
  source: string,
  batch: readonly T[],
): Promise<VersionedWriteResult> {
  const refusals = await unitCodeRefusals(
    tx,
    batch,
    batch.map((r) => spec.unitCodesOf?.(r) ?? []),
  );
  const refusedIndexes = new Set(refusals.map((r) => r.index));
  const records = refusedIndexes.size > 0 ? batch.filter((_, i) => !refusedIndexes.has(i)) : batch;
  const ids = [...new Set(records.map((r) => r.source_id))].sort();
  const stored = ids.length > 0 ? await spec.readBefore(tx, source, ids) : new Map<string, S>();
  const current = new Map<string, S | T>(stored);
  const newest = new Map<string, T>();
  const accepted: T[] = [];
  const added: CounterContribution[] = [];
  const removed: CounterContribution[] = [];
  const agencies = new Set<string>();
  let dataUpdatedAt: Date | null = null;
  for (const rec of records) {
    const before = current.get(rec.source_id);
    if (before && Number(before.version) >= rec.version) continue;
    if (before) {
      removed.push(...spec.contributions(before));
      for (const a of spec.agenciesOf(before)) agencies.add(a);
    }
    added.push(...spec.contributions(rec));
    if (spec.eventContributions) added.push(...spec.eventContributions(before, rec));
    for (const a of spec.agenciesOf(rec)) agencies.add(a);
    current.set(rec.source_id, rec);
    newest.set(rec.source_id, rec);
    accepted.push(rec);
    if (!dataUpdatedAt || rec.source_updated_at > dataUpdatedAt) dataUpdatedAt = rec.source_updated_at;
  }
  if (accepted.length > 0) await spec.writeAccepted(tx, source, [...newest.values()], accepted);
  const rows = foldContributions(added, removed);
  if (rows.length > 0) await tx.query(spec.addRollupSql, [JSON.stringify(rows)]);
  return {
    accepted: accepted.length,
    unchanged: records.length - accepted.length,
    refused: refusals.length,
    refusals,
    agencyCodes: [...agencies].sort(),
    dataUpdatedAt,
  };
}

/** The records of `batch` whose `named` codes the register does not know on their date (one register read, if any). */
async function unitCodeRefusals(
  tx: Queryable,
  batch: readonly VersionedRecord[],
  named: readonly RecordUnitCode[][],
): Promise<UnitCodeRefusal[]> {
  const codes = [...new Set(named.flat().map((u) => u.code))];
  if (codes.length === 0) return [];
  const validity = await loadUnitValidity(tx, codes);
  const refusals: UnitCodeRefusal[] = [];
  named.forEach((units, index) => {
    const problems = units.flatMap(({ code, at, field }) => {
      const problem = unitCodeProblem(validity, code, at);
      return problem ? [{ field, message: renderMessage(problem, 'vi') }] : [];
    });
    if (problems.length === 0) return;
    const reason = problems.map((p) => `${p.field}: ${p.message}`).join('; ');
    refusals.push({ index, sourceId: batch[index]!.source_id, problems, reason });
  });
  return refusals;
}

/** The refused records as quarantine entries: the stored record as the payload, so that a replay reads it back. */
export function refusedRecords<T extends VersionedRecord>(batch: readonly T[], refusals: readonly UnitCodeRefusal[]): RejectedRecord[] {
  return refusals.map((r) => ({ sourceId: r.sourceId, raw: batch[r.index], reason: r.reason }));
}

/** `insert … on conflict (source_system, source_id) do update … where version is newer`, from a column list. */
export function upsertStateSql(table: string, columns: ReadonlyArray<readonly [string, string]>): string {
  const names = columns.map(([c]) => c).join(', ');
  const shape = columns.map(([c, t]) => `${c} ${t}`).join(', ');
  const set = columns
    .filter(([c]) => c !== 'source_id')
    .map(([c]) => `${c} = excluded.${c}`)
    .join(', ');
  return `insert into ${table} (source_system, ${names})
    select $1, ${names} from jsonb_to_recordset($2::jsonb) as x(${shape})
    on conflict (source_system, source_id) do update set ${set}, ingested_at = now()
    where ${table}.version < excluded.version`;
}

/** `insert into <table> … on conflict (bucket, keys) do update set c = <table>.c + excluded.c`. */
export function addRollupSql(
  table: string,
  keys: ReadonlyArray<readonly [string, string]>,
  counters: readonly string[],
  counterType = 'integer',
): string {
  const cols = ['bucket', ...keys.map(([k]) => k), ...counters];
  const shape = ['bucket timestamptz', ...keys.map(([k, t]) => `${k} ${t}`), ...counters.map((c) => `${c} ${counterType}`)].join(', ');
  return `insert into ${table} (${cols.join(', ')})
    select ${cols.map((c) => (counters.includes(c) ? `coalesce(${c}, 0)` : c)).join(', ')} from jsonb_to_recordset($1::jsonb) as x(${shape})
    on conflict (bucket, ${keys.map(([k]) => k).join(', ')}) do update set
    ${counters.map((c) => `${c} = ${table}.${c} + excluded.${c}`).join(', ')}`;
}
