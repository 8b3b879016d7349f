import type { Catalogue } from '@ioc/core';
import { ChangeLog } from './change-log';
import { lifetimeBoundOf, longestLifetimeMilliseconds, planDossier, WARD_WEIGHT, type PlanContext } from './dossier-lifecycle';
import { EventHeap } from './event-heap';
import { FloorGrid, TOUCH_POOL } from './floor-touches';
import { arrivalsOfMinute, type Arrival } from './minute-arrivals';
import { WeightedPicker } from './prng';
import { PROCEDURES } from './procedures';
import type { SimDossier } from './sim-dossier';
import { DAY_MILLISECONDS, MINUTE_MILLISECONDS } from './working-time';

/** Arrivals are counted this far before the oldest dossier held, so that the floor's pool is full from the start. */
const POOL_LEAD_MILLISECONDS = 7 * DAY_MILLISECONDS;
const LONGEST_LIFETIME_MILLISECONDS = Math.max(...PROCEDURES.map(longestLifetimeMilliseconds));

export interface DossierModelOptions {
  catalogue: Catalogue;
  seed: number;
  /** The floor: touches a second (`floor-touches.ts`). Part of the world: runs with another floor see other versions. */
  floorPerSecond: number;
  /**
   * The first instant whose changes this run must reproduce, on a whole minute. The run holds every dossier that
   * changes from then on: the ones created since (and the floor's pool just before), and the ones created earlier
   * and still in progress then. Runs with the same window start hold the same dossiers.
   */
  windowStart: number;
  /** The instant the back-fill materialises. */
  now: number;
}

/**
 * The simulated dossier system: a pure function of (seed, floor, instant). Arrivals are drawn per minute from
 * hash(seed, minute), each dossier's life from hash(seed, its arrival), the floor's touches from hash(seed, slot); the
 * model only decides how far in time it has looked (`until`). Looking further never changes what it saw before.
 * Synchronous and in memory; time moves only when the caller says so.
 */
export class DossierModel {
  readonly #ctx: PlanContext;
  readonly #floor: FloorGrid;
  readonly #log: ChangeLog;
  /** Held dossiers, created so far, in source id (= creation) order. */
  readonly #dossiers: SimDossier[] = [];
  /** Dossiers drawn but not created yet, by creation instant. */
  readonly #pending = new EventHeap<SimDossier>();
  /** Held dossiers by the instant of their next step. */
  readonly #due = new EventHeap<SimDossier>();
  /** The arrival grid from `#firstMinute`: `#ranks[i]` arrivals came before minute `#firstMinute + i`. */
  readonly #firstMinute: number;
  readonly #ranks: number[] = [0];
  /** Held dossiers by arrival rank (counted from `#firstMinute`): the floor picks its targets here. */
  readonly #byRank: (SimDossier | null)[] = [];
  #nextMinute: number;
  #nextSlot: number;
  #until: number;

  constructor(o: DossierModelOptions) {
    const agencyCodes = new Set(o.catalogue.agencies.map((a) => a.code));
    for (const p of PROCEDURES) {
      if (p.handler.kind === 'department' && !agencyCodes.has(p.handler.agencyCode))
        throw new Error(`simulator procedure ${p.code} names agency ${p.handler.agencyCode}, which the catalogue does not have`);
    }
    if (o.windowStart % MINUTE_MILLISECONDS !== 0 || o.windowStart > o.now)
      throw new Error('the window must start on a minute, before now');
    this.#ctx = {
      seed: o.seed,
      procedures: new WeightedPicker(PROCEDURES.map((p) => [p, p.weight] as const)),
      communes: new WeightedPicker(o.catalogue.communes.map((c) => [c.code, c.kind === 'phuong' ? WARD_WEIGHT : 1] as const)),
    };
    this.#floor = new FloorGrid(o.seed, o.floorPerSecond);
    const oldest = o.windowStart - LONGEST_LIFETIME_MILLISECONDS;
    this.#firstMinute = Math.floor((oldest - POOL_LEAD_MILLISECONDS) / MINUTE_MILLISECONDS);
    this.#nextMinute = this.#firstMinute;
    this.#until = o.now;
    this.#log = this.#backfill(o.windowStart, Math.floor(oldest / MINUTE_MILLISECONDS), o.now);
    this.#nextSlot = this.#floor.firstAfter(o.now);
  }

  /** Everything up to and including this instant has happened. */
  get until(): number {
    return this.#until;
  }

  /** Every held dossier, in source id order. Live objects: callers must not mutate them. */
  dossiers(): readonly SimDossier[] {
    return this.#dossiers;
  }

  /** Up to `limit` dossiers whose latest change sorts after the cursor (`afterAt`, `afterId`), oldest first. */
  page(afterAt: number, afterId: string, limit: number): SimDossier[] {
    return this.#log.readAfter(afterAt, afterId, limit);
  }

  /** Applies every change up to and including `until`; returns how many. Earlier instants are a no-op. */
  materialiseTo(until: number): number {
    let applied = 0;
    for (let at = this.#nextInstant(until); at <= until; at = this.#nextInstant(until)) applied += this.#applyInstant(at, null);
    this.#until = Math.max(this.#until, until);
    return applied;
  }

  /**
   * Applies the next `count` changes of the world, at their own instants (looking ahead, not pulling forward), and
   * every other change of the last one's millisecond; `until` moves there. Returns the dossiers that changed.
   */
  advance(count: number): Set<SimDossier> {
    const changed = new Set<SimDossier>();
    for (let applied = 0; applied < count;) {
      const at = this.#nextInstant(Infinity);
      applied += this.#applyInstant(at, changed);
      this.#until = Math.max(this.#until, at);
    }
    return changed;
  }

  /**
   * Materialises the state at `now` in one pass instead of change by change: draws the arrivals, plans the dossiers
   * this run holds, applies their steps up to `now`, counts the floor's touches up to `now`. `advance` and
   * `materialiseTo` then go on from exactly there; a test checks both ways agree.
   */
  #backfill(windowStart: number, oldestMinute: number, now: number): ChangeLog {
    const kept: (readonly Arrival[])[] = [];
    const lastMinute = Math.floor(now / MINUTE_MILLISECONDS);
    while (this.#nextMinute <= lastMinute) {
      const arrivals = this.#countMinute();
      if (this.#nextMinute > oldestMinute) kept.push(arrivals);
    }
    const poolStart = this.#rankBefore(windowStart) - TOUCH_POOL;
    let touchFrom = now;
    for (const arrivals of kept) {
      for (const a of arrivals) {
        const rank = this.#rankOf(a);
        // Created before the window and not in the floor's pool: held only if still in progress when it starts.
        const old = a.at < windowStart && rank < poolStart;
        if (old && a.at + lifetimeBoundOf(this.#ctx, a) < windowStart) continue;
        const d = planDossier(this.#ctx, a, old ? windowStart : -Infinity);
        if (!d) continue;
        if (a.at > now) {
          this.#pending.push(a.at, d);
          continue;
        }
        this.#dossiers.push(d);
        this.#byRank[rank] = d;
        touchFrom = Math.min(touchFrom, a.at);
        while (d.stepsApplied < d.stepAt.length && d.stepAt[d.stepsApplied]! <= now) d.stepsApplied += 1;
        const next = d.stepAt[d.stepsApplied];
        if (next !== undefined) this.#due.push(next, d);
        d.version = d.stepsApplied;
        d.updatedAt = d.stepAt[d.stepsApplied - 1]!;
      }
    }
    // The floor's touches up to now; slots before the oldest dossier held can touch none of them. Millions of
    // slots: the pool's start is looked up once a minute, not once a slot.
    const end = this.#floor.firstAfter(now);
    let minuteEnd = -Infinity;
    let poolBase = 0;
    for (let n = this.#floor.firstAfter(touchFrom); n < end; n += 1) {
      const at = this.#floor.at(n);
      if (at >= minuteEnd) {
        minuteEnd = (Math.floor(at / MINUTE_MILLISECONDS) + 1) * MINUTE_MILLISECONDS;
        poolBase = this.#poolBase(at);
      }
      const d = this.#byRank[poolBase + this.#floor.poolRank(n)];
      if (!d) continue;
      d.touches += 1;
      d.version += 1;
      d.updatedAt = Math.max(d.updatedAt, at);
    }
    return ChangeLog.of(this.#dossiers);
  }

  /** Draws the next minute's arrivals onto the grid; returns them. */
  #countMinute(): readonly Arrival[] {
    const arrivals = arrivalsOfMinute(this.#ctx.seed, this.#nextMinute);
    this.#ranks.push(this.#ranks[this.#ranks.length - 1]! + arrivals.length);
    for (let i = 0; i < arrivals.length; i += 1) this.#byRank.push(null);
    this.#nextMinute += 1;
    return arrivals;
  }

  #rankBefore(instant: number): number {
    return this.#ranks[Math.floor(instant / MINUTE_MILLISECONDS) - this.#firstMinute]!;
  }

  #rankOf(a: { minute: number; index: number }): number {
    return this.#ranks[a.minute - this.#firstMinute]! + a.index;
  }

  /** The rank of the oldest dossier in the floor's pool at `at`: the TOUCH_POOL created last before its minute. */
  #poolBase(at: number): number {
    const base = this.#rankBefore(at) - TOUCH_POOL;
    if (base < 0) throw new Error('the floor pool reaches before the arrivals drawn: draw more history');
    return base;
  }

  /** The dossier slot n touches, if this run holds it (it holds every one from the window start on). */
  #touchTarget(n: number): SimDossier | null {
    return this.#byRank[this.#poolBase(this.#floor.at(n)) + this.#floor.poolRank(n)] ?? null;
  }

  /**
   * The instant of the next change, drawing minutes of arrivals as far as needed to know it; or some instant after
   * `limit` when there is none up to there.
   */
  #nextInstant(limit: number): number {
    for (;;) {
      const at = Math.min(this.#pending.peekAt(), this.#due.peekAt(), this.#floor.at(this.#nextSlot));
      const drawnUntil = this.#nextMinute * MINUTE_MILLISECONDS;
      if (at < drawnUntil || drawnUntil > limit) return at;
      for (const a of this.#countMinute()) this.#pending.push(a.at, planDossier(this.#ctx, a)!);
    }
  }

  /**
   * Applies every change at instant `at`, in source id order (the change log must stay sorted by (instant, id)).
   * A dossier changes at most once per millisecond: its steps are 2 ms apart on even milliseconds, touches are on
   * odd ones and one slot per millisecond at most.
   */
  #applyInstant(at: number, changed: Set<SimDossier> | null): number {
    const batch: { d: SimDossier; kind: 'create' | 'step' | 'touch' }[] = [];
    while (this.#pending.peekAt() === at) batch.push({ d: this.#pending.pop()!.value, kind: 'create' });
    while (this.#due.peekAt() === at) batch.push({ d: this.#due.pop()!.value, kind: 'step' });
    if (this.#floor.at(this.#nextSlot) === at) {
      const d = this.#touchTarget(this.#nextSlot);
      this.#nextSlot += 1;
      if (d) batch.push({ d, kind: 'touch' });
    }
    batch.sort((x, y) => (x.d.sourceId < y.d.sourceId ? -1 : 1));
    for (const { d, kind } of batch) {
      if (kind === 'create') {
        this.#dossiers.push(d);
        this.#byRank[this.#rankOf(d)] = d;
      }
      if (kind === 'touch') d.touches += 1;
      else this.#applyNextStep(d);
      d.version += 1;
      d.updatedAt = at;
      d.wire = null;
      this.#log.append(at, d, d.version > 1);
      changed?.add(d);
    }
    return batch.length;
  }

  #applyNextStep(d: SimDossier): void {
    d.stepsApplied += 1;
    const next = d.stepAt[d.stepsApplied];
    if (next !== undefined) this.#due.push(next, d);
  }
}
