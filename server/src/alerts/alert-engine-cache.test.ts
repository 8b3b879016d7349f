import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  loadMetricCatalogue,
  loadRules,
  loadWorkingCalendar,
  readActiveAlerts,
  writeDocumentBatch,
  writeDossierBatch,
  type AlertRule,
  type Db,
} from '@ioc/core';
import { BACKENDS, makeDocument } from '@ioc/core/testing';
import { createLogger } from '../logging/logger';
import { AlertEngine } from './alert-engine';
import { fakeClock, makeDossier, openAlertTestStore, waitFor, type FakeClock } from './alert-test-support';
import { AdvisoryLockLeadership, SoleLeadership } from './leadership';

const metrics = await loadMetricCatalogue();
const calendar = await loadWorkingCalendar();
const shipped = await loadRules(metrics);
const logger = createLogger('silent');
const dos01 = shipped.find((r) => r.id === 'DOS-01')!;
/** DOS-01 and two copies sharing its grouping work, as the bench's 200 rules do: per commune, and per agency again. */
const rules: AlertRule[] = [dos01, { ...dos01, id: 'BR-001', groupBy: 'unit' } as AlertRule, { ...dos01, id: 'BR-002' }];

/** An incoming document of STP due 20/03: another source's write, for no rule of these. */
const stpDocument = () =>
  makeDocument({ agency_code: 'STP', summary: 'Về việc rà soát thủ tục hành chính', deadline_at: '2026-03-20T17:00:00+07:00' });

describe.each(BACKENDS)('AlertEngine evaluation after evaluation on %s', (backend) => {
  let db: Db;
  let dispose: () => Promise<void>;
  let clock: FakeClock;
  let engine: AlertEngine;

  beforeEach(async () => {
    let url: string | undefined;
    ({ db, url, dispose } = await openAlertTestStore(backend));
    clock = fakeClock('2026-03-10T16:59:59+07:00');
    engine = new AlertEngine({
      db,
      rules,
      calendar,
      metrics,
      agencyUnitCodes: new Map([['STP', '19']]),
      clock,
      logger,
      leadership: url ? new AdvisoryLockLeadership({ connectionString: url, logger, retryMilliseconds: 200 }) : new SoleLeadership(),
      evaluateEveryMilliseconds: 3_600_000,
    });
    await engine.start();
    await waitFor(() => engine.isLeader, 'leadership');
  });

  afterEach(async () => {
    await engine.stop();
    await dispose();
  });

  /** Each active alert as [dedup key, state, count, linked ids], read back from the store. */
  const stored = async () =>
    (await readActiveAlerts(db)).map((a) => [a.dedupKey, a.state, a.count, [...a.linkedIds]] as const).sort(([a], [b]) => (a < b ? -1 : 1));

  it('fires every copy when the clock crosses 17:00 with no event, then follows each new event at the next evaluation', async () => {
    const first = makeDossier({ due_at: '2026-03-10T17:00:00+07:00' });
    await writeDossierBatch(db, 'dvc', [first], null);
    expect(await engine.evaluateNow()).toMatchObject({ instances: 0 });
    expect(await stored()).toEqual([]);

    // 17:00:01, nothing new in the store: only the instant changed.
    clock.set('2026-03-10T17:00:01+07:00');
    expect(await engine.evaluateNow()).toMatchObject({ instances: 3 });
    const one = [`dvc/${first.source_id}`];
    expect(await stored()).toEqual([
      ['BR-001|unit=19', 'firing', 1, one],
      ['BR-002|agency=STP', 'firing', 1, one],
      ['DOS-01|agency=STP', 'firing', 1, one],
    ]);

    // A second dossier, due earlier, arrives between evaluations: every copy counts it.
    clock.set('2026-03-10T17:05:00+07:00');
    const second = makeDossier({ due_at: '2026-03-10T08:00:00+07:00' });
    await writeDossierBatch(db, 'dvc', [second], null);
    await engine.evaluateNow();
    const two = [`dvc/${first.source_id}`, `dvc/${second.source_id}`].sort();
    expect(await stored()).toEqual([
      ['BR-001|unit=19', 'firing', 2, two],
      ['BR-002|agency=STP', 'firing', 2, two],
      ['DOS-01|agency=STP', 'firing', 2, two],
    ]);

    // The first one is finished (a new version): the next evaluation drops it from every copy.
    clock.set('2026-03-10T17:10:00+07:00');
    const now = clock.now();
    await writeDossierBatch(
      db,
      'dvc',
      [{ ...first, version: 2, status: 'resolved', finished_at: now, status_changed_at: now, source_updated_at: now }],
      null,
    );
    await engine.evaluateNow();
    const left = [`dvc/${second.source_id}`];
    expect(await stored()).toEqual([
      ['BR-001|unit=19', 'firing', 1, left],
      ['BR-002|agency=STP', 'firing', 1, left],
      ['DOS-01|agency=STP', 'firing', 1, left],
    ]);
  });

  it('keeps the entity read while nothing is committed, and reads again after any writer commits', async () => {
    // The evaluation the start began is over before anything is written.
    await engine.evaluateNow();
    const first = makeDossier({ due_at: '2026-03-10T17:00:00+07:00' });
    await writeDossierBatch(db, 'dvc', [first], null);
    // 16:59:59: the read reaches past now (the look-ahead), so it holds the dossier due at 17:00, not yet overdue.
    expect(await engine.evaluateNow()).toMatchObject({ entitiesReused: false, dossiersRead: 1, instances: 0 });

    // 17:00:01, nothing committed: the same read serves, and the clock alone brings the alerts.
    clock.set('2026-03-10T17:00:01+07:00');
    expect(await engine.evaluateNow()).toMatchObject({ entitiesReused: true, dossiersRead: 1, instances: 3 });
    const one = [`dvc/${first.source_id}`];
    expect(await stored()).toEqual([
      ['BR-001|unit=19', 'firing', 1, one],
      ['BR-002|agency=STP', 'firing', 1, one],
      ['DOS-01|agency=STP', 'firing', 1, one],
    ]);

    // A dossier committed between two ticks is in the second one.
    const second = makeDossier({ due_at: '2026-03-10T08:00:00+07:00' });
    await writeDossierBatch(db, 'dvc', [second], null);
    clock.set('2026-03-10T17:00:31+07:00');
    expect(await engine.evaluateNow()).toMatchObject({ entitiesReused: false, dossiersRead: 2 });
    const two = [`dvc/${first.source_id}`, `dvc/${second.source_id}`].sort();
    expect(await stored()).toEqual([
      ['BR-001|unit=19', 'firing', 2, two],
      ['BR-002|agency=STP', 'firing', 2, two],
      ['DOS-01|agency=STP', 'firing', 2, two],
    ]);

    // A replay stores nothing new: the read is kept.
    await writeDossierBatch(db, 'dvc', [second], null);
    clock.set('2026-03-10T17:01:01+07:00');
    expect(await engine.evaluateNow()).toMatchObject({ entitiesReused: true, dossiersRead: 2 });

    // Another source's commit (documents, read by no rule here) also makes the next tick read again.
    await writeDocumentBatch(db, calendar, 'qlvb', [stpDocument()], null);
    clock.set('2026-03-10T17:01:31+07:00');
    expect(await engine.evaluateNow()).toMatchObject({ entitiesReused: false, dossiersRead: 2 });
    expect(await stored()).toEqual([
      ['BR-001|unit=19', 'firing', 2, two],
      ['BR-002|agency=STP', 'firing', 2, two],
      ['DOS-01|agency=STP', 'firing', 2, two],
    ]);
  });

  it('extends the kept read with only the rows the clock brings in, once it passes what the read covers', async () => {
    await engine.evaluateNow();
    // Overdue already; and due 17:30, beyond the look-ahead of a read at 16:59:59, so not in it.
    const early = makeDossier({ due_at: '2026-03-10T16:00:00+07:00' });
    const later = makeDossier({ due_at: '2026-03-10T17:30:00+07:00' });
    await writeDossierBatch(db, 'dvc', [early, later], null);
    expect(await engine.evaluateNow()).toMatchObject({ entitiesReused: false, dossiersRead: 1, instances: 3 });
    clock.set('2026-03-10T17:05:00+07:00');
    expect(await engine.evaluateNow()).toMatchObject({ entitiesReused: true, dossiersRead: 1, instances: 3 });

    // 17:30:01 needs dossiers due by 17:30:01, more than the kept read holds: the read is extended (the overdue one
    // once, not twice), and the later dossier is overdue too.
    clock.set('2026-03-10T17:30:01+07:00');
    expect(await engine.evaluateNow()).toMatchObject({ entitiesReused: false, dossiersRead: 2, instances: 3 });
    const both = [`dvc/${early.source_id}`, `dvc/${later.source_id}`].sort();
    expect(await stored()).toEqual([
      ['BR-001|unit=19', 'firing', 2, both],
      ['BR-002|agency=STP', 'firing', 2, both],
      ['DOS-01|agency=STP', 'firing', 2, both],
    ]);
  });
});
