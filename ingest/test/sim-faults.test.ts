import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogue, type Catalogue } from '@ioc/core';
import { parseFaultSpec, type FaultOptions } from '../src/sim/faults';
import { startDossierSimulator, type DossierSimulator } from '../src/sim/dossier-simulator';
import { fakeClock, silentLogger, SUNDAY_NIGHT, WEDNESDAY_MORNING } from '../src/testing/test-support';

const API_KEY = 'faults-key';
let catalogue: Catalogue;
const running: DossierSimulator[] = [];

beforeAll(async () => {
  catalogue = await loadCatalogue();
});
afterAll(async () => {
  for (const sim of running) await sim.stop();
});

async function simulator(faults: FaultOptions, at = SUNDAY_NIGHT): Promise<DossierSimulator> {
  const sim = await startDossierSimulator({
    catalogue,
    apiKey: API_KEY,
    clock: fakeClock(at),
    live: false,
    backlogDays: 0,
    faults,
    logger: silentLogger,
  });
  running.push(sim);
  return sim;
}

type Item = { source_id: string; version: number };
type Cursor = { updated_since: string; after_id: string } | null;

/** Pages from the start (or `from`), as a client sees them: status and items per request (retrying nothing). */
async function firstPages(sim: DossierSimulator, pages: number, from: Cursor = null): Promise<{ status: number; items: Item[] }[]> {
  const out: { status: number; items: Item[] }[] = [];
  let cursor = from;
  while (out.length < pages) {
    const url = new URL('/api/v1/dossiers?limit=200', sim.url);
    if (cursor) {
      url.searchParams.set('updated_since', cursor.updated_since);
      url.searchParams.set('after_id', cursor.after_id);
    }
    const res = await fetch(url, { headers: { 'x-api-key': API_KEY } });
    const body = (await res.json()) as { items?: Item[]; next?: Cursor };
    out.push({ status: res.status, items: body.items ?? [] });
    if (res.status === 200) cursor = body.next ?? null;
  }
  return out;
}

describe('simulator faults', () => {
  it('serves the same faults for the same seed, and duplicates, late older versions and 503 bursts when asked', async () => {
    const faults = { seed: 7, errorBurstEvery: 3, errorBurstLength: 2, duplicateEvery: 10, staleEvery: 2 };
    const a = await simulator(faults, WEDNESDAY_MORNING);
    const b = await simulator(faults, WEDNESDAY_MORNING);
    // The latest records first (the ones that change next), then the changes since: newer versions of some of them.
    const order = [...a.records()].sort(
      (x, y) => Date.parse(x.source_updated_at) - Date.parse(y.source_updated_at) || (x.source_id < y.source_id ? -1 : 1),
    );
    const recent = order[order.length - 1000]!;
    const latest = order[order.length - 1]!;
    const pagesA = await firstPages(a, 6, { updated_since: recent.source_updated_at, after_id: recent.source_id });
    const pagesB = await firstPages(b, 6, { updated_since: recent.source_updated_at, after_id: recent.source_id });
    a.step(3000);
    b.step(3000);
    const since = { updated_since: latest.source_updated_at, after_id: latest.source_id };
    pagesA.push(...(await firstPages(a, 12, since)));
    pagesB.push(...(await firstPages(b, 12, since)));
    expect(pagesA).toEqual(pagesB);

    expect(pagesA.some((p) => p.status === 503)).toBe(true);
    const served = pagesA.flatMap((p) => p.items);
    const ids = served.map((i) => `${i.source_id}@${i.version}`);
    expect(new Set(ids).size).toBeLessThan(ids.length);
    // A late update: an older version of a record served after a newer one.
    const newest = new Map<string, number>();
    let late = 0;
    for (const i of served) {
      if ((newest.get(i.source_id) ?? -1) > i.version) late += 1;
      newest.set(i.source_id, Math.max(newest.get(i.source_id) ?? -1, i.version));
    }
    expect(late).toBeGreaterThan(0);
    expect(a.faultCounters().stale).toBeGreaterThan(0);
  });

  it('goes silent: 200 with nothing new, or no answer at all', async () => {
    const sim = await simulator({});
    expect((await firstPages(sim, 1))[0]!.items.length).toBe(200);
    sim.setSilent('empty');
    expect(await firstPages(sim, 1)).toEqual([{ status: 200, items: [] }]);
    sim.setSilent('down');
    await expect(fetch(new URL('/api/v1/dossiers', sim.url), { headers: { 'x-api-key': API_KEY } })).rejects.toThrow();
    sim.setSilent(null);
    expect((await firstPages(sim, 1))[0]!.items.length).toBe(200);
  });

  it('reads IOC_SIM_FAULTS and names each bad entry', () => {
    expect(parseFaultSpec('latency=50, errors=40,burst=3,duplicate=20,stale=20,hang=500,silent=empty')).toEqual({
      seed: 0,
      latencyMilliseconds: 50,
      errorBurstEvery: 40,
      errorBurstLength: 3,
      duplicateEvery: 20,
      staleEvery: 20,
      hangEvery: 500,
      silent: 'empty',
    });
    expect(() => parseFaultSpec('lag=5,errors=0')).toThrow(/lag: unknown fault.*errorBurstEvery/);
  });
});
