import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadMetricCatalogue, loadWorkingCalendar, writeDossierBatch, type Db } from '@ioc/core';
import { BACKENDS } from '@ioc/core/testing';
import { createLogger } from '../logging/logger';
import { AlertEngine } from './alert-engine';
import { AlertEvents } from './alert-events';
import { fakeClock, makeDossier, openAlertTestStore, waitFor, type FakeClock } from './alert-test-support';
import { insertSilence, loadRules, readAlertTransitions, readAlertsByDedupKey, type AlertChange, type AlertRule } from '@ioc/core';
import { AdvisoryLockLeadership, SoleLeadership, type Leadership } from './leadership';

const metrics = await loadMetricCatalogue();
const calendar = await loadWorkingCalendar();
const shipped = await loadRules(metrics);
const logger = createLogger('silent');
const MINUTE = 60_000;
const KEY = 'DOS-01|agency=STP';

describe.each(BACKENDS)('AlertEngine on %s', (backend) => {
  let db: Db;
  let dispose: () => Promise<void>;
  let url: string | undefined;
  let clock: FakeClock;
  let engine: AlertEngine;
  let events: AlertEvents;
  let heard: AlertChange[];

  async function start(rules: readonly AlertRule[]): Promise<void> {
    const leadership: Leadership = url
      ? new AdvisoryLockLeadership({ connectionString: url, logger, retryMilliseconds: 200 })
      : new SoleLeadership();
    engine = new AlertEngine({
      db,
      rules,
      calendar,
      metrics,
      agencyUnitCodes: new Map([['STP', '19']]),
      clock,
      logger,
      leadership,
      evaluateEveryMilliseconds: 100,
      minGapMilliseconds: 50,
    });
    await engine.start();
    await waitFor(() => engine.isLeader, 'leadership');
  }

  beforeEach(async () => {
    ({ db, url, dispose } = await openAlertTestStore(backend));
    clock = fakeClock('2026-03-10T16:59:59+07:00');
    heard = [];
    events = await AlertEvents.listen(db, logger);
    events.onAlertChange((c) => heard.push(c));
  });

  afterEach(async () => {
    await engine.stop();
    await events.close();
    await dispose();
  });

  const active = async () => (await readAlertsByDedupKey(db, KEY)).find((a) => ['pending', 'firing', 'resolving'].includes(a.state));

  it('fires DOS-01 when time passes the due time with no new data, and resolves it when the dossier finishes', async () => {
    await start(shipped.filter((r) => r.id === 'DOS-01'));
    const dossier = makeDossier({ due_at: '2026-03-10T17:00:00+07:00' });
    await writeDossierBatch(db, 'dvc', [dossier], null);

    // 16:59:59: the write's notice and the clock evaluate; nothing is overdue yet. The read reaches a quarter of an hour
    // past now, so that later ticks can use it: it holds the dossier due at 17:00.
    expect(await engine.evaluateNow()).toMatchObject({ dossiersRead: 1, instances: 0, transitions: 0 });
    expect(await active()).toBeUndefined();

    // 17:00:01, no new data: the clock alone brings the alert.
    clock.set('2026-03-10T17:00:01+07:00');
    const fired = await waitFor(async () => (await active())?.state === 'firing' && (await active()), 'DOS-01 to fire');
    expect(fired).toMatchObject({
      ruleId: 'DOS-01',
      severity: 'warning',
      agencyCode: 'STP',
      unitCode: '19',
      count: 1,
      linkedIds: [`dvc/${dossier.source_id}`],
      firedAt: new Date('2026-03-10T10:00:01Z'),
      silenceIds: [],
    });
    await waitFor(() => heard.some((c) => c.notify === 'firing'), 'the firing change to be heard');

    // The dossier is finished: the write's notice evaluates it at once; it resolves after keepFiringFor (15 min).
    clock.set('2026-03-10T17:20:00+07:00');
    await writeDossierBatch(
      db,
      'dvc',
      [
        {
          ...dossier,
          version: 2,
          status: 'resolved',
          finished_at: clock.now(),
          status_changed_at: clock.now(),
          source_updated_at: clock.now(),
        },
      ],
      null,
    );
    await waitFor(async () => (await active())?.state === 'resolving', 'DOS-01 to start resolving');
    clock.advance(15 * MINUTE);
    await waitFor(async () => (await active()) === undefined, 'DOS-01 to resolve');

    const [alert] = await readAlertsByDedupKey(db, KEY);
    expect(alert).toMatchObject({ state: 'resolved', resolvedAt: new Date('2026-03-10T10:35:00Z'), notified: true });
    const history = await readAlertTransitions(db, { alertId: alert!.alertId });
    expect(history.map((t) => [t.fromState, t.toState, t.reason, t.notify])).toEqual([
      ['inactive', 'firing', 'breach', 'firing'],
      ['firing', 'resolving', 'cleared', null],
      ['resolving', 'resolved', 'resolve_delay_elapsed', 'resolved'],
    ]);
    await waitFor(() => heard.some((c) => c.notify === 'resolved'), 'the resolution to be heard');
    expect(heard.filter((c) => c.notify).map((c) => [c.dedupKey, c.previousState, c.state, c.notify])).toEqual([
      [KEY, 'inactive', 'firing', 'firing'],
      [KEY, 'resolving', 'resolved', 'resolved'],
    ]);
  });

  it('groups an agency’s overdue dossiers into one alert and escalates it at 10, in one transition each', async () => {
    clock.set('2026-03-11T09:00:00+07:00');
    await start(shipped.filter((r) => r.id === 'DOS-01'));
    await writeDossierBatch(
      db,
      'dvc',
      Array.from({ length: 9 }, () => makeDossier()),
      null,
    );
    await waitFor(async () => (await active())?.count === 9, 'nine overdue dossiers counted');
    await writeDossierBatch(db, 'dvc', [makeDossier()], null);
    await waitFor(async () => (await active())?.severity === 'critical', 'the tenth to escalate DOS-01');
    const [alert] = await readAlertsByDedupKey(db, KEY);
    expect(alert).toMatchObject({ count: 10, state: 'firing' });
    expect(alert!.linkedIds).toHaveLength(10);
    const history = await readAlertTransitions(db, { alertId: alert!.alertId });
    expect(history.map((t) => [t.toState, t.toSeverity, t.reason, t.notify])).toEqual([
      ['firing', 'warning', 'breach', 'firing'],
      ['firing', 'critical', 'severity_changed', 'escalated'],
    ]);
  });

  it('keeps a silenced alert firing but does not announce it', async () => {
    clock.set('2026-03-11T09:00:00+07:00');
    await insertSilence(
      db,
      {
        id: '6f2d3a0e-9b1c-4c58-8a57-3c1f0e7d2b11',
        kind: 'silence',
        ruleIds: ['DOS-01'],
        agencyCodes: ['STP'],
        labels: {},
        startsAt: new Date('2026-03-11T01:00:00Z'),
        endsAt: new Date('2026-03-11T05:00:00Z'),
        reason: 'đã làm việc với Sở Tư pháp',
      },
      'operator1',
    );
    await start(shipped.filter((r) => r.id === 'DOS-01'));
    await writeDossierBatch(db, 'dvc', [makeDossier()], null);
    const alert = await waitFor(async () => (await active())?.state === 'firing' && (await active()), 'DOS-01 to fire silenced');
    expect(alert.silenceIds).toEqual(['6f2d3a0e-9b1c-4c58-8a57-3c1f0e7d2b11']);
    await waitFor(() => heard.some((c) => c.dedupKey === KEY), 'the change to be heard');
    expect(heard.map((c) => [c.state, c.silenced, c.notify])).toEqual([['firing', true, null]]);
    expect((await readAlertTransitions(db, { alertId: alert.alertId })).map((t) => [t.toState, t.silenced, t.notify])).toEqual([
      ['firing', true, null],
    ]);
  });
});
