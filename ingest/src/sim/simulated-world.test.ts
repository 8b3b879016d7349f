import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogue, type Catalogue, type DossierWire } from '@ioc/core';
import { startDossierSimulator, type DossierSimulator, type DossierSimulatorOptions } from './dossier-simulator';
import { fakeClock, silentLogger, SUNDAY_NIGHT, type FakeClock } from '../testing/test-support';

/**
 * The simulated world is a pure function of (seed, floor, instant), as a real external system is: whichever run
 * computes the state at an instant, and whenever it started, it is the same.
 */
const API_KEY = 'world-key';
const MINUTE = 60_000;
let catalogue: Catalogue;
const running: DossierSimulator[] = [];

beforeAll(async () => {
  catalogue = await loadCatalogue();
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

/** A live simulator on a fake clock; its timer is too slow to fire, records() catches up with the clock itself. */
async function simulatorAt(clock: FakeClock, o: Partial<DossierSimulatorOptions> = {}): Promise<DossierSimulator> {
  const sim = await startDossierSimulator({
    catalogue,
    apiKey: API_KEY,
    clock,
    live: true,
    tickMilliseconds: 3_600_000,
    backlogDays: 0,
    logger: silentLogger,
    ...o,
  });
  running.push(sim);
  return sim;
}

const byId = (records: readonly DossierWire[]) => new Map(records.map((r) => [r.source_id, r]));

/** Deep equality of tens of thousands of records, fast; on a difference, the diff of the first record that differs. */
function expectSameRecords(actual: readonly DossierWire[], expected: readonly DossierWire[]): void {
  const i = actual.findIndex((r, k) => JSON.stringify(r) !== JSON.stringify(expected[k]));
  if (i >= 0) expect(actual[i], `record ${i}`).toEqual(expected[i]);
  expect(actual.length).toBe(expected.length);
}
const versionSum = (records: readonly DossierWire[]) => records.reduce((sum, r) => sum + r.version, 0);

describe('simulated dossier world', () => {
  it('serves identical records at 10:15 whether started at 10:00, at 10:07 or at 10:15', async () => {
    const clocks = ['10:00', '10:07', '10:15'].map((t) => fakeClock(`2026-03-11T${t}:00+07:00`));
    const [early, late, now] = await Promise.all(clocks.map((c) => simulatorAt(c)));
    clocks[0]!.advance(15 * MINUTE);
    clocks[1]!.advance(8 * MINUTE);

    const expected = now!.records();
    expect(expected.length).toBeGreaterThan(1000);
    // The first two looked at 10:00–10:15 change by change, the third in one back-fill: all three agree exactly.
    expectSameRecords(early!.records(), expected);
    expectSameRecords(late!.records(), expected);
    // The quarter of an hour did happen: new dossiers and new versions, and nothing after 10:15.
    const at1015 = Date.parse('2026-03-11T10:15:00+07:00');
    expect(expected.some((r) => Date.parse(r.source_updated_at) > at1015 - 15 * MINUTE && r.version === 1)).toBe(true);
    expect(expected.every((r) => Date.parse(r.source_updated_at) <= at1015)).toBe(true);
  });

  it('agrees on every dossier two simulators hold when they started on different days', async () => {
    const tuesday = fakeClock('2026-03-10T16:00:00+07:00');
    const wednesday = fakeClock('2026-03-11T09:00:00+07:00');
    const [first, second] = await Promise.all([simulatorAt(tuesday, { backlogDays: 1 }), simulatorAt(wednesday, { backlogDays: 1 })]);
    tuesday.advance(17 * 60 * MINUTE);

    const a = byId(first.records());
    const b = byId(second.records());
    const shared = [...b.keys()].filter((id) => a.has(id));
    expect(shared.length).toBeGreaterThan(0.9 * b.size);
    expectSameRecords(
      shared.map((id) => a.get(id)!),
      shared.map((id) => b.get(id)!),
    );
    // The later one holds everything that still changes: what only the earlier one holds was finished before its window.
    const onlyEarlier = [...a.values()].filter((r) => !b.has(r.source_id));
    expect(
      onlyEarlier.every((r) => r.finished_at !== null && Date.parse(r.source_updated_at) < Date.parse('2026-03-10T00:00:00+07:00')),
    ).toBe(true);
  });

  it('looks ahead on step() without changing the world: the state it reaches is the one a simulator started there has', async () => {
    const clock = fakeClock('2026-03-11T10:00:00+07:00');
    const stepped = await simulatorAt(clock, { live: false });
    expect(stepped.step(500)).toBeGreaterThan(0);
    const reached = Math.max(...stepped.records().map((r) => Date.parse(r.source_updated_at)));
    expect(reached).toBeGreaterThan(clock.now().getTime());

    const fresh = await simulatorAt(fakeClock(new Date(reached).toISOString()), { live: false });
    expectSameRecords(stepped.records(), fresh.records());
  });

  it('makes at least minChangesPerSecond changes in every second at 02:00 on a Sunday, the same in one run or two', async () => {
    const floor = 5;
    const whole = fakeClock(SUNDAY_NIGHT);
    const sim = await simulatorAt(whole, { minChangesPerSecond: floor });
    const changesPerSecond: number[] = [];
    const states: DossierWire[][] = [];
    let before = versionSum(sim.records());
    for (let second = 1; second <= 60; second += 1) {
      whole.advance(1000);
      const records = sim.records();
      // Every change bumps one version by one (a new dossier starts at 1), so the version sum counts changes.
      const after = versionSum(records);
      changesPerSecond.push(after - before);
      states.push(records);
      before = after;
      expect(records.every((r) => Date.parse(r.source_updated_at) <= whole.now().getTime())).toBe(true);
    }
    expect(Math.min(...changesPerSecond)).toBeGreaterThanOrEqual(floor);

    // A second run started half-way sees the same second half, change for change: nothing was pulled forward.
    const split = fakeClock(new Date(Date.parse(SUNDAY_NIGHT) + 30_000).toISOString());
    const resumed = await simulatorAt(split, { minChangesPerSecond: floor });
    expectSameRecords(resumed.records(), states[29]!);
    before = versionSum(resumed.records());
    for (let second = 31; second <= 60; second += 1) {
      split.advance(1000);
      const records = resumed.records();
      expect(versionSum(records) - before, `changes in second ${second}`).toBe(changesPerSecond[second - 1]);
      before = versionSum(records);
    }
    expectSameRecords(resumed.records(), states[59]!);
  });
});
