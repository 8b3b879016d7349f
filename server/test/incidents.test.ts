import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import {
  AlertLiveEvents,
  ErrorBody,
  loadCatalogue,
  migrate,
  openPgDb,
  readIncident,
  writeDossierBatch,
  type AlertView,
  type AlertsSubscribeAck,
  type Db,
  type IncidentDetail,
  type IncidentList,
  type IncidentSummary,
  type Notification,
  type Role,
} from '@ioc/core';
import { createTestDatabase } from '@ioc/core/testing';
import { makeDossier } from '../src/alerts/alert-test-support';
import { cliActor } from '../src/audit/audit.service';
import { createLogger } from '../src/logging/logger';
import { startServer, type RunningServer } from '../src/runtime/start-server';
import { STRONG, connected, fakeClock, signedIn, type FakeClock, type TestClient } from './auth-harness';

// The incident workflow end to end: the alert engine (leader on its own advisory-lock connection) evaluates on a fake
// clock, opens incidents, and operator and department act on them through real HTTP and real sockets.

let db: Db;
let dropDatabase: () => Promise<void>;
let clock: FakeClock;
let server: RunningServer;
const people = new Map<string, TestClient>();
const notifications: Notification[] = [];

async function person(username: string, role: Role, scope?: string): Promise<TestClient> {
  const issued = await server.accounts.users.create(cliActor(), { username, role, ...(scope ? { scope } : {}) });
  const client = await signedIn(server.url, username, issued.password!);
  people.set(username, client);
  return client;
}

const as = (username: string) => people.get(username)!;

async function evaluate(): Promise<void> {
  const report = await server.incidents.alerting!.engine.evaluateNow();
  expect(report, 'this server leads the alert evaluation').not.toBeNull();
}

async function overdue(...agencies: string[]): Promise<void> {
  await writeDossierBatch(
    db,
    'dvc',
    agencies.map((a) => makeDossier({ handling_agency_code: a, receiving_unit_code: a })),
    null,
  );
}

async function incidentOf(agency: string): Promise<IncidentSummary> {
  const list = await as('vanhanh').get<IncidentList>(`/api/incidents?agency=${agency}&state=all`);
  expect(list.status).toBe(200);
  const found = list.body.incidents.find((i) => i.ruleId === 'DOS-01');
  expect(found, `a DOS-01 incident for ${agency}`).toBeDefined();
  return found!;
}

/** Resolves with the first `event` payload that `match` accepts, or fails after the timeout. */
function nextEvent<T>(socket: Socket, event: string, match: (payload: T) => boolean, seen: T[] = []): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no matching ${event} within 10 s`)), 10_000);
    const listener = (payload: T) => {
      seen.push(payload);
      if (!match(payload)) return;
      clearTimeout(timer);
      socket.off(event, listener);
      resolve(payload);
    };
    socket.on(event, listener);
  });
}

async function subscribed(client: TestClient): Promise<{ socket: Socket; ack: AlertsSubscribeAck }> {
  const socket = client.socket();
  await connected(socket);
  const ack = (await socket.timeout(5_000).emitWithAck(AlertLiveEvents.subscribe, {})) as AlertsSubscribeAck;
  return { socket, ack };
}

beforeAll(async () => {
  const database = await createTestDatabase('ioc_incidents');
  const pg = await openPgDb({ connectionString: database.url, max: 6 });
  await migrate(pg);
  db = pg;
  dropDatabase = async () => {
    await pg.close();
    await database.drop();
  };
  // Wednesday 11/03/2026 10:00 in the province; the dossiers of `makeDossier` were due Tuesday 17:00.
  clock = fakeClock('2026-03-11T03:00:00.000Z');
  server = await startServer({
    db,
    catalogue: await loadCatalogue(),
    clock,
    logger: createLogger('silent'),
    host: '127.0.0.1',
    port: 0,
    patchesPerSecond: 20,
    clockSeconds: 60,
    webDist: '/nonexistent-web-dist',
    loginFailuresPerAddress: 1000,
    // Evaluations come from committed writes and from the test's evaluateNow, never from the real clock.
    alerting: { databaseUrl: database.url, evaluateEverySeconds: 3600, leaderRetrySeconds: 1 },
  });
  server.incidents.alerting!.onNotification((n) => notifications.push(n));
  await person('vanhanh', 'operator');
  await person('soyte', 'department', 'SYT');
  await person('lanhdao', 'leader');
  await person('xaphandinhphung', 'leader', '05443');
}, 60_000);

afterAll(async () => {
  await server?.close();
  await dropDatabase?.();
});

describe('alerting in the server', () => {
  it('runs with the server: /healthz says this process leads the evaluation', async () => {
    const health = await as('lanhdao').get<{ alerting: { running: boolean; role: string } }>('/healthz');
    expect(health.body.alerting).toMatchObject({ running: true, role: 'leader' });
  });

  it('opens one incident per firing alert group, with the SOP checklist, the dossiers and a firing notification', async () => {
    await overdue('SYT', 'SNV', 'SYT');
    await evaluate();
    const syt = await incidentOf('SYT');
    expect(syt).toMatchObject({ state: 'open', severity: 'warning', agencyCode: 'SYT', assignedAgencyCode: null, escalations: 0 });
    expect(syt.linkedIds).toHaveLength(2);
    expect(syt.title.vi).toBe('Hồ sơ quá hạn chưa giải quyết: SYT');
    const detail = await as('vanhanh').get<IncidentDetail>(`/api/incidents/${syt.id}`);
    expect(detail.body.checklist.length).toBe(5);
    expect(detail.body.checklist.every((c) => !c.done)).toBe(true);
    expect(detail.body.timeline.map((e) => [e.kind, e.actor, e.toState])).toEqual([['opened', 'system', 'open']]);
    // Acknowledge within 4 working hours of 10:00 Wednesday: 11:30, then 13:30–16:00.
    expect(syt.ackDueAt).toBe('2026-03-11T09:00:00.000Z');

    const fired = notifications.find((n) => n.kind === 'firing' && n.agencyCode === 'SYT' && n.ruleId === 'DOS-01');
    expect(fired).toMatchObject({ incidentId: syt.id, link: `/incidents/${syt.id}`, severity: 'warning' });

    const alerts = await as('vanhanh').get<{ alerts: AlertView[] }>('/api/alerts?agency=SYT');
    expect(alerts.body.alerts.find((a) => a.ruleId === 'DOS-01')).toMatchObject({ state: 'firing', count: 2, incidentId: syt.id });

    // Evaluating again changes nothing: still one incident per group.
    await overdue('SYT');
    await evaluate();
    const again = await as('vanhanh').get<IncidentList>('/api/incidents?agency=SYT&state=all');
    expect(again.body.incidents.filter((i) => i.ruleId === 'DOS-01').map((i) => i.id)).toEqual([syt.id]);
  });

  it('runs operator → agency → operator, each step in the logbook and the audit log', async () => {
    const { id } = await incidentOf('SYT');
    const op = as('vanhanh');
    const dept = as('soyte');

    // Not forwarded yet: the department sees nothing of it.
    expect((await dept.get<IncidentList>('/api/incidents')).body.incidents).toEqual([]);
    expect((await dept.get(`/api/incidents/${id}`)).status).toBe(403);

    expect((await op.post<IncidentDetail>(`/api/incidents/${id}/ack`, { comment: 'Đã tiếp nhận' })).body.state).toBe('acknowledged');
    const twice = await op.post(`/api/incidents/${id}/ack`, {});
    expect(twice.status).toBe(409);
    expect(ErrorBody.parse(twice.body).error.code).toBe('incident.transitionInvalid');
    expect((await op.post(`/api/incidents/${id}/checklist`, { index: 0, done: true })).status).toBe(200);
    expect((await op.post(`/api/incidents/${id}/checklist`, { index: 9, done: true })).status).toBe(400);
    const assigned = await op.post<IncidentDetail>(`/api/incidents/${id}/assign`, { agencyCode: 'SYT', comment: 'Chuyển Sở Y tế' });
    expect(assigned.body).toMatchObject({ state: 'assigned', assignedAgencyCode: 'SYT' });

    // Forwarded: the department sees it, reports progress and resolves; it may not acknowledge, assign or close.
    expect((await dept.get<IncidentList>('/api/incidents')).body.incidents.map((i) => i.id)).toEqual([id]);
    expect((await dept.post(`/api/incidents/${id}/assign`, { agencyCode: 'SNV' })).status).toBe(403);
    expect((await dept.post<IncidentDetail>(`/api/incidents/${id}/progress`, { comment: 'Đang xử lý 2 hồ sơ' })).body.state).toBe(
      'in_progress',
    );
    expect((await dept.post(`/api/incidents/${id}/comment`, { comment: 'Dự kiến xong trong ngày' })).status).toBe(200);
    expect((await dept.post<IncidentDetail>(`/api/incidents/${id}/resolve`, { comment: 'Đã trả kết quả' })).body.state).toBe('resolved');
    const resolvedTwice = await dept.post(`/api/incidents/${id}/resolve`, { comment: 'lại' });
    expect(resolvedTwice.status).toBe(409);
    expect(ErrorBody.parse(resolvedTwice.body).error).toMatchObject({
      code: 'incident.alreadyResolved',
      message: `Sự cố ${id} đã được xử lý xong.`,
    });
    expect((await dept.post(`/api/incidents/${id}/close`, {})).status).toBe(403);
    const closed = await op.post<IncidentDetail>(`/api/incidents/${id}/close`, { comment: 'Đóng' });
    expect(closed.body.state).toBe('closed');

    expect(closed.body.timeline.map((e) => [e.kind, e.actor, e.role, e.fromState, e.toState])).toEqual([
      ['opened', 'system', null, null, 'open'],
      ['acknowledged', 'vanhanh', 'operator', 'open', 'acknowledged'],
      ['checklist', 'vanhanh', 'operator', 'acknowledged', 'acknowledged'],
      ['assigned', 'vanhanh', 'operator', 'acknowledged', 'assigned'],
      ['progress', 'soyte', 'department', 'assigned', 'in_progress'],
      ['commented', 'soyte', 'department', 'in_progress', 'in_progress'],
      ['resolved', 'soyte', 'department', 'in_progress', 'resolved'],
      ['closed', 'vanhanh', 'operator', 'resolved', 'closed'],
    ]);
    expect(closed.body.timeline.find((e) => e.kind === 'progress')?.comment).toBe('Đang xử lý 2 hồ sơ');
    expect(closed.body.checklist[0]).toMatchObject({ done: true, doneBy: 'vanhanh' });

    const audit = await db.query<{ action: string; actor_name: string }>(
      `select action, actor_name from audit_log where resource_kind = 'incident' and resource_id = $1 order by id`,
      [id],
    );
    expect(audit.rows.map((r) => `${r.actor_name} ${r.action}`)).toEqual([
      'vanhanh incident.ack',
      'vanhanh incident.checklist',
      'vanhanh incident.assign',
      'soyte incident.progress',
      'soyte incident.comment',
      'soyte incident.resolve',
      'vanhanh incident.close',
    ]);
    // Refused actions wrote nothing; the logbook refuses to be rewritten.
    await expect(db.query(`update incident_event set comment = 'sửa' where incident_id = $1`, [id])).rejects.toThrow(/append-only/);
    await expect(db.query(`delete from incident_event where incident_id = $1`, [id])).rejects.toThrow(/append-only/);
  });

  it('keeps a department to its own agency: by id, by query parameter and over the socket', async () => {
    const snv = await incidentOf('SNV');
    const op = as('vanhanh');
    const dept = as('soyte');
    await op.post(`/api/incidents/${snv.id}/ack`, {});
    await op.post(`/api/incidents/${snv.id}/assign`, { agencyCode: 'SNV' });

    for (const action of ['progress', 'resolve', 'comment'] as const) {
      const res = await dept.post(`/api/incidents/${snv.id}/${action}`, { comment: 'không phải việc của tôi' });
      expect(res.status, action).toBe(403);
    }
    expect((await dept.get(`/api/incidents/${snv.id}`)).status).toBe(403);
    expect((await dept.get('/api/incidents?agency=SNV')).status).toBe(403);
    expect((await dept.get('/api/alerts?agency=SNV')).status).toBe(403);
    const own = await dept.get<{ alerts: AlertView[] }>('/api/alerts');
    expect(new Set(own.body.alerts.map((a) => a.agencyCode))).toEqual(new Set(['SYT']));
    // A commune's leader sees neither agency's.
    expect((await as('xaphandinhphung').get<IncidentList>('/api/incidents?state=all')).body.incidents).toEqual([]);

    const deptLive = await subscribed(dept);
    const opLive = await subscribed(op);
    try {
      expect(deptLive.ack.ok && deptLive.ack.snapshot.alerts.every((a) => a.agencyCode === 'SYT')).toBe(true);
      expect(deptLive.ack.ok && deptLive.ack.snapshot.alerts.length).toBeGreaterThan(0);
      expect(opLive.ack.ok && opLive.ack.snapshot.incidents.some((i) => i.id === snv.id)).toBe(true);
      const deptSeen: AlertView[] = [];
      const opGotSnv = nextEvent<AlertView>(opLive.socket, AlertLiveEvents.alert, (a) => a.agencyCode === 'SNV' && a.ruleId === 'DOS-01');
      const deptGotSyt = nextEvent<AlertView>(
        deptLive.socket,
        AlertLiveEvents.alert,
        (a) => a.agencyCode === 'SYT' && a.ruleId === 'DOS-01',
        deptSeen,
      );
      // One evaluation changes both agencies' alerts; SNV's is pushed first (dedup key order), so a leak would arrive
      // at the department's socket before the SYT change it waits for.
      await overdue('SNV', 'SYT');
      await evaluate();
      expect((await opGotSnv).count).toBe(2);
      expect((await deptGotSyt).count).toBe(4);
      expect(deptSeen.map((a) => a.agencyCode)).toEqual(deptSeen.map(() => 'SYT'));

      // An operator's action is pushed at once to the operator, and to the department only when forwarded to it.
      const incidentSeen: IncidentSummary[] = [];
      const deptIncident = nextEvent<IncidentSummary>(deptLive.socket, AlertLiveEvents.incident, () => true, incidentSeen);
      const opIncident = nextEvent<IncidentSummary>(opLive.socket, AlertLiveEvents.incident, (i) => i.id === snv.id);
      await op.post(`/api/incidents/${snv.id}/comment`, { comment: 'Gọi đầu mối Sở Nội vụ' });
      await opIncident;
      const { id: sytId } = await incidentOf('SYT');
      await op.post(`/api/incidents/${sytId}/reopen`, { comment: 'Còn hồ sơ quá hạn' });
      expect((await deptIncident).id).toBe(sytId);
      expect(incidentSeen.map((i) => i.id)).toEqual([sytId]);
    } finally {
      deptLive.socket.close();
      opLive.socket.close();
    }
  });

  it('silences a rule for an agency: it fires silenced, no incident, no notification; cancelled, it announces', async () => {
    const op = as('vanhanh');
    const endsAt = new Date(clock.now().getTime() + 3_600_000).toISOString();
    const created = await op.post<{ id: string }>('/api/silences', {
      ruleIds: ['DOS-01'],
      agencyCodes: ['STP'],
      endsAt,
      reason: 'Bảo trì',
    });
    expect(created.status).toBe(201);
    expect((await as('lanhdao').post('/api/silences', { ruleIds: ['DOS-01'], endsAt, reason: 'x' })).status).toBe(403);
    expect((await op.post('/api/silences', { endsAt, reason: 'không chọn gì' })).status).toBe(400);

    await overdue('STP');
    await evaluate();
    const alerts = await op.get<{ alerts: AlertView[] }>('/api/alerts?agency=STP');
    expect(alerts.body.alerts.find((a) => a.ruleId === 'DOS-01')).toMatchObject({ state: 'firing', silenced: true, incidentId: null });
    expect(notifications.filter((n) => n.agencyCode === 'STP')).toEqual([]);

    const cancelled = await op.post<{ cancelledAt: string | null }>(`/api/silences/${created.body.id}/cancel`);
    expect(cancelled.body.cancelledAt).toBe(clock.now().toISOString());
    await evaluate();
    expect(notifications.filter((n) => n.agencyCode === 'STP').map((n) => n.kind)).toEqual(['firing']);
    expect((await incidentOf('STP')).state).toBe('open');

    const audit = await db.query<{ action: string }>(`select action from audit_log where resource_kind = 'silence' order by id`);
    expect(audit.rows.map((r) => r.action)).toEqual(['silence.create', 'silence.cancel']);
  });

  it('escalates an incident nobody acknowledged in 4 working hours: one step up, in the logbook, a notification', async () => {
    const stp = await incidentOf('STP');
    expect(stp.ackDueAt).toBe('2026-03-11T09:00:00.000Z');
    clock.set('2026-03-11T08:59:59.000Z');
    await evaluate();
    // Five hours on, the morning's session has timed out: sign in again.
    people.set('vanhanh', await signedIn(server.url, 'vanhanh', STRONG));
    expect((await incidentOf('STP')).escalations).toBe(0);

    clock.set('2026-03-11T09:00:00.000Z');
    await evaluate();
    const escalated = await as('vanhanh').get<IncidentDetail>(`/api/incidents/${stp.id}`);
    expect(escalated.body).toMatchObject({ severity: 'critical', escalations: 1, state: 'open' });
    expect(escalated.body.timeline.at(-1)).toMatchObject({
      kind: 'escalated',
      actor: 'system',
      details: { fromSeverity: 'warning', toSeverity: 'critical' },
    });
    // The next deadline: 4 working hours from 16:00 Wednesday is 10:30 Thursday.
    expect(escalated.body.ackDueAt).toBe('2026-03-12T03:30:00.000Z');
    expect(notifications.filter((n) => n.kind === 'escalated')).toEqual([
      expect.objectContaining({ incidentId: stp.id, severity: 'critical', agencyCode: 'STP', link: `/incidents/${stp.id}` }),
    ]);

    // Acknowledged, it escalates no more.
    await as('vanhanh').post(`/api/incidents/${stp.id}/ack`, {});
    clock.set('2026-03-13T03:00:00.000Z');
    await evaluate();
    // Read from the store: two days on, the operator's session has long timed out.
    expect(await readIncident(db, stp.id)).toMatchObject({ state: 'acknowledged', severity: 'critical', escalations: 1 });
  });
});
