import { describe, expect, it } from 'vitest';
import { loadCatalogue, loadWorkingCalendar } from '@ioc/core';
import { openTestDb } from '@ioc/core/testing';
import { startDocumentIngest } from '../document/document-ingest';
import { fakeClock, getJson, pullAllPages, silentLogger, waitFor } from '../testing/test-support';
import { startDocumentSimulator } from './document-simulator';
import { startDossierSimulator } from './dossier-simulator';
import { replayBacklogDays, replayClock, replayDurationMilliseconds, replayPeriod } from './replay-clock';
import { localIsoWeekday } from './working-time';

const catalogue = await loadCatalogue();
const calendar = await loadWorkingCalendar();
const API_KEY = 'replay-key';
const SEED = 4242;
const NOW = new Date('2026-03-20T10:00:00+07:00');
/** A Sunday, then a Monday: no document on the first day, a working day's worth on the second. */
const PERIOD = { from: '2026-03-15', to: '2026-03-16' };
const START = Date.parse('2026-03-15T00:00:00+07:00');
const END = Date.parse('2026-03-17T00:00:00+07:00') - 1;

describe('replayPeriod and replayClock', () => {
  it('runs the period speed times faster than real time, then stays on its last millisecond', () => {
    const p = replayPeriod({ ...PERIOD, speed: 3600 }, NOW);
    expect([p.startMs, p.endMs]).toEqual([START, END]);
    expect(replayDurationMilliseconds(p)).toBeCloseTo((END - START) / 3600, 3);
    const real = fakeClock('2026-11-25T12:00:00Z');
    const clock = replayClock(p, real);
    expect(clock.now().getTime()).toBe(START);
    real.advance(1000); // one real second: one simulated hour
    expect(clock.now().toISOString()).toBe('2026-03-14T18:00:00.000Z');
    real.advance(10 * 60_000);
    expect(clock.now().getTime()).toBe(END);
    expect(replayBacklogDays(p, clock)).toBe(1);
  });

  it('stands at the end at once with --speed max', () => {
    const p = replayPeriod({ ...PERIOD, speed: 'max' }, NOW);
    const clock = replayClock(p, fakeClock('2026-11-25T12:00:00Z'));
    expect(clock.now().getTime()).toBe(END);
    expect(replayBacklogDays(p, clock)).toBe(1);
    expect(replayDurationMilliseconds(p)).toBe(0);
  });

  it.each([
    [{ from: '2026-03-16', to: '2026-03-15', speed: 10 }, /^to: must not be before from/],
    [{ from: '2026-3-15', to: '2026-03-16', speed: 10 }, /^from: /],
    [{ ...PERIOD, speed: 0 }, /^speed: /],
    [{ from: '2026-03-19', to: '2026-03-20', speed: 10 }, /^to: 2026-03-20 has not ended yet/],
  ])('refuses %o naming the bad value', (o, message) => {
    expect(() => replayPeriod(o, NOW)).toThrow(message);
  });
});

interface Page {
  items: Record<string, unknown>[];
  next: { updated_since: string; after_id: string } | null;
}

/** Pulls `path` from `cursor` until caught up, like a connector; returns the items and the cursor after them. */
async function pullFrom(
  baseUrl: string,
  path: string,
  cursor: Page['next'],
): Promise<{ items: Record<string, unknown>[]; cursor: Page['next'] }> {
  const items: Record<string, unknown>[] = [];
  for (;;) {
    const url = new URL(path, baseUrl);
    url.searchParams.set('limit', '1000');
    if (cursor) {
      url.searchParams.set('updated_since', cursor.updated_since);
      url.searchParams.set('after_id', cursor.after_id);
    }
    const { status, body } = await getJson(url.toString(), API_KEY);
    expect(status).toBe(200);
    const page = body as unknown as Page;
    items.push(...page.items);
    const last = page.items.at(-1);
    if (last) cursor = { updated_since: last.source_updated_at as string, after_id: last.source_id as string };
    if (!page.next) return { items, cursor };
  }
}

const key = (r: Record<string, unknown>) => `${r.source_id as string}@${r.version as number}`;

describe('the document simulator replaying a past period', () => {
  it('serves every version of the period in cursor order, none on the Sunday, and ends as the live simulator does', async () => {
    const period = replayPeriod({ ...PERIOD, speed: 3600 }, NOW);
    const real = fakeClock('2026-11-25T12:00:00Z');
    const clock = replayClock(period, real);
    const replay = await startDocumentSimulator({
      catalogue,
      apiKey: API_KEY,
      seed: SEED,
      clock,
      backlogDays: replayBacklogDays(period, clock),
      logger: silentLogger,
    });
    // The live simulator, started at the period's end with the backlog reaching back to its first day.
    const live = await startDocumentSimulator({
      catalogue,
      apiKey: API_KEY,
      seed: SEED,
      clock: fakeClock(new Date(END).toISOString()),
      backlogDays: 1,
      logger: silentLogger,
    });
    try {
      // A connector polling every simulated 10 minutes (10 real minutes / 3600).
      const seen: Record<string, unknown>[] = [];
      let cursor: Page['next'] = null;
      for (let step = 0; step <= (2 * 24 * 60) / 10; step += 1) {
        const pulled = await pullFrom(replay.url, '/api/v1/documents', cursor);
        seen.push(...pulled.items);
        cursor = pulled.cursor;
        real.advance((10 * 60_000) / 3600);
      }
      expect(clock.now().getTime()).toBe(END);
      const times = seen.map((r) => Date.parse(r.source_updated_at as string));
      expect(times.length).toBeGreaterThan(1000);
      expect(times.every((t) => t >= START && t <= END)).toBe(true);
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(times.filter((t) => localIsoWeekday(t) === 7)).toEqual([]);
      // The same version is never served twice, and every document shows up in more than one version.
      expect(new Set(seen.map(key)).size).toBe(seen.length);
      const latest = new Map(seen.map((r) => [r.source_id as string, r]));
      expect(seen.length).toBeGreaterThan(latest.size * 2);
      // What the replay ends with is what the live simulator serves at that instant, record for record.
      const ended = live.records();
      expect(ended.length).toBe(latest.size);
      expect([...latest.values()].sort((a, b) => ((a.source_id as string) < (b.source_id as string) ? -1 : 1))).toEqual(ended);
    } finally {
      await replay.stop();
      await live.stop();
    }
  }, 120_000);
});

describe('the dossier simulator replaying a past period', () => {
  it('at --speed max serves the dossiers the live simulator holds at the period end, with the same seed', async () => {
    const period = replayPeriod({ ...PERIOD, speed: 'max' }, NOW);
    const clock = replayClock(period);
    const common = { catalogue, apiKey: API_KEY, seed: SEED, minChangesPerSecond: 0, logger: silentLogger };
    const replay = await startDossierSimulator({ ...common, clock, backlogDays: replayBacklogDays(period, clock) });
    const live = await startDossierSimulator({ ...common, clock: fakeClock(new Date(END).toISOString()), backlogDays: 1, live: false });
    try {
      const served = await pullAllPages(replay.url, API_KEY, 1000);
      const ended = live.records();
      expect(served.length).toBeGreaterThan(100);
      expect(served.map(key).sort()).toEqual(ended.map((r) => key(r as unknown as Record<string, unknown>)).sort());
      // Nothing after the period's end.
      expect(served.every((r) => Date.parse(r.source_updated_at as string) <= END)).toBe(true);
    } finally {
      await replay.stop();
      await live.stop();
    }
  }, 120_000);
});

describe('a replayed period through the document pipeline', () => {
  it('fills the store with the period: every version in the history, the end state as the live simulator has it', async () => {
    const { db, dispose } = await openTestDb('pglite');
    const period = replayPeriod({ ...PERIOD, speed: 3600 }, NOW);
    const real = fakeClock('2026-11-25T12:00:00Z');
    const clock = replayClock(period, real);
    const common = { catalogue, calendar, apiKey: API_KEY, seed: SEED, logger: silentLogger };
    const replay = await startDocumentSimulator({ ...common, clock, backlogDays: replayBacklogDays(period, clock) });
    const live = await startDocumentSimulator({ ...common, clock: fakeClock(new Date(END).toISOString()), backlogDays: 1 });
    const ingest = await startDocumentIngest({
      db,
      calendar,
      logger: silentLogger,
      sourceUrl: replay.url,
      apiKey: API_KEY,
      pollIntervalMilliseconds: 10,
    });
    const storedVersions = async () =>
      new Map(
        (await db.query<{ source_id: string; version: string }>('select source_id, version from document')).rows.map((r) => [
          r.source_id,
          Number(r.version),
        ]),
      );
    const caughtUp = async () => {
      const have = await storedVersions();
      const want = replay.records();
      return want.length === have.size && want.every((r) => have.get(r.source_id as string) === r.version);
    };
    try {
      // Two simulated hours at a time, waiting for the pipeline each time: the pace of a connector that keeps up.
      // The versions current at each step are what a connector keeping that pace sees: the history must hold them all.
      const served = new Set<string>();
      while (clock.now().getTime() < END) {
        real.advance((2 * 3_600_000) / 3600);
        await waitFor(caughtUp, `the pipeline to catch up at ${clock.now().toISOString()}`, 60_000);
        for (const r of replay.records()) served.add(key(r));
      }
      const ended = live.records();
      const have = await storedVersions();
      expect(have).toEqual(new Map(ended.map((r) => [r.source_id as string, r.version as number])));
      const events = await db.query<{ n: number; first: Date; last: Date; sundays: number }>(
        `select count(*)::int as n, min(source_updated_at) as first, max(source_updated_at) as last,
           count(*) filter (where extract(isodow from source_updated_at at time zone 'Asia/Ho_Chi_Minh') = 7)::int as sundays
         from document_event`,
      );
      const e = events.rows[0]!;
      expect(e.n).toBeGreaterThan(ended.length);
      const history = await db.query<{ source_id: string; version: string }>('select source_id, version from document_event');
      expect(new Set(history.rows.map((r) => `${r.source_id}@${Number(r.version)}`))).toEqual(served);
      expect(e.first.getTime()).toBeGreaterThanOrEqual(START);
      expect(e.last.getTime()).toBeLessThanOrEqual(END);
      expect(e.sundays).toBe(0);
    } finally {
      await ingest.stop();
      await replay.stop();
      await live.stop();
      await dispose();
    }
  }, 180_000);
});
