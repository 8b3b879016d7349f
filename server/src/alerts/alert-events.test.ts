import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '@ioc/core';
import { BACKENDS } from '@ioc/core/testing';
import { createLogger } from '../logging/logger';
import { ALERT_CHANNEL, AlertEvents, publishAlertChanges } from './alert-events';
import { openAlertTestStore, waitFor } from './alert-test-support';
import type { AlertChange } from '@ioc/core';

const change = (i: number): AlertChange => ({
  alertId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  ruleId: 'DOS-01',
  dedupKey: `DOS-01|agency=UBND-${String(i).padStart(5, '0')}`,
  state: 'firing',
  previousState: 'inactive',
  severity: 'warning',
  previousSeverity: null,
  agencyCode: `UBND-${String(i).padStart(5, '0')}`,
  unitCode: String(i).padStart(5, '0'),
  labels: { domain: 'dossier', audience: 'agency', agency: `UBND-${String(i).padStart(5, '0')}` },
  count: i,
  silenced: false,
  flapCount: 0,
  notify: 'firing',
  at: '2026-03-11T02:00:00.000Z',
});

describe.each(BACKENDS)('AlertEvents on %s', (backend) => {
  let db: Db;
  let dispose: () => Promise<void>;
  let events: AlertEvents;
  let heard: AlertChange[];

  beforeEach(async () => {
    ({ db, dispose } = await openAlertTestStore(backend));
    events = await AlertEvents.listen(db, createLogger('silent'));
    heard = [];
    events.onAlertChange((c) => heard.push(c));
  });

  afterEach(async () => {
    await events.close();
    await dispose();
  });

  it('delivers every change of a committed evaluation, in order, over NOTIFY payload limits', async () => {
    const changes = Array.from({ length: 200 }, (_, i) => change(i + 1));
    await db.transaction((tx) => publishAlertChanges(tx, changes));
    await waitFor(() => heard.length === 200, '200 changes');
    expect(heard).toEqual(changes);
  });

  it('delivers nothing of a rolled-back evaluation, and skips a malformed notice', async () => {
    await expect(
      db.transaction(async (tx) => {
        await publishAlertChanges(tx, [change(1)]);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await db.query('select pg_notify($1, $2)', [ALERT_CHANNEL, '[{"alertId": 1}]']);
    await db.transaction((tx) => publishAlertChanges(tx, [change(2)]));
    await waitFor(() => heard.length > 0, 'the committed change');
    expect(heard).toEqual([change(2)]);
  });
});
