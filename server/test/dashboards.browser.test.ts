/// <reference lib="dom" />
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { loadCatalogue, migrate, openPgDb, type Db, type PanelData, type Role } from '@ioc/core';
import { createTestDatabase } from '@ioc/core/testing';
import { cliActor } from '../src/audit/audit.service';
import { DEFAULT_WEB_DIST } from '../src/http/app';
import { createLogger } from '../src/logging/logger';
import { startServer, type RunningServer } from '../src/runtime/start-server';
import { fakeClock, signedIn, type TestClient } from './auth-harness';
import { WatchedBrowser } from './browser-harness';

// The dashboards page end to end (issues #5/#6): real server, real PostgreSQL, rollup rows written for known minutes;
// a department and a leader read their numbers in Chromium, change the range and the unit through the address.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

let db: Db;
let dropDatabase: () => Promise<void>;
let server: RunningServer;
let browser: WatchedBrowser;
const people = new Map<string, TestClient>();

async function person(username: string, role: Role, scope?: string): Promise<void> {
  const issued = await server.accounts.users.create(cliActor(), { username, role, ...(scope ? { scope } : {}) });
  people.set(username, await signedIn(server.url, username, issued.password!));
}

/** Opens `path` signed out, signs in on the page the guard shows, and comes back to `path`. */
const signIn = (page: Page, username: string, path: string) => browser.signIn(page, `${server.url}${path}`, username);

/** A window of its own; reduced motion, so that charts draw their final frame at once (the page honours it). */
const windowFor = (label: string, viewport: { width: number; height: number }) =>
  browser.window(label, viewport, { reducedMotion: 'reduce' });

const panel = (page: Page, id: string) => page.getByTestId(`panel-${id}`);

/** Waits until every panel of the page has answered (data or its own error), none still loading. */
async function panelsSettled(page: Page): Promise<void> {
  await page.getByTestId('dashboard').locator('[data-status]').first().waitFor();
  await expect.poll(() => page.locator('[data-status="loading"]').count(), { timeout: 15_000 }).toBe(0);
}

/** The panel's data as the API answers it for the same caller, range and unit the page used. */
async function apiData(username: string, dashboard: string, panelId: string, params: Record<string, string> = {}): Promise<PanelData> {
  const query = new URLSearchParams(params).toString();
  const res = await people.get(username)!.get<PanelData>(`/api/dashboards/${dashboard}/panels/${panelId}/data${query ? `?${query}` : ''}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

/** What the page must show for a count: vi-VN grouping (`1.234`), or the no-data text. */
const countText = (value: number | null) => (value === null ? 'Không có dữ liệu' : new Intl.NumberFormat('vi-VN').format(value));

/** How many rows the dashboard's panels are laid out in. */
async function panelRows(page: Page): Promise<number> {
  const tops = await page.locator('.grid > .panel').evaluateAll((nodes) => nodes.map((n) => Math.round(n.getBoundingClientRect().top)));
  return new Set(tops).size;
}

beforeAll(async () => {
  if (!existsSync(join(DEFAULT_WEB_DIST, 'index.html'))) throw new Error('web/dist is missing: run `npm run build:web` first');
  const database = await createTestDatabase('ioc_dashboards_browser');
  const pg = await openPgDb({ connectionString: database.url, max: 6 });
  await migrate(pg);
  db = pg;
  dropDatabase = async () => {
    await pg.close();
    await database.drop();
  };
  // The browser keeps real time (cookies expire by it, ranges end at its now): the server's clock starts there too.
  const start = Date.now();
  server = await startServer({
    db,
    catalogue: await loadCatalogue(),
    clock: fakeClock(new Date(start).toISOString()),
    logger: createLogger('silent'),
    host: '127.0.0.1',
    port: 0,
    patchesPerSecond: 20,
    clockSeconds: 60,
    webDist: DEFAULT_WEB_DIST,
    loginFailuresPerAddress: 1000,
  });
  await person('soyte', 'department', 'SYT');
  await person('lanhdao', 'leader');
  browser = await WatchedBrowser.launch();

  // Today (after the provincial midnight, at most 2 hours ago) and three days ago, in whole minutes.
  const minute = Math.floor(start / MINUTE) * MINUTE;
  const midnight = Math.floor((start + 7 * HOUR) / DAY) * DAY - 7 * HOUR;
  const today = new Date(Math.max(midnight, minute - 2 * HOUR));
  const earlier = new Date(minute - 3 * DAY);
  const rows: [Date, string, string, number, number, number, number][] = [
    // bucket, agency, unit, received, received online, finished, finished on time
    [today, 'SYT', '19', 5, 4, 4, 3],
    [earlier, 'SYT', '19', 7, 0, 2, 2],
    [today, 'SNV', '19', 11, 11, 2, 0],
  ];
  for (const [bucket, agency, unit, received, online, finished, onTime] of rows)
    await db.query(
      `insert into dossier_rollup_minute (bucket, handling_agency_code, unit_code, received, received_online, finished, finished_on_time)
       values ($1, $2, $3, $4, $5, $6, $7)`,
      [bucket, agency, unit, received, online, finished, onTime],
    );
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await dropDatabase?.();
});

let department: Page;
let leader: Page;

it('the department reaches the dashboards from the operations header and sees the list', async () => {
  department = (await windowFor('department', { width: 1920, height: 1080 })).page;
  await signIn(department, 'soyte', '/dashboards');
  const dossiers = department.getByTestId('dashboard-link-dossiers');
  await dossiers.waitFor();
  expect(await dossiers.innerText()).toContain('Hồ sơ thủ tục hành chính');
  expect(await dossiers.innerText()).toContain('7 ô số liệu');
  await department.screenshot({ path: '/tmp/dash-list-1920.png' });
  await department.goto(`${server.url}/ops`);
  await department.getByTestId('dashboards-link').click();
  await department.waitForURL(`${server.url}/dashboards`);
  await department.getByTestId('dashboard-link-dossiers').click();
  await department.waitForURL(`${server.url}/dashboards/dossiers`);
  await panelsSettled(department);
});

it('the department sees its own numbers: the KPI is what the API computes for it, its unit is fixed', async () => {
  const api = await apiData('soyte', 'dossiers', 'received-7d');
  expect(api.scope).toBe('19/SYT');
  expect(api.total.value).toBe(12);
  expect(await department.getByTestId('kpi-received-7d').innerText()).toBe(countText(api.total.value));
  expect(await department.getByTestId('control-unit-fixed').innerText()).toBe('Sở Y tế (phạm vi của bạn)');
  expect(await department.getByTestId('control-unit').count()).toBe(0);
  // The breakdown table names its agency from the catalogue, with its ratio as `33,3%` (4 online of 12).
  const table = await panel(department, 'online-by-agency').innerText();
  expect(table).toContain('Sở Y tế');
  expect(table).toContain('33,3%');
  expect(table).not.toContain('Sở Nội vụ');
  expect(await panel(department, 'received-daily').locator('canvas').count()).toBeGreaterThan(0);
  expect(await panelRows(department)).toBe(4);
  expect(await department.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize))).toBeCloseTo(16, 1);
  await department.screenshot({ path: '/tmp/dash-1920.png' });
});

it('changing the range to today updates the address and every panel', async () => {
  const before = await panel(department, 'received-7d').getAttribute('data-from');
  await department.getByTestId('control-range').selectOption('today');
  await department.waitForURL(/\/dashboards\/dossiers\?range=today$/);
  await expect.poll(() => panel(department, 'received-7d').getAttribute('data-from')).not.toBe(before);
  await panelsSettled(department);
  const kpi = panel(department, 'received-7d');
  const from = (await kpi.getAttribute('data-from'))!;
  const to = (await kpi.getAttribute('data-to'))!;
  // Today starts at the provincial midnight.
  expect(new Date(from).toLocaleTimeString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', hourCycle: 'h23' })).toBe('00:00:00');
  const api = await apiData('soyte', 'dossiers', 'received-7d', { from, to, bucket: (await kpi.getAttribute('data-bucket'))! });
  expect(api.total.value).toBe(5);
  expect(await department.getByTestId('kpi-received-7d').innerText()).toBe(countText(api.total.value));
  // The series panels took a bucket that fits a day; the bucket control now offers it.
  expect(await panel(department, 'received-daily').getAttribute('data-bucket')).toBe('1d');
  await department.getByTestId('control-bucket').selectOption('1h');
  await department.waitForURL(/\?range=today&bucket=1h$/);
  await expect.poll(() => panel(department, 'received-daily').getAttribute('data-bucket')).toBe('1h');
  await panelsSettled(department);
  // A shared link opens on the same view.
  await department.goto(`${server.url}/dashboards/dossiers?range=today&bucket=1h`);
  await panelsSettled(department);
  expect(await department.getByTestId('kpi-received-7d').innerText()).toBe('5');
  expect(await department.getByTestId('control-range').inputValue()).toBe('today');
});

it('an empty period shows "Không có dữ liệu", never 0%', async () => {
  await department.goto(`${server.url}/dashboards/documents`);
  await panelsSettled(department);
  const api = await apiData('soyte', 'documents', 'on-time-30d');
  expect(api.total.value).toBeNull();
  expect(await department.getByTestId('kpi-on-time-30d').innerText()).toBe('Không có dữ liệu');
  expect(await panel(department, 'on-time-monthly').getByTestId('panel-no-data').innerText()).toBe('Không có dữ liệu');
  expect(await department.getByTestId('dashboard').innerText()).not.toMatch(/(^|[^\d,])0(,0)?%/);
});

it('a leader sees the province, picks a unit through the address, and reads English after the switch', async () => {
  leader = (await windowFor('leader', { width: 3840, height: 2160 })).page;
  await signIn(leader, 'lanhdao', '/dashboards/dossiers');
  await panelsSettled(leader);
  const province = await apiData('lanhdao', 'dossiers', 'received-7d');
  expect(province.total.value).toBe(23);
  expect(await leader.getByTestId('kpi-received-7d').innerText()).toBe(countText(province.total.value));
  const table = await panel(leader, 'online-by-agency').innerText();
  // Highest first: Sở Nội vụ (11 of 11) above Sở Y tế (4 of 12).
  expect(table.indexOf('Sở Nội vụ')).toBeLessThan(table.indexOf('Sở Y tế'));
  expect(table).toContain('100,0%');
  // The wall's layout at twice the root size: the same rows, everything twice as large.
  expect(await leader.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize))).toBeCloseTo(32, 1);
  expect(await panelRows(leader)).toBe(4);
  await leader.screenshot({ path: '/tmp/dash-3840.png' });

  await leader.getByTestId('control-unit').selectOption('SYT');
  await leader.waitForURL(/\?unit=SYT$/);
  await expect.poll(() => leader.getByTestId('kpi-received-7d').innerText(), { timeout: 15_000 }).toBe('12');

  await leader.getByTestId('lang-switch').click();
  await expect.poll(() => leader.getByTestId('page-heading').innerText()).toBe('Public-service dossiers');
  expect(await leader.getByTestId('control-unit').locator('option:checked').innerText()).toBe('Department of Health');
  await leader.getByTestId('lang-switch').click();
  await expect.poll(() => leader.getByTestId('page-heading').innerText()).toBe('Hồ sơ thủ tục hành chính');

  // The wall's header links here too, for a signed-in person.
  await leader.goto(`${server.url}/wall`);
  await leader.getByTestId('dashboards-link').click();
  await leader.waitForURL(`${server.url}/dashboards`);
  await leader.getByTestId('dashboard-link-wall').waitFor();
});

it('reads on a phone: one panel a row, nothing wider than the screen', async () => {
  const phone = (await windowFor('phone', { width: 390, height: 844 })).page;
  await signIn(phone, 'soyte', '/dashboards/dossiers?range=7d');
  await panelsSettled(phone);
  expect(await phone.getByTestId('kpi-received-7d').innerText()).toBe('12');
  expect(await panelRows(phone)).toBe(7);
  expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await phone.screenshot({ path: '/tmp/dash-390.png', fullPage: true });
});

it('logged no console error or warning, and broke no rule of the Content-Security-Policy', async () => {
  expect(browser.problems).toEqual([]);
  for (const page of browser.pages) expect(await browser.cspViolations(page)).toEqual([]);
});
