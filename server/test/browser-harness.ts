/// <reference lib="dom" />
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { STRONG } from './auth-harness';

/** Debian's Chromium, or `CHROMIUM_PATH`. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Flags that work headless as root on these machines (recipes.md §6). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * A headless Chromium whose windows are watched: every console error or warning and every uncaught page error is
 * collected in `problems`, and each page records the Content-Security-Policy violations it meets. A test ends by
 * expecting both to be empty.
 */
export class WatchedBrowser {
  readonly problems: string[] = [];
  readonly pages: Page[] = [];
  private readonly signedIn = new WeakSet<Page>();

  private constructor(readonly browser: Browser) {}

  static async launch(): Promise<WatchedBrowser> {
    return new WatchedBrowser(await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS }));
  }

  /** A window of its own (own cookies) in Vietnamese and the province's time zone. */
  async window(
    label: string,
    viewport: { width: number; height: number },
    options: { reducedMotion?: 'reduce' } = {},
  ): Promise<{ context: BrowserContext; page: Page }> {
    const context = await this.browser.newContext({ viewport, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh', ...options });
    const page = await context.newPage();
    this.pages.push(page);
    page.on('console', (msg) => {
      // Before signing in, "who am I?" is answered 401 and Chromium logs it: expected.
      if (msg.text().includes('status of 401') && msg.location().url.endsWith('/api/auth/me') && !this.signedIn.has(page)) return;
      if (msg.type() === 'error' || msg.type() === 'warning') this.problems.push(`${label} ${msg.type()}: ${msg.text()}`);
    });
    page.on('pageerror', (err) => this.problems.push(`${label} pageerror: ${err.message}`));
    await page.addInitScript(() => {
      const seen: string[] = [];
      (globalThis as unknown as { __cspViolations: string[] }).__cspViolations = seen;
      document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    return { context, page };
  }

  /** Opens `url` signed out, signs in as `username` (password STRONG) on the page the guard shows, and comes back. */
  async signIn(page: Page, url: string, username: string): Promise<void> {
    await page.goto(url);
    await page.waitForURL(/\/login/);
    await page.getByLabel('Tên đăng nhập').fill(username);
    await page.getByLabel('Mật khẩu', { exact: true }).fill(STRONG);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForURL(url);
    this.signedIn.add(page);
  }

  /** The CSP violations `page` has met since it opened. */
  cspViolations(page: Page): Promise<string[]> {
    return page.evaluate(() => (globalThis as unknown as { __cspViolations: string[] }).__cspViolations);
  }

  close(): Promise<void> {
    return this.browser.close();
  }
}
