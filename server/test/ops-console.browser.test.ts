/// <reference lib="dom" />
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  loadCatalogue,
  migrate,
  openPgDb,
  writeDossierBatch,
  type AlertList,
  type Db,
  type IncidentList,
  type IncidentSummary,
  type Role,
  type SilenceView,
} from '@ioc/core';
import { createTestDatabase } from '@ioc/core/testing';
import { makeDossier } from '../src/alerts/alert-test-support';
import { cliActor } from '../src/audit/audit.service';
import { DEFAULT_WEB_DIST } from '../src/http/app';
import { createLogger } from '../src/logging/logger';
import { startServer, type RunningServer } from '../src/runtime/start-server';
import { fakeClock, signedIn, type FakeClock, type TestClient } from './auth-harness';
import { WatchedBrowser } from './browser-harness';

// The operators' console end to end (issue #5): the real alert engine opens an incident from overdue dossiers, an
// operator acknowledges and forwards it in Chromium, the department reports and resolves it, the operator closes it.

const DAY = 24 * 60 * 60_000;

let db: Db;
let dropDatabase: () => Promise<void>;
// The browser keeps real time (cookies expire by it): the server's clock starts at the real now and stands still.
let clock: FakeClock;
let server: RunningServer;
let browser: WatchedBrowser;
const people = new Map<string, TestClient>();
let incident: IncidentSummary;

async function person(username: string, role: Role, scope?: string): Promise<void> {
  const issued = await server.accounts.users.create(cliActor(), { username, role, ...(scope ? { scope } : {}) });
  people.set(username, await signedIn(server.url, username, issued.password!));
}

async function signIn(page: Page, username: string): Promise<void> {
  await browser.signIn(page, `${server.url}/ops`, username);
  await page.getByTestId('link-state').and(page.locator('[data-state="live"]')).waitFor({ timeout: 15_000 });
}

async function openIncident(page: Page): Promise<void> {
  await page.getByTestId(`queue-item-${incident.id}`).click();
  await page.locator(`[data-testid="incident-detail"][data-incident="${incident.id}"]`).waitFor();
}

const detailState = (page: Page) => page.getByTestId('incident-detail').getAttribute('data-state');

beforeAll(async () => {
  if (!existsSync(join(DEFAULT_WEB_DIST, 'index.html'))) throw new Error('web/dist is missing: run `npm run build:web` first');
  const database = await createTestDatabase('ioc_ops_console');
  const pg = await openPgDb({ connectionString: database.url, max: 6 });
  await migrate(pg);
  db = pg;
  dropDatabase = async () => {
    await pg.close();
    await database.drop();
  };
  clock = fakeClock(new Date().toISOString());
  server = await startServer({
    db,
    catalogue: await loadCatalogue(),
    clock,
    logger: createLogger('silent'),
    host: '127.0.0.1',
    port: 0,
    patchesPerSecond: 20,
    clockSeconds: 60,
    webDist: DEFAULT_WEB_DIST,
    loginFailuresPerAddress: 1000,
    // Evaluations come from committed writes and from evaluateNow, never from the real clock.
    alerting: { databaseUrl: database.url, evaluateEverySeconds: 3600, leaderRetrySeconds: 1 },
  });
  await person('vanhanh', 'operator');
  await person('soyte', 'department', 'SYT');
  browser = await WatchedBrowser.launch();

  // Two dossiers of the health department, due two days ago and still in progress: DOS-01 fires.
  const at = (days: number) => new Date(clock.now().getTime() - days * DAY).toISOString();
  const dossier = () =>
    makeDossier({
      handling_agency_code: 'SYT',
      receiving_unit_code: 'SYT',
      received_at: at(6),
      status_changed_at: at(6),
      source_updated_at: at(6),
      due_at: at(2),
    });
  await writeDossierBatch(db, 'dvc', [dossier(), dossier()], null);
  expect(await server.incidents.alerting!.engine.evaluateNow(), 'this server leads the alert evaluation').not.toBeNull();
  const list = await people.get('vanhanh')!.get<IncidentList>('/api/incidents?agency=SYT');
  const found = list.body.incidents.find((i) => i.ruleId === 'DOS-01');
  expect(found, 'the engine opened a DOS-01 incident for SYT').toBeDefined();
  incident = found!;
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await dropDatabase?.();
});

let operator: Page;
let department: Page;

it('the operator sees the incident the engine opened, in Vietnamese, with its agency, records and deadline', async () => {
  operator = (await browser.window('operator', { width: 1920, height: 1080 })).page;
  await signIn(operator, 'vanhanh');
  const row = operator.getByTestId(`queue-item-${incident.id}`);
  await row.waitFor();
  const text = await row.innerText();
  expect(text).toContain('Hồ sơ quá hạn chưa giải quyết');
  expect(text).toContain('Sở Y tế');
  expect(text).toContain('Mới mở');
  expect(text).toContain('2 hồ sơ');
  expect(text).toMatch(/Hạn tiếp nhận còn|Quá hạn tiếp nhận/);
  expect(await row.locator('[data-severity]').innerText()).toMatch(/Cảnh báo|Nghiêm trọng/);
});

it('the operator acknowledges it and forwards it to the health department', async () => {
  await openIncident(operator);
  await operator.getByTestId('action-ack').click();
  await expect.poll(() => detailState(operator)).toBe('acknowledged');
  await operator.getByTestId('assign-agency').selectOption('SYT');
  await operator.getByTestId('action-note').fill('Đề nghị Sở Y tế kiểm tra, xử lý hồ sơ quá hạn.');
  await operator.getByTestId('action-assign').click();
  await expect.poll(() => detailState(operator)).toBe('assigned');
  expect(await operator.getByTestId('incident-assigned').innerText()).toBe('Sở Y tế');
  // The queue row follows the server's answer and the live event.
  await expect.poll(() => operator.getByTestId(`queue-item-${incident.id}`).innerText()).toContain('Đã chuyển xử lý');
  await operator.screenshot({ path: '/tmp/ops-1920.png', fullPage: false });
});

it('the health department sees it, may not close it, reports progress and resolves it', async () => {
  department = (await browser.window('department', { width: 390, height: 844 })).page;
  await signIn(department, 'soyte');
  await openIncident(department);
  expect(await department.getByTestId('action-close').count()).toBe(0);
  expect(await department.getByTestId('action-ack').count()).toBe(0);

  await department.getByTestId('action-note').fill('Đã liên hệ bộ phận một cửa, đang xử lý 2 hồ sơ.');
  await department.getByTestId('action-progress').click();
  await expect.poll(() => detailState(department)).toBe('in_progress');
  // A resolution needs a comment: the page says so instead of sending an empty one.
  await department.getByTestId('action-resolve').click();
  await department.getByText('Cần nhập nội dung cho thao tác này').waitFor();
  await department.getByTestId('action-note').fill('Đã trả kết quả 2 hồ sơ cho công dân.');
  await department.getByTestId('action-resolve').click();
  await expect.poll(() => detailState(department)).toBe('resolved');
  await department.screenshot({ path: '/tmp/ops-390.png', fullPage: true });
});

it('the operator sees the resolution live, closes it, and the logbook lists every step with its person', async () => {
  await expect.poll(() => detailState(operator), { timeout: 15_000 }).toBe('resolved');
  await operator.getByTestId('action-close').click();
  await expect.poll(() => detailState(operator)).toBe('closed');

  const entries = operator.getByTestId('timeline-entry');
  const steps = await entries.evaluateAll((nodes) =>
    nodes.map((n) => [n.getAttribute('data-kind'), n.querySelector('[data-testid="timeline-actor"]')?.textContent?.trim()]),
  );
  // Newest first on screen.
  expect(steps.map(([kind]) => kind)).toEqual(['closed', 'resolved', 'progress', 'assigned', 'acknowledged', 'opened']);
  expect(Object.fromEntries(steps)).toEqual({
    closed: 'vanhanh (Vận hành)',
    resolved: 'soyte (Sở, ngành)',
    progress: 'soyte (Sở, ngành)',
    assigned: 'vanhanh (Vận hành)',
    acknowledged: 'vanhanh (Vận hành)',
    opened: 'Hệ thống',
  });
  const logbook = await operator.getByTestId('incident-timeline').innerText();
  expect(logbook).toContain('Đã trả kết quả 2 hồ sơ cho công dân.');
  expect(logbook).toMatch(/\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/);
  await operator.screenshot({ path: '/tmp/ops-1920-closed.png', fullPage: false });
});

it('switches the console to English with the language switch', async () => {
  await operator.getByTestId('lang-switch').click();
  await expect.poll(() => operator.getByRole('heading', { level: 1 }).innerText()).toBe('Alerts and incidents');
  expect(await operator.getAttribute('html', 'lang')).toBe('en');
  expect(await operator.getByTestId('incident-state').innerText()).toBe('Closed');
  await operator.getByTestId('lang-switch').click();
  await expect.poll(() => operator.getByRole('heading', { level: 1 }).innerText()).toBe('Cảnh báo và sự cố');
});

/** Firing alerts the API lists for the operator: the strip's counts should be these. */
async function firingCounts(): Promise<string> {
  const list = await people.get('vanhanh')!.get<AlertList>('/api/alerts?state=firing&limit=500');
  const firing = list.body.alerts.filter((a) => !a.silenced);
  const critical = firing.filter((a) => a.severity === 'critical').length;
  const warning = firing.filter((a) => a.severity === 'warning').length;
  return critical + warning === 0 ? 'Không có cảnh báo đang phát' : `${critical} nghiêm trọng · ${warning} cảnh báo`;
}

it('shows the firing alerts on the wall, and a new one arrives without a reload', async () => {
  await operator.goto(`${server.url}/wall`);
  const counts = operator.getByTestId('alert-strip-counts');
  await expect.poll(async () => (await counts.innerText()).replace(/^\W+/, '').trim(), { timeout: 15_000 }).toBe(await firingCounts());
  const before = await firingCounts();

  // The newest alert is the one that fires now; the server's clock never runs ahead of the browser's (the silence below
  // would start in the browser's future).
  clock.set(new Date(Math.max(Date.now(), clock.now().getTime() + 1_000)).toISOString());
  const at = (days: number) => new Date(clock.now().getTime() - days * DAY).toISOString();
  const snv = () => makeDossier({ handling_agency_code: 'SNV', receiving_unit_code: 'SNV', received_at: at(6), due_at: at(2) });
  await writeDossierBatch(db, 'dvc', [snv(), snv()], null);
  await server.incidents.alerting!.engine.evaluateNow();
  const after = await firingCounts();
  expect(after).not.toBe(before);
  await expect.poll(async () => (await counts.innerText()).replace(/^\W+/, '').trim(), { timeout: 15_000 }).toBe(after);
  expect(await operator.getByTestId('alert-strip').innerText()).toContain('Hồ sơ quá hạn chưa giải quyết · Sở Nội vụ');
  await operator.screenshot({ path: '/tmp/ops-wall-strip.png' });
});

it('the operator silences the new alert for a shift from its incident, sees it listed, then ends it early', async () => {
  const list = await people.get('vanhanh')!.get<IncidentList>('/api/incidents?agency=SNV');
  const snv = list.body.incidents.find((i) => i.ruleId === 'DOS-01');
  expect(snv, 'the engine opened a DOS-01 incident for SNV').toBeDefined();
  await operator.goto(`${server.url}/ops?incident=${snv!.id}`);
  await operator.locator(`[data-testid="incident-detail"][data-incident="${snv!.id}"]`).waitFor();
  const form = operator.getByTestId('silence-form');
  expect(await form.innerText()).toContain('Chỉ cơ quan Sở Nội vụ');
  // No reason, no silence: the page says what is missing instead of sending.
  await operator.getByTestId('silence-submit').click();
  await operator.getByText('Cần ghi lý do tạm dừng').waitFor();
  await operator.getByTestId('silence-duration').selectOption('8');
  await operator.getByTestId('silence-reason').fill('Sở Nội vụ đang chuyển đổi phần mềm một cửa, đã báo trước.');
  const before = Date.now();
  await operator.getByTestId('silence-submit').click();
  await operator.getByTestId('target-silenced').waitFor();
  expect(await operator.getByTestId('target-silenced').innerText()).toMatch(/^Đã tạm dừng thông báo đến \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);

  const { body } = await people.get('vanhanh')!.get<{ silences: SilenceView[] }>('/api/silences');
  expect(body.silences).toHaveLength(1);
  const silence = body.silences[0]!;
  expect(silence).toMatchObject({ kind: 'silence', ruleIds: ['DOS-01'], agencyCodes: ['SNV'], createdBy: 'vanhanh', cancelledAt: null });
  const hours = (Date.parse(silence.endsAt) - before) / 3_600_000;
  expect(hours).toBeGreaterThan(7.99);
  expect(hours).toBeLessThan(8.01);

  // The engine's next look marks the alert silenced; the wall's strip leaves it out.
  await server.incidents.alerting!.engine.evaluateNow();
  const alerts = await people.get('vanhanh')!.get<AlertList>('/api/alerts?agency=SNV');
  expect(alerts.body.alerts.find((a) => a.ruleId === 'DOS-01')?.silenced).toBe(true);

  await operator.getByTestId('tab-silences').click();
  const item = operator.getByTestId('silence-item');
  await item.waitFor();
  const text = await item.innerText();
  expect(text).toContain('Đang hiệu lực');
  expect(text).toContain('DOS-01 · Hồ sơ quá hạn chưa giải quyết');
  expect(text).toContain('Cơ quan: Sở Nội vụ');
  expect(text).toContain('Sở Nội vụ đang chuyển đổi phần mềm một cửa');
  expect(text).toMatch(/\d{2}\/\d{2}\/\d{4} \d{2}:\d{2} → \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/);
  expect(await operator.getByTestId('silence-count').innerText()).toBe('1');
  await operator.screenshot({ path: '/tmp/ops-silences-1920.png' });

  // A department handles what is forwarded to it: no silences tab, no form, even when the address asks for them.
  await department.goto(`${server.url}/ops?incident=${incident.id}&tab=silences`);
  await department.locator(`[data-testid="incident-detail"][data-incident="${incident.id}"]`).waitFor();
  expect(await department.getByTestId('tab-silences').count()).toBe(0);
  expect(await department.getByTestId('silence-list').count()).toBe(0);
  expect(await department.getByTestId('silence-form').count()).toBe(0);

  await operator.getByTestId('silence-cancel').click();
  await expect.poll(() => operator.getByTestId('silence-status').innerText()).toBe('Đã kết thúc sớm');
  const after = await people.get('vanhanh')!.get<{ silences: SilenceView[] }>('/api/silences');
  expect(after.body.silences[0]!.cancelledAt).not.toBeNull();
});

it('logged no console error or warning, and broke no rule of the Content-Security-Policy', async () => {
  expect(browser.problems).toEqual([]);
  expect(await browser.cspViolations(operator)).toEqual([]);
  expect(await browser.cspViolations(department)).toEqual([]);
});
