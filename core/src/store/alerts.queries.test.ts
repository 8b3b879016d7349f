import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DossierRecord, type DossierWire } from '../contracts/dossier';
import type { AlertState } from '../sla/alert-state';
import { BACKENDS, openTestDb } from '../testing';
import { AlertWriteConflict, readActiveAlerts, readAlertTransitions, saveAlertWrites, type AlertWrite } from './alerts.queries';
import { readRollupCountersByAgency, readSlaDossiers, readSourceStatuses } from './sla-reads.queries';
import { cancelSilence, insertSilence, readCurrentSilences } from './silences.queries';
import type { Db } from './db';
import { writeDossierBatch } from './dossier.queries';

const at = (local: string) => new Date(`${local}+07:00`);

function dossier(overrides: Partial<DossierWire> = {}) {
  const id = overrides.source_id ?? randomUUID();
  return DossierRecord.parse({
    source_id: id,
    version: 1,
    source_updated_at: '2026-03-09T09:00:00+07:00',
    dossier_code: `H19.${id.slice(0, 8)}`,
    procedure_code: '1.001234',
    procedure_name: 'Cấp phiếu lý lịch tư pháp',
    field_name: 'Lý lịch tư pháp',
    online_level: 'full',
    receiving_unit_code: 'STP',
    handling_agency_code: 'STP',
    unit_code: '19',
    applicant_kind: 'citizen',
    channel: 'online',
    received_at: '2026-03-09T09:00:00+07:00',
    due_at: '2026-03-10T17:00:00+07:00',
    status: 'in_progress',
    status_changed_at: '2026-03-09T09:00:00+07:00',
    ...overrides,
  });
}

function firing(dedupKey: string, now: Date): AlertState {
  return {
    alertId: null,
    ruleId: 'DOS-01',
    dedupKey,
    state: 'firing',
    severity: 'warning',
    agencyCode: 'STP',
    unitCode: '19',
    labels: { agency: 'STP' },
    count: 2,
    linkedIds: ['dvc/a', 'dvc/b'],
    details: { overdueWorkingDays: 1 },
    startedAt: now,
    firedAt: now,
    resolvingSince: null,
    resolvedAt: null,
    lastEvaluatedAt: now,
    flapCount: 0,
    notified: true,
    silenceIds: [],
  };
}

const write = (state: AlertState, alertId: string, revision: number | null): AlertWrite => ({
  alertId,
  revision,
  previous: null,
  state: { ...state, alertId },
  transition: {
    at: state.lastEvaluatedAt,
    fromState: 'inactive',
    toState: state.state,
    fromSeverity: null,
    toSeverity: state.severity,
    reason: 'breach',
  },
  notify: 'firing',
});

describe.each(BACKENDS)('alert queries on %s', (backend) => {
  let db: Db;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ db, dispose } = await openTestDb(backend));
  });
  afterAll(() => dispose());

  it('saveAlertWrites: stores an alert and its transition, and reads them back', async () => {
    const now = at('2026-03-11T09:00');
    const id = randomUUID();
    await db.transaction((tx) => saveAlertWrites(tx, [write(firing('K1', now), id, null)]));
    const [stored] = (await readActiveAlerts(db)).filter((a) => a.dedupKey === 'K1');
    expect(stored).toEqual({ ...firing('K1', now), alertId: id, revision: 1 });
    expect((await readAlertTransitions(db, { alertId: id })).map((t) => [t.fromState, t.toState, t.count, t.notify])).toEqual([
      ['inactive', 'firing', 2, 'firing'],
    ]);
  });

  it('saveAlertWrites: an update naming an old revision changes nothing', async () => {
    const now = at('2026-03-11T09:00');
    const id = randomUUID();
    await db.transaction((tx) => saveAlertWrites(tx, [write(firing('K2', now), id, null)]));
    const later = { ...firing('K2', now), count: 3, lastEvaluatedAt: at('2026-03-11T09:01') };
    await db.transaction((tx) => saveAlertWrites(tx, [{ ...write(later, id, 1), transition: null, notify: null }]));
    await expect(
      db.transaction((tx) => saveAlertWrites(tx, [{ ...write({ ...later, count: 9 }, id, 1), transition: null, notify: null }])),
    ).rejects.toBeInstanceOf(AlertWriteConflict);
    expect((await readActiveAlerts(db)).find((a) => a.dedupKey === 'K2')).toMatchObject({ count: 3, revision: 2 });
  });

  it('keeps one active alert per dedup key, and the history append-only', async () => {
    const now = at('2026-03-11T09:00');
    await db.transaction((tx) => saveAlertWrites(tx, [write(firing('K3', now), randomUUID(), null)]));
    await expect(db.transaction((tx) => saveAlertWrites(tx, [write(firing('K3', now), randomUUID(), null)]))).rejects.toThrow(
      /alert_active_dedup/,
    );
    await expect(db.query("update alert_transition set reason = 'x' where dedup_key = 'K3'")).rejects.toThrow(/append-only/);
  });

  it('readSlaDossiers: reads open dossiers due by the plan or asked for supplements, never finished ones', async () => {
    const twice = [
      { requested_at: '2026-03-09T10:00:00+07:00', completed_at: '2026-03-09T11:00:00+07:00' },
      { requested_at: '2026-03-09T14:00:00+07:00', completed_at: null },
    ];
    const rows = [
      dossier({ source_id: 'due-early', due_at: '2026-03-10T11:30:00+07:00' }),
      dossier({ source_id: 'due-later', due_at: '2026-03-20T17:00:00+07:00' }),
      dossier({ source_id: 'asked-twice', due_at: '2026-03-20T17:00:00+07:00', status: 'supplement_requested', supplement_periods: twice }),
      dossier({ source_id: 'finished', status: 'resolved', finished_at: '2026-03-10T08:00:00+07:00' }),
    ];
    await writeDossierBatch(db, 'qry', rows, null);
    const read = async (plan: { dueBefore: Date | null; minSupplementRequests: number | null }) =>
      (await readSlaDossiers(db, plan))
        .filter((d) => d.source_system === 'qry')
        .map((d) => d.source_id)
        .sort();
    expect(await read({ dueBefore: at('2026-03-12T00:00'), minSupplementRequests: null })).toEqual(['due-early']);
    expect(await read({ dueBefore: at('2026-03-12T00:00'), minSupplementRequests: 2 })).toEqual(['asked-twice', 'due-early']);
    expect(await read({ dueBefore: null, minSupplementRequests: null })).toEqual([]);
    // Extending a read made up to 12/03 to 21/03: only what the wider bound adds, never a row the first read held.
    const extend = async (dueAfter: Date, plan: { dueBefore: Date; minSupplementRequests: number | null }) =>
      (await readSlaDossiers(db, plan, undefined, dueAfter))
        .filter((d) => d.source_system === 'qry')
        .map((d) => d.source_id)
        .sort();
    expect(await extend(at('2026-03-12T00:00'), { dueBefore: at('2026-03-21T00:00'), minSupplementRequests: null })).toEqual([
      'asked-twice',
      'due-later',
    ]);
    expect(await extend(at('2026-03-12T00:00'), { dueBefore: at('2026-03-21T00:00'), minSupplementRequests: 2 })).toEqual(['due-later']);
    expect(await extend(at('2026-03-10T11:30'), { dueBefore: at('2026-03-12T00:00'), minSupplementRequests: 2 })).toEqual([]);
    const [asked] = (await readSlaDossiers(db, { dueBefore: null, minSupplementRequests: 2 })).filter((d) => d.source_id === 'asked-twice');
    expect(asked?.supplement_periods).toEqual([
      { requested_at: at('2026-03-09T10:00'), completed_at: at('2026-03-09T11:00') },
      { requested_at: at('2026-03-09T14:00'), completed_at: null },
    ]);
  });

  it('readSourceStatuses and readRollupCountersByAgency: what the source and metric rules read', async () => {
    await writeDossierBatch(db, 'src', [dossier({ source_updated_at: '2026-03-11T08:00:00+07:00' })], {
      updatedSince: '2026-03-11T08:00:00+07:00',
      afterId: 'x',
    });
    const [src, unknown] = await readSourceStatuses(db, ['src', 'unknown']);
    expect(src).toMatchObject({ source: 'src', maxSourceUpdatedAt: at('2026-03-11T08:00') });
    expect(src?.lastSuccessfulPullAt).toBeInstanceOf(Date);
    expect(unknown).toEqual({ source: 'unknown', lastSuccessfulPullAt: null, maxSourceUpdatedAt: null });
    const counters = await readRollupCountersByAgency(db, at('2026-03-09T00:00'), at('2026-03-09T23:59'));
    expect(counters.find((c) => c.agencyCode === 'STP')?.received).toBeGreaterThan(0);
  });

  it('silences: current ones are read until they end or are cancelled', async () => {
    const silence = {
      id: randomUUID(),
      kind: 'maintenance' as const,
      ruleIds: [],
      agencyCodes: [],
      labels: { source: 'dvc' },
      startsAt: at('2026-03-11T09:00'),
      endsAt: at('2026-03-11T12:00'),
      reason: 'nâng cấp Cổng DVC',
    };
    await insertSilence(db, silence, 'admin');
    expect(await readCurrentSilences(db, at('2026-03-11T08:00'))).toEqual([silence]);
    expect(await readCurrentSilences(db, at('2026-03-11T12:00'))).toEqual([]);
    expect(await cancelSilence(db, silence.id, at('2026-03-11T10:00'))).toBe(true);
    expect(await readCurrentSilences(db, at('2026-03-11T10:30'))).toEqual([]);
  });
});
