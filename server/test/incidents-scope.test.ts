import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ErrorBody,
  loadCatalogue,
  loadWorkingCalendar,
  migrate,
  openPgDb,
  readIncident,
  readIncidentEvents,
  writeDocumentBatch,
  writeProjectBatch,
  type AlertView,
  type Db,
  type DocumentWire,
  type IncidentDetail,
  type IncidentList,
  type IncidentSummary,
  type ProjectWire,
  type Role,
} from '@ioc/core';
import { createTestDatabase, makeDocument, makeProject } from '@ioc/core/testing';
import { cliActor } from '../src/audit/audit.service';
import { createLogger } from '../src/logging/logger';
import { startServer, type RunningServer } from '../src/runtime/start-server';
import { fakeClock, signedIn, type FakeClock, type TestClient } from './auth-harness';

// Issue #5, "what it must show": a department sees and acts only on its own agency's incidents. Incidents come from the
// document and project rules (DOC-01, PRJ-02) through the real engine; the Department of Health (SYT) then tries every
// incident action and the silence actions on the Department of Home Affairs' (SNV) incidents over HTTP. The policy
// answers 403 `auth.forbidden` for an incident outside the caller's scope (and for an action the role lacks), always
// before the incident's state is judged; nothing is written: the incident row, its logbook and the audit log stay.

let db: Db;
let dropDatabase: () => Promise<void>;
let clock: FakeClock;
let server: RunningServer;
const people = new Map<string, TestClient>();
const as = (username: string) => people.get(username)!;
const calendar = await loadWorkingCalendar();

async function person(username: string, role: Role, scope?: string): Promise<void> {
  const issued = await server.accounts.users.create(cliActor(), { username, role, ...(scope ? { scope } : {}) });
  people.set(username, await signedIn(server.url, username, issued.password!));
}

/** A document of `agency` in progress, assigned 09/03/2026 and due 10/03/2026 17:00. */
const overdueDocument = (agency: string, overrides: Partial<DocumentWire> = {}) =>
  makeDocument({
    agency_code: agency,
    summary: 'Về việc báo cáo tình hình thực hiện nhiệm vụ',
    received_via: 'axis',
    received_at: '2026-03-09T08:30:00+07:00',
    registered_at: '2026-03-09T09:00:00+07:00',
    assigned_at: '2026-03-09T10:00:00+07:00',
    deadline_at: '2026-03-10T17:00:00+07:00',
    status: 'in_progress',
    ...overrides,
  });

/** A project last updated 05/02/2026: on 11/03 its agency missed the March cycle's update. */
const staleProject = (agency: string, overrides: Partial<ProjectWire> = {}) =>
  makeProject({
    managing_agency_code: agency,
    name: 'Trạm y tế xã',
    sector: 'Y tế',
    total_investment_vnd: 20_000_000_000,
    planned_completion: '2027-06-30',
    progress_planned_pct: 30,
    progress_actual_pct: 30,
    source_updated_at: '2026-02-05T09:00:00+07:00',
    last_update_at: '2026-02-05T09:00:00+07:00',
    ...overrides,
  });

async function incidentOf(ruleId: string, agency: string): Promise<IncidentSummary> {
  const list = await as('vanhanh').get<IncidentList>(`/api/incidents?agency=${agency}&state=all`);
  const found = list.body.incidents.find((i) => i.ruleId === ruleId);
  expect(found, `a ${ruleId} incident for ${agency}`).toBeDefined();
  return found!;
}

/** Everything an action could change about one incident: its row, its logbook, its audit rows. */
async function footprint(id: string) {
  const incident = await readIncident(db, id);
  const events = await readIncidentEvents(db, id);
  const audit = await db.query<{ n: number }>(
    `select count(*)::int as n from audit_log where resource_kind = 'incident' and resource_id = $1`,
    [id],
  );
  return {
    state: incident?.state,
    revision: incident?.revision,
    assigned: incident?.assignedAgencyCode,
    checklist: incident?.checklist.map((c) => c.done),
    events: events.map((e) => e.id),
    audit: audit.rows[0]!.n,
  };
}

const silenceFootprint = async () =>
  (await db.query<{ id: string; cancelled_at: Date | null }>(`select id::text, cancelled_at from alert_silence order by id`)).rows
    .map((r) => `${r.id}:${r.cancelled_at?.toISOString() ?? '-'}`)
    .join(',') +
  `|audit=${(await db.query<{ n: number }>(`select count(*)::int as n from audit_log where resource_kind = 'silence'`)).rows[0]!.n}`;

/** Each incident action with a body its route accepts. */
const ACTIONS = [
  ['ack', {}],
  ['assign', { agencyCode: 'SYT', comment: 'Chuyển về Sở Y tế' }],
  ['comment', { comment: 'Không phải việc của Sở Y tế' }],
  ['checklist', { index: 0, done: true }],
  ['progress', { comment: 'Đang xử lý' }],
  ['resolve', { comment: 'Đã xong' }],
  ['close', { comment: 'Đóng' }],
  ['reopen', { comment: 'Mở lại' }],
] as const;

let sntDocument: IncidentSummary;
let snvProject: IncidentSummary;
let sytDocument: IncidentSummary;
let snvDocumentId: string;
let snvProjectIds: string[];

beforeAll(async () => {
  const database = await createTestDatabase('ioc_incidents_scope');
  const pg = await openPgDb({ connectionString: database.url, max: 6 });
  await migrate(pg);
  db = pg;
  dropDatabase = async () => {
    await pg.close();
    await database.drop();
  };
  // Wednesday 11/03/2026 10:00 in the province: the documents were due Tuesday 17:00, the March project update by 10/03.
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
    writesPerMinute: 10_000,
    alerting: { databaseUrl: database.url, evaluateEverySeconds: 3600, leaderRetrySeconds: 1 },
  });
  await person('vanhanh', 'operator');
  await person('soyte', 'department', 'SYT');

  const snvDoc = overdueDocument('SNV');
  snvDocumentId = `qlvb/${snvDoc.source_id}`;
  await writeDocumentBatch(db, calendar, 'qlvb', [snvDoc, overdueDocument('SYT')], null);
  const snvProjects = [staleProject('SNV'), staleProject('SNV')];
  snvProjectIds = snvProjects.map((p) => `csdldt/${p.source_id}`).sort();
  await writeProjectBatch(db, 'csdldt', snvProjects, null);
  expect(await server.incidents.alerting!.engine.evaluateNow()).not.toBeNull();

  sntDocument = await incidentOf('DOC-01', 'SNV');
  snvProject = await incidentOf('PRJ-02', 'SNV');
  sytDocument = await incidentOf('DOC-01', 'SYT');
  const op = as('vanhanh');
  for (const [incident, agency] of [
    [sntDocument, 'SNV'],
    [sytDocument, 'SYT'],
  ] as const) {
    expect((await op.post(`/api/incidents/${incident.id}/ack`, {})).status).toBe(200);
    expect((await op.post(`/api/incidents/${incident.id}/assign`, { agencyCode: agency })).status).toBe(200);
  }
}, 60_000);

afterAll(async () => {
  await server?.close();
  await dropDatabase?.();
});

describe('incidents from document and project rules', () => {
  it('link the overdue documents and the projects not updated, with the rule’s title and SOP checklist', async () => {
    const doc = await as('vanhanh').get<IncidentDetail>(`/api/incidents/${sntDocument.id}`);
    expect(doc.body).toMatchObject({ ruleId: 'DOC-01', agencyCode: 'SNV', severity: 'warning', linkedIds: [snvDocumentId] });
    expect(doc.body.title.vi).toBe('Văn bản đến quá hạn xử lý: SNV');
    expect(doc.body.checklist.map((c) => c.text.vi)[0]).toMatch(/^Mở danh sách văn bản đến quá hạn/);

    const prj = await as('vanhanh').get<IncidentDetail>(`/api/incidents/${snvProject.id}`);
    expect(prj.body).toMatchObject({ ruleId: 'PRJ-02', agencyCode: 'SNV', state: 'open', linkedIds: snvProjectIds });
    expect(prj.body.title.vi).toBe('Cơ quan chưa cập nhật dự án trước ngày 10: SNV');
    expect(prj.body.checklist).toHaveLength(4);
  });
});

describe('a department acts only on its own agency’s incidents (issue #5)', () => {
  it('lists only the incidents forwarded to it, refuses another agency by query parameter, and reads none of its by id', async () => {
    const dept = as('soyte');
    const own = await dept.get<IncidentList>('/api/incidents?state=all');
    expect(own.status).toBe(200);
    expect(own.body.incidents.map((i) => i.id)).toEqual([sytDocument.id]);
    expect((await dept.get<IncidentList>('/api/incidents?agency=SYT&state=all')).body.incidents.map((i) => i.id)).toEqual([sytDocument.id]);
    const byAgency = await dept.get('/api/incidents?agency=SNV');
    expect(byAgency.status).toBe(403);
    expect(ErrorBody.parse(byAgency.body).error.code).toBe('auth.forbidden');
    for (const incident of [sntDocument, snvProject]) {
      const res = await dept.get(`/api/incidents/${incident.id}`);
      expect(res.status, incident.ruleId).toBe(403);
      expect(ErrorBody.parse(res.body).error.code).toBe('auth.forbidden');
    }
    // Alerts: its own agency's only, and asking for another's is refused.
    const alerts = await dept.get<{ alerts: AlertView[] }>('/api/alerts');
    expect(new Set(alerts.body.alerts.map((a) => a.agencyCode))).toEqual(new Set(['SYT']));
    expect((await dept.get('/api/alerts?agency=SNV')).status).toBe(403);
  });

  describe.each([
    ['forwarded to SNV', () => sntDocument],
    ['about SNV, not forwarded yet', () => snvProject],
  ])('on an incident %s', (_name, target) => {
    it.each(ACTIONS)('%s: 403, and neither the incident, its logbook nor the audit log changes', async (action, body) => {
      const { id } = target();
      const before = await footprint(id);
      const res = await as('soyte').post(`/api/incidents/${id}/${action}`, body);
      expect(res.status).toBe(403);
      expect(ErrorBody.parse(res.body).error.code).toBe('auth.forbidden');
      expect(await footprint(id)).toEqual(before);
    });
  });

  it('may comment, report progress and resolve its own forwarded incident: the refusals above are about scope', async () => {
    const dept = as('soyte');
    for (const [action, body] of ACTIONS.filter(([a]) => ['comment', 'progress', 'resolve'].includes(a))) {
      const before = await footprint(sytDocument.id);
      const res = await dept.post<IncidentDetail>(`/api/incidents/${sytDocument.id}/${action}`, body);
      expect(res.status, action).toBe(200);
      const after = await footprint(sytDocument.id);
      expect(after.events.length, action).toBe(before.events.length + 1);
      expect(after.audit, action).toBe(before.audit + 1);
    }
    expect((await readIncident(db, sytDocument.id))?.state).toBe('resolved');
  });

  it('can neither silence another agency’s alerts nor cancel a silence on them', async () => {
    const endsAt = new Date(clock.now().getTime() + 3_600_000).toISOString();
    const operatorSilence = await as('vanhanh').post<{ id: string }>('/api/silences', {
      ruleIds: ['DOC-01'],
      agencyCodes: ['SNV'],
      endsAt,
      reason: 'Sở Nội vụ đang bảo trì hệ thống',
    });
    expect(operatorSilence.status).toBe(201);
    const before = await silenceFootprint();
    const dept = as('soyte');
    const created = await dept.post('/api/silences', { ruleIds: ['DOC-01'], agencyCodes: ['SNV'], endsAt, reason: 'Tắt cảnh báo' });
    expect(created.status).toBe(403);
    expect(ErrorBody.parse(created.body).error.code).toBe('auth.forbidden');
    const cancelled = await dept.post(`/api/silences/${operatorSilence.body.id}/cancel`);
    expect(cancelled.status).toBe(403);
    expect(ErrorBody.parse(cancelled.body).error.code).toBe('auth.forbidden');
    expect(await silenceFootprint()).toEqual(before);
  });
});
