/**
 * A seeded pseudo-random source. Each part of the simulated world (a minute's arrivals, one dossier's life) draws from
 * its own, seeded by a hash of the world's seed and that part's place in time (see `hashWords`), never from a stream
 * shared with the rest: what happens at an instant then depends on the seed and the instant only, not on which run
 * computed it or what it computed before.
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
  return new Mulberry32(seed);
}

/** A class rather than closures: the back-fill creates one per dossier, a hundred thousand of them. */
class Mulberry32 implements Random {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  between(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }

  poisson(lambda: number): number {
    // Knuth's method: exact, and cheap while lambda is a handful per minute.
    const limit = Math.exp(-lambda);
    let count = 0;
    let product = this.next();
    while (product > limit) {
      count += 1;
      product *= this.next();
    }
    return count;
  }
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

/** Separates the hash streams of the world's parts: the same (seed, words) never seeds two of them alike. */
export const HashTag = { arrivals: 1, dossier: 2, floorTouch: 3, fault: 4 } as const;

/**
 * A 32-bit hash (MurmurHash3's mixing) of the seed, a tag and one to three non-negative integers below 2^53 (minute
 * numbers, slot numbers, versions). Each integer is mixed as two 32-bit words, so large ones do not collide with
 * small ones. Fixed arity instead of rest parameters: the back-fill calls it millions of times.
 */
export function hashWords(seed: number, tag: number, a: number, b?: number, c?: number): number {
  return hashOn(hashStart(seed, tag), a, b, c);
}

/** The part of `hashWords` that depends on seed and tag only, for a caller that hashes millions of words under one. */
export function hashStart(seed: number, tag: number): number {
  return mixWord(mixWord(mixWord(0x2c1b3c6d, seed), high(seed)), tag);
}

/** `hashWords(seed, tag, a, b, c)` given `hashStart(seed, tag)`. */
export function hashOn(start: number, a: number, b?: number, c?: number): number {
  let h = mixWord(mixWord(start, a), high(a));
  if (b !== undefined) h = mixWord(mixWord(h, b), high(b));
  if (c !== undefined) h = mixWord(mixWord(h, c), high(c));
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function high(value: number): number {
  return Math.floor(value / 4294967296);
}

function mixWord(hash: number, word: number): number {
  let k = Math.imul(word | 0, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  const h = hash ^ k;
  return (Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64) | 0;
}
