import { hashWords } from './prng';
import { toProvinceIso } from './working-time';

/** A simulated record: its id and the instants of its versions (version k happens at `times[k - 1]`), ascending. */
export interface SimEntity {
  readonly id: string;
  readonly times: readonly number[];
}

/**
 * A simulated source system as a pure function of (seed, time): which records exist up to an instant, and what each
 * version looks like on the wire. The document, project and KPI-feed simulators are such worlds.
 */
export interface SimWorld<E extends SimEntity> {
  /** Every record whose first version happens at or before `untilMs` (later ones may be included). */
  entitiesUpTo(untilMs: number): readonly E[];
  /** The wire form of version `version` (1-based) of `e`; `source_id`, `version`, `source_updated_at` are added. */
  wire(e: E, version: number): Record<string, unknown>;
  /** Ways a real source breaks a record, for fault injection (quarantine tests). */
  readonly breakages: ReadonlyArray<(wire: Record<string, unknown>) => Record<string, unknown>>;
}

/** How many versions of `e` exist at `nowMs` (0: not yet). */
export function versionAt(e: SimEntity, nowMs: number): number {
  let lo = 0;
  let hi = e.times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (e.times[mid]! <= nowMs) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The wire record of the version of `e` current at `nowMs`, with its idempotency key and cursor fields. */
export function wireAt<E extends SimEntity>(world: SimWorld<E>, e: E, version: number): Record<string, unknown> {
  return { source_id: e.id, version, source_updated_at: toProvinceIso(e.times[version - 1]!), ...world.wire(e, version) };
}

/**
 * Up to `limit` records as they stand at `nowMs` whose current version sorts after the cursor (`afterAt`,
 * `afterId`), in (source_updated_at, source_id) order: the LGSP cursor contract. A record changed after a client
 * read it sorts after that client's cursor, so nothing is missed.
 */
export function pageAt<E extends SimEntity>(
  world: SimWorld<E>,
  nowMs: number,
  afterAt: number,
  afterId: string,
  limit: number,
): { entity: E; version: number; at: number }[] {
  const hits: { entity: E; version: number; at: number }[] = [];
  for (const entity of world.entitiesUpTo(nowMs)) {
    const version = versionAt(entity, nowMs);
    if (version === 0) continue;
    const at = entity.times[version - 1]!;
    if (at < afterAt || (at === afterAt && entity.id <= afterId)) continue;
    hits.push({ entity, version, at });
  }
  hits.sort((x, y) => x.at - y.at || (x.entity.id < y.entity.id ? -1 : x.entity.id > y.entity.id ? 1 : 0));
  return hits.slice(0, limit);
}

/** The wire record, broken for about one version in `malformedEvery`; the same version always breaks the same way. */
export function maybeBroken<E extends SimEntity>(
  world: SimWorld<E>,
  wire: Record<string, unknown>,
  e: E,
  version: number,
  seed: number,
  malformedEvery: number | undefined,
): Record<string, unknown> {
  if (!malformedEvery || world.breakages.length === 0) return wire;
  const draw = hashWords(seed, FAULT_TAG, idNumber(e.id), version);
  if (draw % malformedEvery !== 0) return wire;
  return world.breakages[Math.floor(draw / malformedEvery) % world.breakages.length]!(wire);
}

const FAULT_TAG = 104;

/** A stable number for an id string (FNV-1a), to feed the hash. */
export function idNumber(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i += 1) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Generates a world's records day by day (local day numbers), once each, from `firstDay` on. */
export class DayCache<E> {
  readonly #days = new Map<number, readonly E[]>();
  readonly #all: E[] = [];
  #through: number;

  constructor(
    private readonly firstDay: number,
    private readonly generate: (day: number) => readonly E[],
  ) {
    this.#through = firstDay - 1;
  }

  /** Every record of the days from `firstDay` through `lastDay`. */
  through(lastDay: number): readonly E[] {
    for (let day = this.#through + 1; day <= lastDay; day += 1) {
      const items = this.generate(day);
      this.#days.set(day, items);
      this.#all.push(...items);
      this.#through = day;
    }
    return this.#all;
  }

  get first(): number {
    return this.firstDay;
  }
}
