import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadMetricCatalogue, loadWorkingCalendar, openPgDb, writeDossierBatch, type Db } from '@ioc/core';
import { createLogger } from '../logging/logger';
import { AlertEngine } from './alert-engine';
import { fakeClock, makeDossier, openAlertTestStore, waitFor, type FakeClock } from './alert-test-support';
import { loadRules, readAlertTransitions } from '@ioc/core';
import { AdvisoryLockLeadership } from './leadership';

const metrics = await loadMetricCatalogue();
const calendar = await loadWorkingCalendar();
const dos01 = (await loadRules(metrics)).filter((r) => r.id === 'DOS-01');
const logger = createLogger('silent');
const RETRY_MILLISECONDS = 200;

/** One server process as far as alerting goes: its own pool, its own leader connection, its own engine. */
interface Replica {
  db: Db;
  leadership: AdvisoryLockLeadership;
  engine: AlertEngine;
}

// Two replicas against one PostgreSQL database (PGlite is one process by construction).
describe('AlertEngine leadership on PostgreSQL', () => {
  let url: string;
  let db: Db;
  let dispose: () => Promise<void>;
  let clock: FakeClock;
  let replicas: Replica[];

  async function replica(): Promise<Replica> {
    const own = await openPgDb({ connectionString: url, max: 2 });
    const leadership = new AdvisoryLockLeadership({ connectionString: url, logger, retryMilliseconds: RETRY_MILLISECONDS });
    const engine = new AlertEngine({
      db: own,
      rules: dos01,
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
    return { db: own, leadership, engine };
  }

  const leaders = () => replicas.filter((r) => r.engine.isLeader);
  const firings = async () => (await readAlertTransitions(db, { ruleId: 'DOS-01' })).filter((t) => t.fromState === 'inactive');

  beforeEach(async () => {
    const store = await openAlertTestStore('postgres');
    ({ db, dispose } = store);
    url = store.url!;
    clock = fakeClock('2026-03-11T09:00:00+07:00');
    replicas = [await replica(), await replica()];
  });

  afterEach(async () => {
    for (const r of replicas) {
      await r.engine.stop();
      await r.db.close();
    }
    await dispose();
  });

  it('has exactly one evaluator: each alert fires once, with one transition row', async () => {
    expect(leaders()).toHaveLength(1);
    await writeDossierBatch(db, 'dvc', [makeDossier(), makeDossier({ handling_agency_code: 'SYT' })], null);
    await waitFor(async () => (await firings()).length === 2, 'both agencies’ alerts to fire');
    // Both replicas heard the notice and both run their clocks; ask both to evaluate again, at once, a few times.
    const reports = await Promise.all(replicas.flatMap((r) => [r.engine.evaluateNow(), r.engine.evaluateNow()]));
    expect(reports.filter((r) => r === null)).toHaveLength(2);
    const transitions = await readAlertTransitions(db, { ruleId: 'DOS-01' });
    expect(transitions.map((t) => [t.dedupKey, t.fromState, t.toState])).toEqual([
      ['DOS-01|agency=STP', 'inactive', 'firing'],
      ['DOS-01|agency=SYT', 'inactive', 'firing'],
    ]);
    const rows = await db.query<{ n: number }>("select count(*)::int as n from alert where state = 'firing'");
    expect(rows.rows[0]!.n).toBe(2);
  });

  it('hands over when the leader stops: the standby leads within seconds and goes on evaluating', async () => {
    const [leader] = leaders();
    const standby = replicas.find((r) => r !== leader)!;
    await writeDossierBatch(db, 'dvc', [makeDossier()], null);
    await waitFor(async () => (await firings()).length === 1, 'the first alert');

    const stoppedAt = Date.now();
    await leader!.engine.stop();
    await waitFor(() => standby.engine.isLeader, 'the standby to take over', 10_000);
    expect(Date.now() - stoppedAt).toBeLessThan(5_000);

    // Time passes with no new data, and a new agency's dossier falls due: the new leader fires it, once.
    await writeDossierBatch(db, 'dvc', [makeDossier({ handling_agency_code: 'SYT', due_at: '2026-03-11T11:30:00+07:00' })], null);
    clock.set('2026-03-11T11:30:01+07:00');
    await waitFor(async () => (await firings()).length === 2, 'the new leader to fire the second alert');
    const transitions = await readAlertTransitions(db, { ruleId: 'DOS-01' });
    expect(transitions.map((t) => [t.dedupKey, t.fromState, t.toState])).toEqual([
      ['DOS-01|agency=STP', 'inactive', 'firing'],
      ['DOS-01|agency=SYT', 'inactive', 'firing'],
    ]);
  });

  it('survives the leader’s lock session dying: the leader steps down at once, one replica leads again within seconds', async () => {
    const [leader] = leaders();
    const pid = leader!.leadership.lockSessionPid!;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    const killedAt = Date.now();
    try {
      await admin.query('select pg_terminate_backend($1)', [pid]);
    } finally {
      await admin.end();
    }
    await waitFor(() => !leader!.engine.isLeader || leader!.leadership.lockSessionPid !== pid, 'the old lock session to be gone');
    const next = await waitFor(() => leaders().length === 1 && leaders()[0], 'one leader again', 10_000);
    expect(Date.now() - killedAt).toBeLessThan(5_000);
    expect(next.leadership.lockSessionPid).not.toBe(pid);

    await writeDossierBatch(db, 'dvc', [makeDossier()], null);
    await waitFor(async () => (await firings()).length === 1, 'the alert to fire after the takeover');
    await Promise.all(replicas.map((r) => r.engine.evaluateNow()));
    expect(await firings()).toHaveLength(1);
    expect(leaders()).toHaveLength(1);
  });
});
