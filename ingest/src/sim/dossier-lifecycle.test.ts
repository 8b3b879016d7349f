import { beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogue } from '@ioc/core';
import { lifetimeBoundOf, longestLifetimeMilliseconds, planDossier, WARD_WEIGHT, type PlanContext } from './dossier-lifecycle';
import { FloorGrid } from './floor-touches';
import { arrivalsOfMinute, type Arrival } from './minute-arrivals';
import { WeightedPicker } from './prng';
import { PROCEDURES } from './procedures';

let ctx: PlanContext;
/** Every arrival of a working week and its weekend, 2026-03-09..15. */
const week: Arrival[] = [];

beforeAll(async () => {
  const catalogue = await loadCatalogue();
  ctx = {
    seed: 42,
    procedures: new WeightedPicker(PROCEDURES.map((p) => [p, p.weight] as const)),
    communes: new WeightedPicker(catalogue.communes.map((c) => [c.code, c.kind === 'phuong' ? WARD_WEIGHT : 1] as const)),
  };
  const from = Date.parse('2026-03-09T00:00:00+07:00') / 60_000;
  for (let minute = from; minute < from + 7 * 1440; minute += 1) week.push(...arrivalsOfMinute(ctx.seed, minute));
});

describe('dossier lifecycle plan', () => {
  it('is the same plan every time it is drawn for the same arrival', () => {
    for (const a of week.slice(0, 200)) expect(planDossier(ctx, a)).toEqual(planDossier(ctx, a));
  });

  it('numbers ids by minute and rank, so that they sort in creation order', () => {
    const ids = week.map((a) => planDossier(ctx, a)!.sourceId);
    expect(ids[0]).toMatch(/^dvc-202603090\d{3}-\d{3}$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it('puts steps on even milliseconds, 2 ms apart at least, starting at the arrival', () => {
    const offenders = week
      .map((a) => planDossier(ctx, a)!)
      .filter(({ stepAt }) => stepAt.some((t, k) => t % 2 !== 0 || (k > 0 && t - stepAt[k - 1]! < 2)));
    expect(offenders.map((d) => d.sourceId)).toEqual([]);
    expect(week.every((a) => planDossier(ctx, a)!.stepAt[0] === a.at)).toBe(true);
  });

  it('ends every life within its bound, and every bound within the longest one', () => {
    const longest = Math.max(...PROCEDURES.map(longestLifetimeMilliseconds));
    let slackest = Infinity;
    const offenders: string[] = [];
    for (const a of week) {
      const d = planDossier(ctx, a)!;
      const bound = lifetimeBoundOf(ctx, a);
      const life = d.stepAt[d.stepAt.length - 1]! - a.at;
      if (life > bound || bound > longest) offenders.push(d.sourceId);
      slackest = Math.min(slackest, bound - life);
    }
    expect(offenders).toEqual([]);
    // A bound far too loose would make the back-fill plan dossiers only to throw them away.
    expect(slackest).toBeLessThan(5 * 86_400_000);
  });

  it('returns no dossier when asked to keep only lives that reach past their end', () => {
    const a = week[0]!;
    const end = planDossier(ctx, a)!.stepAt.at(-1)!;
    expect(planDossier(ctx, a, end)).not.toBeNull();
    expect(planDossier(ctx, a, end + 1)).toBeNull();
  });
});

describe('floor grid', () => {
  it.each([1, 5, 3, 0.5, 2.5])('puts %s slots a second on odd milliseconds, each second of the epoch alike', (perSecond) => {
    const grid = new FloorGrid(7, perSecond);
    const from = Date.parse('2026-03-15T02:00:00+07:00');
    const instants: number[] = [];
    for (let n = grid.firstAfter(from - 1); grid.at(n) < from + 10_000; n += 1) instants.push(grid.at(n));
    expect(instants.every((t, i) => t % 2 === 1 && (i === 0 || t > instants[i - 1]!))).toBe(true);
    expect(instants).toHaveLength(10 * perSecond);
    if (Number.isInteger(perSecond)) {
      for (let s = 0; s < 10; s += 1) expect(instants.filter((t) => Math.floor((t - from) / 1000) === s)).toHaveLength(perSecond);
    }
  });

  it('finds the first slot after any instant', () => {
    const grid = new FloorGrid(7, 3);
    for (const ms of [0, 1, 2, 333, 334, 1_773_000_000_001, 1_773_000_000_333]) {
      const n = grid.firstAfter(ms);
      expect(grid.at(n)).toBeGreaterThan(ms);
      if (n > 0) expect(grid.at(n - 1)).toBeLessThanOrEqual(ms);
    }
  });
});
