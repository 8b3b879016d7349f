import type { Catalogue } from '@ioc/core';
import { ChangeLog } from './change-log';
import { applyStep, createDossier, type StepKind } from './dossier-lifecycle';
import { EventHeap } from './event-heap';
import { counterArrivalsPerMinute, onlineArrivalsPerMinute, ONLINE_SHARE, POSTAL_SHARE } from './intake-rates';
import { createRandom, WeightedPicker, type Random } from './prng';
import { PROCEDURES, type Procedure } from './procedures';
import type { Channel, SimDossier } from './sim-dossier';
import { MINUTE_MILLISECONDS } from './working-time';

type Pending = { kind: 'arrive'; channel: Channel } | { kind: 'step'; step: StepKind; dossier: SimDossier };

/** Wards (phường) are denser than rural communes (xã): they get twice the share of applicants. */
const WARD_WEIGHT = 2;

export interface DossierModelOptions {
  catalogue: Catalogue;
  seed: number;
  /** Where simulated time begins (epoch milliseconds): the start of the back-fill. */
  startAt: number;
}

/**
 * The simulated dossier system's state: every dossier, the changes scheduled for them (and the arrivals to come) on
 * one timeline, and the change log the API pages through. Pure in-memory and synchronous: time moves only when the
 * caller says so, which is what makes it deterministic and testable without sleeping.
 */
export class DossierModel {
  readonly #random: Random;
  readonly #procedures: WeightedPicker<Procedure>;
  readonly #communes: WeightedPicker<string>;
  readonly #heap = new EventHeap<Pending>();
  readonly #log = new ChangeLog();
  readonly #dossiers: SimDossier[] = [];
  /** Arrivals are drawn minute by minute up to here (exclusive). */
  #arrivalsUntil: number;
  #lastChangeAt: number;
  #changeCount = 0;

  constructor(o: DossierModelOptions) {
    this.#random = createRandom(o.seed);
    const agencyCodes = new Set(o.catalogue.agencies.map((a) => a.code));
    for (const p of PROCEDURES) {
      if (p.handler.kind === 'department' && !agencyCodes.has(p.handler.agencyCode))
        throw new Error(`simulator procedure ${p.code} names agency ${p.handler.agencyCode}, which the catalogue does not have`);
    }
    this.#procedures = new WeightedPicker(PROCEDURES.map((p) => [p, p.weight] as const));
    this.#communes = new WeightedPicker(o.catalogue.communes.map((c) => [c.code, c.kind === 'phuong' ? WARD_WEIGHT : 1] as const));
    this.#arrivalsUntil = Math.ceil(o.startAt / MINUTE_MILLISECONDS) * MINUTE_MILLISECONDS;
    this.#lastChangeAt = Math.round(o.startAt) - 1;
  }

  /** How many changes were applied since the start (each bumps one dossier's version). */
  get changeCount(): number {
    return this.#changeCount;
  }

  /** Every dossier, in creation (= source id) order. Live objects: callers must not mutate them. */
  dossiers(): readonly SimDossier[] {
    return this.#dossiers;
  }

  /** Applies every change scheduled up to and including `until`; returns how many were applied. */
  advanceTo(until: number): number {
    while (this.#arrivalsUntil <= until) this.#drawArrivalsOfNextMinute();
    let applied = 0;
    while (this.#heap.peekAt() <= until) {
      const { at, value } = this.#heap.pop()!;
      this.#apply(value, at);
      applied += 1;
    }
    return applied;
  }

  /**
   * Applies the next `count` scheduled changes (arrivals and steps, soonest first) at `now`, ahead of their time.
   * Returns the dossiers that changed. This keeps the source visibly alive at night at the price of running ahead of
   * the realistic rhythm, never of an inconsistent record: each step is computed from the instant it really ran.
   */
  pullForward(count: number, now: number): Set<SimDossier> {
    const changed = new Set<SimDossier>();
    for (let i = 0; i < count; i += 1) {
      // Arrivals before the earliest scheduled step may not be drawn yet; draw until they are.
      while (this.#heap.peekAt() >= this.#arrivalsUntil) this.#drawArrivalsOfNextMinute();
      changed.add(this.#apply(this.#heap.pop()!.value, now));
    }
    return changed;
  }

  /** Up to `limit` dossiers whose latest change sorts after the cursor (`afterAt`, `afterId`), oldest first. */
  page(afterAt: number, afterId: string, limit: number): SimDossier[] {
    return this.#log.readAfter(afterAt, afterId, limit);
  }

  #apply(pending: Pending, scheduledAt: number): SimDossier {
    // Strictly increasing change instants: two changes never share a cursor position, so none can hide behind one.
    // Whole milliseconds, as on the wire: a cursor read back from the API must match the change exactly.
    const at = Math.max(Math.ceil(scheduledAt), this.#lastChangeAt + 1);
    this.#lastChangeAt = at;
    if (pending.kind === 'step') {
      const next = applyStep(pending.dossier, pending.step, at);
      this.#stamp(pending.dossier, at, true);
      if (next) this.#heap.push(next.at, { kind: 'step', step: next.kind, dossier: pending.dossier });
      return pending.dossier;
    }
    const procedure = this.#procedures.pick(this.#random);
    const commune = this.#communes.pick(this.#random);
    const agencyCode = procedure.handler.kind === 'department' ? procedure.handler.agencyCode : `UBND-${commune}`;
    const { dossier, next } = createDossier(
      { number: this.#dossiers.length + 1, at, channel: pending.channel, procedure, agencyCode, unitCode: commune },
      this.#random,
    );
    this.#dossiers.push(dossier);
    this.#stamp(dossier, at, false);
    if (next) this.#heap.push(next.at, { kind: 'step', step: next.kind, dossier });
    return dossier;
  }

  #stamp(d: SimDossier, at: number, hadEntry: boolean): void {
    d.version += 1;
    d.updatedAt = at;
    d.changeSeq = ++this.#changeCount;
    d.wire = null;
    this.#log.append(at, d, hadEntry);
  }

  #drawArrivalsOfNextMinute(): void {
    const minute = this.#arrivalsUntil;
    const counter = this.#random.poisson(counterArrivalsPerMinute(minute));
    const online = this.#random.poisson(onlineArrivalsPerMinute(minute));
    const postalShareOfCounter = POSTAL_SHARE / (1 - ONLINE_SHARE);
    for (let i = 0; i < counter; i += 1) {
      const channel: Channel = this.#random.chance(postalShareOfCounter) ? 'postal' : 'in_person';
      this.#heap.push(minute + Math.floor(this.#random.next() * MINUTE_MILLISECONDS), { kind: 'arrive', channel });
    }
    for (let i = 0; i < online; i += 1) {
      this.#heap.push(minute + Math.floor(this.#random.next() * MINUTE_MILLISECONDS), { kind: 'arrive', channel: 'online' });
    }
    this.#arrivalsUntil = minute + MINUTE_MILLISECONDS;
  }
}
