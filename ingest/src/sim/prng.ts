/**
 * A seeded pseudo-random source. The simulator draws every random choice from one of these, in a fixed order, so the
 * same seed and the same start time give the same dossiers: tests can compare two runs record by record.
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** Uniform in [min, max). */
  between(min: number, max: number): number;
  /** Exponentially distributed with the given mean (waiting times). */
  exponential(mean: number): number;
  /** Poisson-distributed count with mean `lambda` (arrivals per minute; lambda stays small here). */
  poisson(lambda: number): number;
}

/** mulberry32: tiny, fast, good enough for simulated workloads (not for anything secret). */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    chance: (p) => next() < p,
    between: (min, max) => min + (max - min) * next(),
    exponential: (mean) => -mean * Math.log(1 - next()),
    poisson(lambda) {
      // Knuth's method: exact, and cheap while lambda is a handful per minute.
      const limit = Math.exp(-lambda);
      let count = 0;
      let product = next();
      while (product > limit) {
        count += 1;
        product *= next();
      }
      return count;
    },
  };
}

/** Picks items in proportion to their weights; the cumulative table is built once. */
export class WeightedPicker<T> {
  readonly #items: readonly T[];
  readonly #cumulative: number[];

  constructor(entries: ReadonlyArray<readonly [T, number]>) {
    const usable = entries.filter(([, w]) => w > 0);
    if (usable.length === 0) throw new Error('WeightedPicker needs at least one positive weight');
    this.#items = usable.map(([item]) => item);
    let sum = 0;
    this.#cumulative = usable.map(([, w]) => (sum += w));
  }

  pick(random: Random): T {
    const target = random.next() * this.#cumulative[this.#cumulative.length - 1]!;
    let lo = 0;
    let hi = this.#cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#cumulative[mid]! > target) hi = mid;
      else lo = mid + 1;
    }
    return this.#items[lo]!;
  }
}
