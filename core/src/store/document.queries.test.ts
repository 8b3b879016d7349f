import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadWorkingCalendar } from '../calendar/load-calendar';
import { DocumentRecord, type DocumentWire } from '../contracts/document';
import { documentOnTimeProcessing, signedShare, timelyRegistration } from '../kpi/document-kpis';
import { documentHandlingWorkingMinutes } from '../kpi/document-timing';
import { workingDurationStats } from '../kpi/working-duration-stats';
import { BACKENDS, makeDocument, openTestDb } from '../testing';
import type { Db } from './db';
import { documentCounters, documentHandlingMilestones, writeDocumentBatch } from './document.queries';
import { listQuarantine } from './quarantine.queries';

const cal = await loadWorkingCalendar();

/** A registered incoming document of STC received Monday 09/03/2026, due Friday 13/03 17:00. */
const incoming = (overrides: Partial<DocumentWire> = {}) =>
  makeDocument({
    agency_code: 'STC',
    summary: 'Về việc báo cáo giải ngân vốn đầu tư công',
    received_via: 'axis',
    registered_at: '2026-03-09T09:00:00+07:00',
    deadline_at: '2026-03-13T17:00:00+07:00',
    status: 'registered',
    ...overrides,
  });

/** A decision of STC issued Tuesday 10/03/2026 10:00, e-signed and sent electronically. */
const outgoing = (overrides: Partial<DocumentWire> = {}) =>
  makeDocument({
    source_updated_at: '2026-03-10T10:00:00+07:00',
    direction: 'outgoing',
    agency_code: 'STC',
    document_type: 'Quyết định',
    summary: 'Quyết định giao kế hoạch vốn',
    received_at: null,
    deadline_at: null,
    status: 'issued',
    issued_at: '2026-03-10T10:00:00+07:00',
    esigned: true,
    signed_at: '2026-03-10T09:50:00+07:00',
    sent_electronically: true,
    ...overrides,
  });

const week = { from: new Date('2026-03-09T00:00:00+07:00'), to: new Date('2026-03-16T00:00:00+07:00') };

describe.each(BACKENDS)('document store on %s', (backend) => {
  let db: Db;
  let dispose: () => Promise<void>;
  beforeAll(async () => ({ db, dispose } = await openTestDb(backend)));
  afterAll(() => dispose());

  it('writeDocumentBatch counts V1, V4, V6 from the newest version only, and a replay changes nothing', async () => {
    const a = incoming({ agency_code: 'SYT' });
    const late = incoming({ agency_code: 'SYT', registered_at: '2026-03-11T08:00:00+07:00' });
    const aDone = DocumentRecord.parse({
      ...JSON.parse(JSON.stringify(a)),
      version: 2,
      source_updated_at: '2026-03-12T10:00:00+07:00',
      status: 'completed',
      assigned_at: '2026-03-09T10:00:00+07:00',
      completed_at: '2026-03-12T10:00:00+07:00',
    });
    const signed = outgoing({ agency_code: 'SYT' });
    const unsigned = outgoing({ agency_code: 'SYT', esigned: false, signed_at: null });
    const exempt = outgoing({ agency_code: 'SYT', esigned: false, signed_at: null, esign_exempt: true });
    const batch = [a, late, aDone, signed, unsigned, exempt];
    const first = await writeDocumentBatch(db, cal, 'qlvb', batch, { updatedSince: '2026-03-12T10:00:00+07:00', afterId: a.source_id });
    expect(first.accepted).toBe(6);
    const counters = (await documentCounters(db, week.from, week.to, new Date('2026-03-12T12:00:00+07:00'))).get('SYT')!;
    expect(counters).toMatchObject({ received: 2, registeredOnTime: 1, completedWithDeadline: 1, completedOnTime: 1, issued: 3 });
    expect(timelyRegistration(counters)).toMatchObject({ numerator: 1, denominator: 2 });
    expect(documentOnTimeProcessing(counters)).toMatchObject({ numerator: 1, denominator: 1 });
    expect(signedShare(counters)).toMatchObject({ numerator: 1, denominator: 2 });

    const rollupBefore = await db.query('select * from document_rollup_minute order by bucket, agency_code');
    const again = await writeDocumentBatch(db, cal, 'qlvb', batch, null);
    expect(again).toMatchObject({ accepted: 0, unchanged: 6 });
    expect((await db.query('select * from document_rollup_minute order by bucket, agency_code')).rows).toEqual(rollupBefore.rows);
    expect((await db.query('select count(*)::int as n from document_event')).rows[0]).toEqual({ n: 6 });
  });

  it('documentHandlingMilestones gives V3 of the completed documents: 1, 2, 2 and 5 working days → mean 2,5, median 2', async () => {
    // Assigned Monday 9 March 08:00; completed 1, 2, 2 and 5 working days later (domain.md §3.3 example).
    const done = ['2026-03-10T08:00:00+07:00', '2026-03-11T08:00:00+07:00', '2026-03-11T08:00:00+07:00', '2026-03-16T08:00:00+07:00'];
    await writeDocumentBatch(
      db,
      cal,
      'qlvb_v3',
      done.map((completed_at) =>
        incoming({
          agency_code: 'SKHCN',
          status: 'completed',
          assigned_at: '2026-03-09T08:00:00+07:00',
          completed_at,
          source_updated_at: completed_at,
        }),
      ),
      null,
    );
    const rows = (await documentHandlingMilestones(db, week.from, new Date('2026-03-17T00:00:00+07:00'))).filter(
      (r) => r.agencyCode === 'SKHCN',
    );
    const stats = workingDurationStats(
      rows.map((r) => documentHandlingWorkingMinutes(cal, r)!),
      cal.minutesPerWorkingDay,
    );
    expect([stats.count, stats.meanDays.value, stats.medianDays.value]).toEqual([4, 2.5, 2]);
  });

  it('documentCounters counts an open incoming document past its deadline as overdue only once the deadline passed', async () => {
    await writeDocumentBatch(db, cal, 'qlvb', [incoming({ agency_code: 'SXD', deadline_at: '2026-03-10T17:00:00+07:00' })], null);
    const before = await documentCounters(db, week.from, week.to, new Date('2026-03-10T16:59:00+07:00'));
    const after = await documentCounters(db, week.from, week.to, new Date('2026-03-10T17:01:00+07:00'));
    expect(before.get('SXD')?.openOverdue).toBe(0);
    expect(after.get('SXD')?.openOverdue).toBe(1);
  });

  it('writeDocumentBatch quarantines rejected records with the good ones and saves the checkpoint', async () => {
    const good = incoming({ agency_code: 'SCT' });
    await writeDocumentBatch(db, cal, 'qlvb_q', [good], { updatedSince: '2026-03-09T09:00:00+07:00', afterId: good.source_id }, [
      { sourceId: 'bad-1', raw: { source_id: 'bad-1', status: 'bogus' }, reason: 'status: Invalid option' },
    ]);
    expect((await listQuarantine(db, { source: 'qlvb_q', limit: 10 })).map((q) => q.sourceId)).toEqual(['bad-1']);
    const cp = await db.query<{ cursor_id: string }>("select cursor_id from ingest_checkpoint where source = 'qlvb_q'");
    expect(cp.rows[0]?.cursor_id).toBe(good.source_id);
  });
});
