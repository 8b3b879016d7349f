import { HashTag, hashOn, hashStart } from './prng';

/**
 * The live floor (IOC_SIM_RATE) as part of the simulated world rather than of a run. A province receives ~3,000
 * dossiers a working day, a handful of changes a minute, and nothing at all for hours at night; a wall that is
 * meant to visibly live at any hour needs at least `perSecond` changes every second. They cannot be new dossiers
 * (tens of thousands a night would swamp the day's real counts), nor real steps pulled forward (that makes the world
 * depend on when a run started). So they are touches: the source re-saves a recent dossier (a sync job, a re-index),
 * its version and `source_updated_at` move, its content does not, as real sources do.
 *
 * Touches sit on a fixed grid of slots anchored on the epoch: slot n at the odd millisecond 2·⌊n·500/perSecond⌋ + 1
 * (so every whole second of the epoch holds exactly `perSecond` slots when it is a whole number, and no touch can
 * share a millisecond with a lifecycle step, which sit on even ones). Slot n touches one of the TOUCH_POOL dossiers
 * created last before its minute began, chosen by hash(seed, n): a pure function of the seed and time, the same in
 * every run, never pulled forward.
 */
export const TOUCH_POOL = 2000;
/** Slots must land on distinct odd milliseconds. */
export const MAX_FLOOR_PER_SECOND = 500;

export class FloorGrid {
  readonly #hash: number;
  readonly #perSecond: number;

  constructor(seed: number, perSecond: number) {
    if (!(perSecond >= 0 && perSecond <= MAX_FLOOR_PER_SECOND)) throw new Error(`floor of ${perSecond} changes a second is out of range`);
    this.#hash = hashStart(seed, HashTag.floorTouch);
    this.#perSecond = perSecond;
  }

  /** The instant of slot n (epoch milliseconds, odd); Infinity when there is no floor. */
  at(n: number): number {
    return this.#perSecond === 0 ? Infinity : 2 * Math.floor((n * 500) / this.#perSecond) + 1;
  }

  /** The first slot whose instant is after `ms`. */
  firstAfter(ms: number): number {
    if (this.#perSecond === 0) return 0;
    let n = Math.max(0, Math.floor((((ms - 1) / 2) * this.#perSecond) / 500));
    while (n > 0 && this.at(n - 1) > ms) n -= 1;
    while (this.at(n) <= ms) n += 1;
    return n;
  }

  /** Which of the pool slot n touches: 0 is the oldest of the TOUCH_POOL dossiers created before its minute. */
  poolRank(n: number): number {
    return Math.floor((hashOn(this.#hash, n) / 4294967296) * TOUCH_POOL);
  }
}
