import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  loadMetricCatalogue,
  loadRules,
  loadWorkingCalendar,
  readAlertsByDedupKey,
  writeDocumentBatch,
  writeProjectBatch,
  type AlertRule,
  type Db,
  type DocumentWire,
  type ProjectWire,
} from '@ioc/core';
import { BACKENDS, makeDocument, makeProject } from '@ioc/core/testing';
import { createLogger } from '../logging/logger';
import { AlertEngine } from './alert-engine';
import { fakeClock, openAlertTestStore, waitFor, type FakeClock } from './alert-test-support';
import { SoleLeadership } from './leadership';

// The document and project rules in the engine: the store reads only what the rules need, and time alone (the fake
// clock, no new data) brings and ends their alerts.

const metrics = await loadMetricCatalogue();
const calendar = await loadWorkingCalendar();
const shipped = await loadRules(metrics);
const logger = createLogger('silent');
const pick = (...ids: string[]): AlertRule[] => shipped.filter((r) => ids.includes(r.id));

/** An incoming document of STP, registered and assigned on Monday 09/03/2026, due Tuesday 10/03/2026 17:00. */
const assignedDocument = (overrides: Partial<DocumentWire> = {}) =>
  makeDocument({
    agency_code: 'STP',
    summary: 'Về việc rà soát thủ tục hành chính',
    received_via: 'axis',
    received_at: '2026-03-09T08:30:00+07:00',
    registered_at: '2026-03-09T09:00:00+07:00',
    assigned_at: '2026-03-09T10:00:00+07:00',
    deadline_at: '2026-03-10T17:00:00+07:00',
    status: 'assigned',
    ...overrides,
  });

/** An active project of SXD on schedule, last updated 05/02/2026 (in the cycle that closed on 10/02). */
const activeProject = (overrides: Partial<ProjectWire> = {}) =>
  makeProject({
    managing_agency_code: 'SXD',
    stage: 'in_implementation',
    source_updated_at: '2026-02-05T09:00:00+07:00',
    last_update_at: '2026-02-05T09:00:00+07:00',
    ...overrides,
  });

describe.each(BACKENDS)('AlertEngine with document and project rules on %s', (backend) => {
  let db: Db;
  let dispose: () => Promise<void>;
  let clock: FakeClock;
  let engine: AlertEngine | null;

  async function start(rules: readonly AlertRule[], evaluateEveryMilliseconds = 3_600_000): Promise<AlertEngine> {
    engine = new AlertEngine({
      db,
      rules,
      calendar,
      metrics,
      agencyUnitCodes: new Map([
        ['STP', '19'],
        ['SXD', '19'],
      ]),
      clock,
      logger,
      // One process on either backend: leadership itself is tested in alert-leadership.test.ts.
      leadership: new SoleLeadership(),
      evaluateEveryMilliseconds,
      minGapMilliseconds: 20,
    });
    await engine.start();
    return engine;
  }

  const active = async (key: string) =>
    (await readAlertsByDedupKey(db, key)).find((a) => ['pending', 'firing', 'resolving'].includes(a.state));

  beforeEach(async () => {
    ({ db, dispose } = await openAlertTestStore(backend));
    engine = null;
  });

  afterEach(async () => {
    await engine?.stop();
    await dispose();
  });

  it('DOC-01: a document due at 17:00 fires on the clock alone, and resolves once completed', async () => {
    clock = fakeClock('2026-03-10T16:59:59+07:00');
    const due = assignedDocument();
    const later = assignedDocument({ deadline_at: '2026-03-20T17:00:00+07:00' });
    const done = assignedDocument({ status: 'completed', completed_at: '2026-03-10T11:00:00+07:00' });
    await writeDocumentBatch(db, calendar, 'qlvb', [due, later, done], null);
    const e = await start(pick('DOC-01'), 100);

    // 16:59:59: only documents due by now or within the read's look-ahead (a quarter of an hour) are read: the one
    // due at 17:00, in breach of nothing yet; not the one due on 20/03.
    expect(await e.evaluateNow()).toMatchObject({ documentsRead: 1, projectsRead: 0, dossiersRead: 0, instances: 0 });

    // 17:00:01, no new data: the engine's clock alone brings the alert.
    clock.set('2026-03-10T17:00:01+07:00');
    const fired = await waitFor(
      async () => (await active('DOC-01|agency=STP'))?.state === 'firing' && active('DOC-01|agency=STP'),
      'DOC-01',
    );
    expect(fired).toMatchObject({ severity: 'warning', count: 1, unitCode: '19', linkedIds: [`qlvb/${due.source_id}`] });
    expect(await e.evaluateNow()).toMatchObject({ documentsRead: 1 });

    clock.set('2026-03-10T17:30:00+07:00');
    const completedAt = '2026-03-10T17:30:00+07:00';
    await writeDocumentBatch(
      db,
      calendar,
      'qlvb',
      [{ ...due, version: 2, status: 'completed', completed_at: new Date(completedAt), source_updated_at: new Date(completedAt) }],
      null,
    );
    await waitFor(async () => (await active('DOC-01|agency=STP'))?.state === 'resolving', 'DOC-01 to start resolving');
    clock.advance(15 * 60_000);
    await waitFor(async () => (await active('DOC-01|agency=STP')) === undefined, 'DOC-01 to resolve');
  });

  it('DOC-01: a deadline before Tết counts working days: 1 day over on Mon 23/02, critical at 5 on Fri 27/02', async () => {
    clock = fakeClock('2026-02-23T17:00:00+07:00');
    await writeDocumentBatch(db, calendar, 'qlvb', [assignedDocument({ deadline_at: '2026-02-13T17:00:00+07:00' })], null);
    const e = await start(pick('DOC-01'));
    await e.evaluateNow();
    expect(await active('DOC-01|agency=STP')).toMatchObject({ severity: 'warning', details: { overdueWorkingDays: 1 } });
    clock.set('2026-02-26T17:00:00+07:00');
    await e.evaluateNow();
    expect(await active('DOC-01|agency=STP')).toMatchObject({ severity: 'warning', details: { overdueWorkingDays: 4 } });
    clock.set('2026-02-27T17:00:00+07:00');
    await e.evaluateNow();
    expect(await active('DOC-01|agency=STP')).toMatchObject({ severity: 'critical', details: { overdueWorkingDays: 5 } });
  });

  it('PRJ-02: an agency with no update since 05/02 is not late on the 9th, fires on the 11th, and clears when it updates', async () => {
    clock = fakeClock('2026-03-09T12:00:00+07:00');
    const sxd = [activeProject(), activeProject()];
    // STP updated one of its projects in the cycle, the other not: one update is enough (P3).
    const stp = [
      activeProject({ managing_agency_code: 'STP' }),
      activeProject({ managing_agency_code: 'STP', last_update_at: '2026-02-20T09:00:00+07:00' }),
    ];
    await writeProjectBatch(db, 'csdldt', [...sxd, ...stp], null);
    const e = await start(pick('PRJ-01', 'PRJ-02'));

    expect(await e.evaluateNow()).toMatchObject({ projectsRead: 0, instances: 0 });
    expect(await active('PRJ-02|agency=SXD')).toBeUndefined();

    clock.set('2026-03-11T08:00:00+07:00');
    // Only the late agency's projects are read: STP's are not needed.
    expect(await e.evaluateNow()).toMatchObject({ projectsRead: 2, instances: 1 });
    const fired = await active('PRJ-02|agency=SXD');
    expect(fired).toMatchObject({ state: 'firing', severity: 'warning', count: 2, details: { cycle: '2026-03' } });
    expect(fired!.linkedIds).toEqual(sxd.map((p) => `csdldt/${p.source_id}`).sort());
    expect(await active('PRJ-02|agency=STP')).toBeUndefined();

    clock.set('2026-03-20T00:00:00+07:00');
    await e.evaluateNow();
    expect(await active('PRJ-02|agency=SXD')).toMatchObject({ severity: 'critical' });

    // SXD updates one project late, on the 20th: the alert clears (after keepFiringFor, 1 h).
    const update = '2026-03-20T09:00:00+07:00';
    clock.set(update);
    await writeProjectBatch(
      db,
      'csdldt',
      [{ ...sxd[0]!, version: 2, last_update_at: new Date(update), last_update_kind: 'no_change', source_updated_at: new Date(update) }],
      null,
    );
    await e.evaluateNow();
    expect(await active('PRJ-02|agency=SXD')).toMatchObject({ state: 'resolving' });
    clock.advance(3_600_000);
    await e.evaluateNow();
    expect(await active('PRJ-02|agency=SXD')).toBeUndefined();
  });

  it('PRJ-01 and PRJ-02 together: a delayed project read for PRJ-01 does not make its up-to-date agency late', async () => {
    clock = fakeClock('2026-03-11T08:00:00+07:00');
    const delayed = activeProject({ behind_schedule: true, delay_reason: 'Vướng giải phóng mặt bằng' });
    const updated = activeProject({ last_update_at: '2026-03-02T09:00:00+07:00' });
    const finished = activeProject({ stage: 'completed', actual_completion: '2026-01-15', behind_schedule: true });
    await writeProjectBatch(db, 'csdldt', [delayed, updated, finished], null);
    const e = await start(pick('PRJ-01', 'PRJ-02'));
    expect(await e.evaluateNow()).toMatchObject({ projectsRead: 1, instances: 1 });
    expect(await active('PRJ-01|agency=SXD')).toMatchObject({ count: 1, linkedIds: [`csdldt/${delayed.source_id}`] });
    expect(await active('PRJ-02|agency=SXD')).toBeUndefined();
  });
});
