import { pino } from 'pino';
import type { Clock } from '@ioc/core';

/** Tests assert on rows and responses, not on log lines. */
export const silentLogger = pino({ level: 'silent' });

/** A Wednesday mid-morning in the province: desks open, yesterday's and last night's dossiers in the system. */
export const WEDNESDAY_MORNING = '2026-03-11T10:00:00+07:00';
/** Deep in a Sunday night, when almost nothing is scheduled to happen. */
export const SUNDAY_NIGHT = '2026-03-15T02:00:00+07:00';

export interface FakeClock extends Clock {
  advance(milliseconds: number): void;
}

export function fakeClock(iso: string): FakeClock {
  let now = Date.parse(iso);
  return {
    now: () => new Date(now),
    advance: (milliseconds) => void (now += milliseconds),
  };
}

/**
 * Polls `probe` until it returns something other than undefined or false, or fails after the deadline with the last
 * value seen, so that a test that cannot converge says what it saw instead of timing out silently.
 */
export async function waitFor<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  timeoutMilliseconds = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMilliseconds;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMilliseconds} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** GET a simulator page the way any client would; returns the status and the parsed body. */
export async function getJson(url: string, apiKey?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, { headers: apiKey === undefined ? {} : { 'x-api-key': apiKey } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

interface Page {
  items: Record<string, unknown>[];
  next: { updated_since: string; after_id: string } | null;
}

/** Follows the cursor from the beginning until `next` is null; `betweenPages` runs before each page but the first. */
export async function pullAllPages(
  baseUrl: string,
  apiKey: string,
  limit: number,
  betweenPages?: () => void,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let cursor: Page['next'] = null;
  do {
    const url = new URL('/api/v1/dossiers', baseUrl);
    url.searchParams.set('limit', String(limit));
    if (cursor) {
      url.searchParams.set('updated_since', cursor.updated_since);
      url.searchParams.set('after_id', cursor.after_id);
    }
    const { status, body } = await getJson(url.toString(), apiKey);
    if (status !== 200) throw new Error(`page request failed with ${status}: ${JSON.stringify(body)}`);
    const page = body as unknown as Page;
    items.push(...page.items);
    cursor = page.next;
    if (cursor) betweenPages?.();
  } while (cursor);
  return items;
}
