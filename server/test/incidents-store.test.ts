import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appendIncidentEvent,
  appendIncidentEvents,
  insertIncident,
  insertIncidents,
  listIncidents,
  readAckOverdueIncidents,
  readIncidentEvents,
  readUnclosedIncidentByDedupKey,
  readUnclosedIncidents,
  updateIncident,
  type Db,
  type IncidentFilter,
  type NewIncident,
} from '@ioc/core';
import { BACKENDS, openTestDb } from '@ioc/core/testing';

const at = (local: string) => new Date(`${local}+07:00`);

function incident(agencyCode: string, overrides: Partial<NewIncident> = {}): NewIncident {
  return {
    id: randomUUID(),
    ruleId: 'DOS-01',
    dedupKey: `DOS-01|agency=${agencyCode}`,
    title: { vi: `Hồ sơ quá hạn: ${agencyCode}`, en: `Overdue dossiers: ${agencyCode}` },
    severity: 'warning',
    agencyCode,
    unitCode: '19',
    alertId: randomUUID(),
    linkedIds: ['dvc/1'],
    checklist: [{ vi: 'Bước 1', en: 'Step 1' }],
    openedAt: at('2026-03-11T10:00'),
    ackDueAt: at('2026-03-11T16:00'),
    ackWithinHours: 4,
    ...overrides,
  };
}

const ALL: IncidentFilter = {
  states: null,
  severity: null,
  agencyCode: null,
  openedBefore: null,
  visibleAgencies: null,
  assignedAgencies: null,
  limit: 50,
  offset: 0,
};

describe.each(BACKENDS)('incident queries on %s', (backend) => {
  let db: Db;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ db, dispose } = await openTestDb(backend));
  }, 120_000);
  afterAll(() => dispose?.());

  it('stores an incident per alert group, reads it back, and refuses a second one while it is not closed', async () => {
    const stored = await db.transaction((tx) => insertIncident(tx, incident('SYT')));
    expect(await readUnclosedIncidentByDedupKey(db, 'DOS-01|agency=SYT')).toEqual(stored);
    expect(stored).toMatchObject({ state: 'open', revision: 1, checklist: [{ vi: 'Bước 1', done: false, doneBy: null }] });
    await expect(db.transaction((tx) => insertIncident(tx, incident('SYT')))).rejects.toThrow(/incident_group_not_closed/);
    const closed = await updateIncident(db, stored.id, 1, { state: 'closed', closedAt: at('2026-03-11T11:00') }, at('2026-03-11T11:00'));
    expect(closed).toMatchObject({ state: 'closed', revision: 2 });
    expect(await readUnclosedIncidentByDedupKey(db, 'DOS-01|agency=SYT')).toBeNull();
    await db.transaction((tx) => insertIncident(tx, incident('SYT')));
  });

  it('updates only at the revision read', async () => {
    const stored = await db.transaction((tx) => insertIncident(tx, incident('STP')));
    expect(await updateIncident(db, stored.id, 1, { state: 'acknowledged' }, at('2026-03-11T10:05'))).not.toBeNull();
    expect(await updateIncident(db, stored.id, 1, { state: 'resolved' }, at('2026-03-11T10:06'))).toBeNull();
    expect((await readUnclosedIncidentByDedupKey(db, stored.dedupKey))?.state).toBe('acknowledged');
  });

  it('keeps the logbook in order and append-only', async () => {
    const stored = await db.transaction((tx) => insertIncident(tx, incident('SNV')));
    const base = { incidentId: stored.id, actorId: null, comment: null, details: {} };
    await appendIncidentEvent(db, {
      ...base,
      at: at('2026-03-11T10:00'),
      kind: 'opened',
      actor: 'system',
      role: null,
      fromState: null,
      toState: 'open',
    });
    await appendIncidentEvent(db, {
      ...base,
      at: at('2026-03-11T10:01'),
      kind: 'acknowledged',
      actor: 'vanhanh',
      role: 'operator',
      fromState: 'open',
      toState: 'acknowledged',
      comment: 'Đã nhận',
    });
    expect((await readIncidentEvents(db, stored.id)).map((e) => [e.kind, e.actor, e.comment])).toEqual([
      ['opened', 'system', null],
      ['acknowledged', 'vanhanh', 'Đã nhận'],
    ]);
    await expect(db.query(`update incident_event set actor = 'x' where incident_id = $1`, [stored.id])).rejects.toThrow(/append-only/);
    await expect(db.query(`delete from incident_event where incident_id = $1`, [stored.id])).rejects.toThrow(/append-only/);
  });

  it('lists by visibility, state and age, and finds the unacknowledged past their deadline', async () => {
    const forwarded = await db.transaction((tx) =>
      insertIncident(tx, incident('SXD', { openedAt: at('2026-03-11T08:00'), ackDueAt: at('2026-03-11T12:00') })),
    );
    await updateIncident(db, forwarded.id, 1, { state: 'assigned', assignedAgencyCode: 'SXD' }, at('2026-03-11T09:00'));
    const ids = async (f: Partial<IncidentFilter>) => (await listIncidents(db, { ...ALL, ...f })).incidents.map((i) => i.agencyCode);
    expect(await ids({ visibleAgencies: ['SXD', 'SNV'], states: ['assigned'] })).toEqual(['SXD']);
    expect(await ids({ assignedAgencies: ['SXD'] })).toEqual(['SXD']);
    expect(await ids({ assignedAgencies: ['SNV'] })).toEqual([]);
    expect(await ids({ openedBefore: at('2026-03-11T09:00') })).toEqual(['SXD']);
    expect((await listIncidents(db, { ...ALL, limit: 1 })).total).toBe(5);
    // Open ones only: SNV's (due 16:00) at 16:00, not at 15:59; SXD's was forwarded.
    expect((await readAckOverdueIncidents(db, at('2026-03-11T15:59'))).map((i) => i.agencyCode)).toEqual([]);
    expect((await readAckOverdueIncidents(db, at('2026-03-11T16:00'))).map((i) => i.agencyCode).sort()).toEqual(['SNV', 'SYT']);
  });

  it('opens many incidents and appends their logbook rows in one statement each, in the order given', async () => {
    const many = ['S01', 'S02', 'S03'].map((code) => incident(code));
    const stored = await db.transaction((tx) => insertIncidents(tx, many));
    expect(stored.map((i) => [i.id, i.dedupKey, i.state, i.alertIds])).toEqual(many.map((n) => [n.id, n.dedupKey, 'open', [n.alertId]]));
    const unclosed = await readUnclosedIncidents(db, [...many.map((n) => n.dedupKey), 'DOS-01|agency=NONE']);
    expect([...unclosed.keys()].sort()).toEqual(many.map((n) => n.dedupKey));
    const first = many[0]!;
    const row = (kind: 'opened' | 'alert_linked' | 'alert_resolved', incidentId: string, minute: number) => ({
      incidentId,
      at: at(`2026-03-11T10:0${minute}`),
      kind,
      actor: 'system',
      actorId: null,
      role: null,
      fromState: null,
      toState: 'open' as const,
      comment: null,
      details: { minute },
    });
    await db.transaction((tx) =>
      appendIncidentEvents(tx, [
        row('opened', first.id, 1),
        row('opened', many[1]!.id, 2),
        row('alert_linked', first.id, 3),
        row('alert_resolved', first.id, 4),
      ]),
    );
    expect((await readIncidentEvents(db, first.id)).map((e) => [e.kind, e.details])).toEqual([
      ['opened', { minute: 1 }],
      ['alert_linked', { minute: 3 }],
      ['alert_resolved', { minute: 4 }],
    ]);
  });
});
