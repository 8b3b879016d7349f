import type { Db, Queryable } from './db';
import { keysCondition, listEntityVersions, type EntityVersion, type RowScope, type VersionedRow } from './entity-versions';
import type { OfficialDocument } from '../contracts/document';
import type { WorkingCalendar } from '../calendar/working-calendar';
import { documentRegistrationDueAt } from '../kpi/document-timing';
import { ZERO_DOCUMENT_COUNTERS, type DocumentKpiCounters } from '../kpi/document-kpis';
import type { SlaDocument } from '../sla/evaluate-document-rules';
import { quarantineRecords, type RejectedRecord } from './quarantine.queries';
import {
  addRollupSql,
  minuteOf,
  finishSourceWrite,
  refusedRecords,
  upsertStateSql,
  writeVersionedBatch,
  type CounterContribution,
  type RecordUnitCode,
  type SourceCursor,
  type VersionedBatchSpec,
  type VersionedWriteResult,
} from './source-write.queries';

const DOCUMENT_COLUMNS: ReadonlyArray<readonly [keyof OfficialDocument, string]> = [
  ['source_id', 'text'],
  ['version', 'bigint'],
  ['source_updated_at', 'timestamptz'],
  ['direction', 'text'],
  ['agency_code', 'text'],
  ['register_number', 'integer'],
  ['number_symbol', 'text'],
  ['document_type', 'text'],
  ['issuer_name', 'text'],
  ['issued_date', 'date'],
  ['summary', 'text'],
  ['urgency', 'text'],
  ['esign_exempt', 'boolean'],
  ['received_via', 'text'],
  ['received_at', 'timestamptz'],
  ['registered_at', 'timestamptz'],
  ['assigned_at', 'timestamptz'],
  ['completed_at', 'timestamptz'],
  ['deadline_at', 'timestamptz'],
  ['lead_unit_code', 'text'],
  ['assignee_ref', 'text'],
  ['status', 'text'],
  ['digitised', 'boolean'],
  ['original_file_attached', 'boolean'],
  ['esigned', 'boolean'],
  ['signed_at', 'timestamptz'],
  ['issued_at', 'timestamptz'],
  ['sent_electronically', 'boolean'],
  ['paper_copy_sent', 'boolean'],
  ['backfilled_after_outage', 'boolean'],
  ['case_file_id', 'text'],
];

/** The fields the counters depend on: what is read back of a stored document to subtract its contribution. */
const COUNTED_FIELDS = [
  'source_id',
  'version',
  'direction',
  'agency_code',
  'urgency',
  'status',
  'received_at',
  'registered_at',
  'completed_at',
  'deadline_at',
  'issued_at',
  'esign_exempt',
  'esigned',
  'sent_electronically',
] as const;
type CountedDocument = Pick<OfficialDocument, (typeof COUNTED_FIELDS)[number]>;

const ROLLUP_COUNTERS = [
  'received',
  'registered_on_time',
  'completed_with_deadline',
  'completed_on_time',
  'issued',
  'issued_exempt',
  'issued_signed',
  'issued_electronically',
] as const;

const UPSERT_DOCUMENTS = upsertStateSql('document', DOCUMENT_COLUMNS);
const INSERT_EVENTS = `
  insert into document_event (source_system, source_id, version, source_updated_at, status, payload)
  select $1, x.source_id, x.version, x.source_updated_at, x.status, x.payload
  from jsonb_to_recordset($2::jsonb) as x(source_id text, version bigint, source_updated_at timestamptz, status text, payload jsonb)
  on conflict do nothing`;

/**
 * What one document state adds to the per-minute counters of core/src/kpi/document-kpis.ts, each in the minute of
 * its milestone: V6 at reception [003 Art 7.1; NĐ 30/2020 Art 4.2.c], V1 at completion [003 Art 9.1], V4/V5 at issue
 * [003 Art 3.5, 5, 6]. A recalled document no longer counts as issued.
 */
export function documentContributions(cal: WorkingCalendar, d: CountedDocument): CounterContribution[] {
  const key = { agency_code: d.agency_code };
  const out: CounterContribution[] = [];
  if (d.direction === 'incoming' && d.received_at) {
    const due = documentRegistrationDueAt(cal, d.received_at, d.urgency);
    const onTime = d.registered_at !== null && d.registered_at.getTime() <= due.getTime();
    out.push({ bucket: minuteOf(d.received_at), key, counters: { received: 1, registered_on_time: onTime ? 1 : 0 } });
  }
  if (d.direction === 'incoming' && d.status === 'completed' && d.completed_at && d.deadline_at) {
    const onTime = d.completed_at.getTime() <= d.deadline_at.getTime();
    out.push({ bucket: minuteOf(d.completed_at), key, counters: { completed_with_deadline: 1, completed_on_time: onTime ? 1 : 0 } });
  }
  if (d.direction === 'outgoing' && d.status === 'issued' && d.issued_at) {
    out.push({
      bucket: minuteOf(d.issued_at),
      key,
      counters: {
        issued: 1,
        issued_exempt: d.esign_exempt ? 1 : 0,
        issued_signed: d.esigned && !d.esign_exempt ? 1 : 0,
        issued_electronically: d.sent_electronically ? 1 : 0,
      },
    });
  }
  return out;
}

/** A commune code as QĐ 19/2025/QĐ-TTg writes it (5 digits); agency codes carry letters (`SYT`, `UBND-05443`). */
const COMMUNE_CODE = /^\d{5}$/;

/**
 * The unit codes a document names: its lead unit when the source names it by commune code. `agency_code` and a lead
 * unit named by agency code are not checked: the unit register holds no agencies with validity (domain.md §5.4).
 * Dated by the document's event: received for an incoming one, issued for an outgoing one (else its last change).
 */
export function documentUnitCodes(d: OfficialDocument): RecordUnitCode[] {
  if (d.lead_unit_code === null || !COMMUNE_CODE.test(d.lead_unit_code)) return [];
  const at = d.direction === 'incoming' ? (d.received_at ?? d.source_updated_at) : (d.issued_at ?? d.source_updated_at);
  return [{ code: d.lead_unit_code, at, field: 'lead_unit_code' }];
}

function documentSpec(cal: WorkingCalendar): VersionedBatchSpec<OfficialDocument, CountedDocument> {
  return {
    async readBefore(tx, source, ids) {
      const res = await tx.query<CountedDocument>(
        `select ${COUNTED_FIELDS.join(', ')} from document where source_system = $1 and source_id = any($2::text[])
         order by source_id for update`,
        [source, ids],
      );
      return new Map(res.rows.map((r) => [r.source_id, r]));
    },
    async writeAccepted(tx, source, newest, accepted) {
      await tx.query(UPSERT_DOCUMENTS, [source, JSON.stringify(newest)]);
      const events = accepted.map((e) => ({
        source_id: e.source_id,
        version: e.version,
        source_updated_at: e.source_updated_at,
        status: e.status,
        payload: e,
      }));
      await tx.query(INSERT_EVENTS, [source, JSON.stringify(events)]);
    },
    contributions: (d) => documentContributions(cal, d),
    agenciesOf: (d) => [d.agency_code],
    unitCodesOf: documentUnitCodes,
    addRollupSql: addRollupSql('document_rollup_minute', [['agency_code', 'text']], ROLLUP_COUNTERS),
  };
}

/**
 * Writes one batch of validated documents in one transaction: state (newest version wins), history, per-minute
 * counters, the quarantined records of the same pull, and the checkpoint. Replaying a batch changes nothing.
 * A document whose lead unit code is not valid on its date (`documentUnitCodes`) goes to quarantine with the reason
 * in Vietnamese, naming the successor code; the rest of the batch lands.
 */
export async function writeDocumentBatch(
  db: Db,
  calendar: WorkingCalendar,
  source: string,
  records: readonly OfficialDocument[],
  checkpoint: SourceCursor | null,
  rejected: readonly RejectedRecord[] = [],
): Promise<VersionedWriteResult> {
  return db.transaction(async (tx) => {
    const result = await writeVersionedBatch(tx, documentSpec(calendar), source, records);
    await quarantineRecords(tx, source, [...rejected, ...refusedRecords(records, result.refusals)]);
    await finishSourceWrite(tx, source, { kind: 'document', cursor: checkpoint, ...result });
    return result;
  });
}

/**
 * The document KPI counters per agency: the flow counters over [from, to) from the per-minute rollup, and V2 (open
 * incoming documents past their deadline) at `now` from the open documents, since it moves with the clock alone.
 */
export async function documentCounters(db: Queryable, from: Date, to: Date, now: Date): Promise<Map<string, DocumentKpiCounters>> {
  const flows = await db.query<Record<(typeof ROLLUP_COUNTERS)[number], number> & { agency_code: string }>(
    `select agency_code, ${ROLLUP_COUNTERS.map((c) => `sum(${c})::int as ${c}`).join(', ')}
     from document_rollup_minute where bucket >= $1 and bucket < $2 group by agency_code`,
    [from, to],
  );
  const open = await db.query<{ agency_code: string; overdue: number }>(
    `select agency_code, count(*)::int as overdue from document
     where direction = 'incoming' and completed_at is null and status <> 'returned' and deadline_at < $1
     group by agency_code`,
    [now],
  );
  const out = new Map<string, DocumentKpiCounters>();
  const of = (agency: string) => out.get(agency) ?? out.set(agency, { ...ZERO_DOCUMENT_COUNTERS }).get(agency)!;
  for (const r of flows.rows)
    Object.assign(of(r.agency_code), {
      received: r.received,
      registeredOnTime: r.registered_on_time,
      completedWithDeadline: r.completed_with_deadline,
      completedOnTime: r.completed_on_time,
      issued: r.issued,
      issuedExempt: r.issued_exempt,
      issuedSigned: r.issued_signed,
      issuedElectronically: r.issued_electronically,
    });
  for (const r of open.rows) of(r.agency_code).openOverdue = r.overdue;
  return out;
}

/**
 * V3's inputs: incoming documents completed in [from, to) that had been assigned, per agency, for
 * `documentHandlingWorkingMinutes` and `workingDurationStats`. A report query (it reads the state table, not a
 * rollup: a median cannot be summed per minute); the wall shows V1/V2/V4–V6.
 */
export async function documentHandlingMilestones(
  db: Queryable,
  from: Date,
  to: Date,
): Promise<{ agencyCode: string; assigned_at: Date; completed_at: Date }[]> {
  const res = await db.query<{ agency_code: string; assigned_at: Date; completed_at: Date }>(
    `select agency_code, assigned_at, completed_at from document
     where direction = 'incoming' and status = 'completed' and assigned_at is not null and completed_at >= $1 and completed_at < $2
     order by agency_code, completed_at`,
    [from, to],
  );
  return res.rows.map((r) => ({ agencyCode: r.agency_code, assigned_at: r.assigned_at, completed_at: r.completed_at }));
}

/** Open incoming documents with a deadline by $1. */
const SLA_DOCUMENT_WHERE = `direction = 'incoming' and completed_at is null and status <> 'returned' and deadline_at <= $1::timestamptz`;

/**
 * The open incoming documents the SLA rules can need (`documentReadPlan`): a deadline by `deadlineBefore`. Read
 * through the partial index `document_open_by_agency`, so the read follows the open backlog, not all history.
 * With `deadlineAfter`: only those with a deadline in `(deadlineAfter, deadlineBefore]`, for a reader that extends a
 * read it keeps while nothing was written.
 */
export async function readSlaDocuments(
  db: Queryable,
  plan: { deadlineBefore: Date | null },
  signal?: AbortSignal,
  deadlineAfter: Date | null = null,
): Promise<SlaDocument[]> {
  return (await readSlaDocumentRows(db, plan, { after: deadlineAfter }, signal)).map((r) => r.row);
}

/** `readSlaDocuments` with each row's version, of the rows `scope` names (`after`: `deadlineAfter`). */
export async function readSlaDocumentRows(
  db: Queryable,
  plan: { deadlineBefore: Date | null },
  scope: RowScope,
  signal?: AbortSignal,
): Promise<VersionedRow<SlaDocument>[]> {
  if (plan.deadlineBefore === null) return [];
  const params: unknown[] = [plan.deadlineBefore, scope.after ?? null];
  const keys = keysCondition(scope.keys, params.length);
  const res = await db.query<SlaDocument & { version: string }>(
    `select source_system, source_id, version, direction, agency_code, urgency, status, deadline_at, completed_at from document
     where ${SLA_DOCUMENT_WHERE} and ($2::timestamptz is null or deadline_at > $2::timestamptz)${keys.sql}`,
    [...params, ...keys.params],
    { signal },
  );
  return res.rows.map(({ version, ...row }) => ({ version: Number(version), row }));
}

/** The key and version of each document `readSlaDocuments` would read for `plan`. */
export async function listSlaDocumentVersions(
  db: Queryable,
  plan: { deadlineBefore: Date | null },
  signal?: AbortSignal,
): Promise<EntityVersion[]> {
  if (plan.deadlineBefore === null) return [];
  return listEntityVersions(db, 'document', SLA_DOCUMENT_WHERE, [plan.deadlineBefore], signal);
}
