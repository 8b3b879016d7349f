/// <reference lib="dom" />
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { DEFAULT_WEB_DIST } from '../src/http/app';
import { parseConfig } from '../src/config/config';
import { createLogger } from '../src/logging/logger';
import { startEmbedded, type Embedded } from '../src/cli/embedded';
import { officeHoursClock } from './auth-harness';
import { CHROMIUM, CHROMIUM_ARGS } from './browser-harness';
import { expectedWall } from './wall-expectation';

let app: Embedded;
const clock = officeHoursClock();
let context: BrowserContext;
let page: Page;
let profile: string;
const consoleProblems: string[] = [];
let signedIn = false;

beforeAll(async () => {
  if (!existsSync(join(DEFAULT_WEB_DIST, 'index.html')))
    throw new Error('web/dist is missing: `npm test` builds it first (npm run build:web)');
  const config = parseConfig({ PORT: '0', IOC_SIM_PORT: '0', LOG_LEVEL: 'silent', IOC_POLL_INTERVAL_MS: '200', IOC_SIM_BACKLOG_DAYS: '1' });
  app = await startEmbedded({ config, logger: createLogger('silent'), ephemeral: true, liveSimulator: false, clock });
  profile = mkdtempSync(join(tmpdir(), 'ioc-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1920, height: 1080 },
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (msg) => {
    // Before signing in, "who am I?" is answered 401 and Chromium logs every 4xx fetch: that one is expected.
    if (msg.text().includes('status of 401') && msg.location().url.endsWith('/api/auth/me') && !signedIn) return;
    if (msg.type() === 'error' || msg.type() === 'warning') consoleProblems.push(`${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => consoleProblems.push(`pageerror: ${err.message}`));
  // A blocked eval inside a try/catch logs nothing; the browser still reports it as a policy violation.
  await page.addInitScript(() => {
    const seen: string[] = [];
    (globalThis as unknown as { __cspViolations: string[] }).__cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
});

afterAll(async () => {
  await context?.close();
  await app?.stop();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

/** A number as the wall prints it (vi-VN: `1.234`), read back. */
async function shownNumber(testId: string): Promise<number> {
  const text = (await page.getByTestId(testId).innerText()).trim();
  return Number(text.replace(/\./g, '').replace(/\s/g, ''));
}

function expectedTotals() {
  let received = 0;
  let overdue = 0;
  let open = 0;
  for (const c of expectedWall(app.simulator.records(), clock.now()).values()) {
    received += c.received;
    overdue += c.overdue;
    open += c.open;
  }
  return { received, overdue, open };
}

const NEW_PASSWORD = 'Đồi chè Tân Cương xanh mướt';

it('sends /wall to the sign-in page, then to the change-password page on a first login', async () => {
  const first = app.firstAccounts!.find((a) => a.username === 'lanhdao')!.password!;
  await page.goto(`${app.url}/wall`);
  await page.waitForURL(`${app.url}/login`);
  expect(await page.getAttribute('html', 'lang')).toBe('vi');
  expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Đăng nhập');
  await page.getByLabel('Tên đăng nhập').fill('lanhdao');
  await page.getByLabel('Mật khẩu', { exact: true }).fill(first);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  signedIn = true;

  await page.waitForURL(`${app.url}/password`);
  expect(await page.getByTestId('password-account').innerText()).toBe('Tài khoản: Lãnh đạo UBND tỉnh');
  await page.getByLabel('Mật khẩu hiện tại').fill(first);
  await page.getByLabel('Mật khẩu mới', { exact: true }).fill(NEW_PASSWORD);
  await page.getByLabel('Nhập lại mật khẩu mới').fill(NEW_PASSWORD);
  await page.getByRole('button', { name: 'Lưu mật khẩu mới' }).click();
  await page.waitForURL(`${app.url}/wall`);
  expect(await page.getByTestId('signed-in').innerText()).toContain('Lãnh đạo UBND tỉnh');
});

it('opens /wall in Vietnamese and shows the numbers the source served', async () => {
  expect(await page.getAttribute('html', 'lang')).toBe('vi');
  await expect.poll(() => shownNumber('tile-received'), { timeout: 120_000, interval: 250 }).toBe(expectedTotals().received);
  expect(await shownNumber('tile-open')).toBe(expectedTotals().open);
  expect(await page.getByText('Quá hạn').first().isVisible()).toBe(true);
});

it('changes the numbers live when the simulator produces more dossiers, without a reload', async () => {
  const before = await shownNumber('tile-received');
  await page.evaluate(() => ((globalThis as unknown as { __noReload: boolean }).__noReload = true));
  // Enough changes that some are new receipts today.
  let target = before;
  for (let i = 0; i < 10 && target === before; i++) {
    app.simulator.step(25);
    target = expectedTotals().received;
  }
  expect(target).toBeGreaterThan(before);
  await expect.poll(() => shownNumber('tile-received'), { timeout: 60_000, interval: 100 }).toBe(target);
  expect(await page.evaluate(() => (globalThis as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
});

it('signs out: back to the sign-in page, and the wall is closed to this browser', async () => {
  await page.getByTestId('sign-out').click();
  await page.waitForURL(`${app.url}/login`);
  signedIn = false;
  await page.goto(`${app.url}/wall`);
  await page.waitForURL(`${app.url}/login`);
});

it('logged no console error or warning, and broke no rule of the Content-Security-Policy', async () => {
  expect(consoleProblems).toEqual([]);
  expect(await page.evaluate(() => (globalThis as unknown as { __cspViolations: string[] }).__cspViolations)).toEqual([]);
});
