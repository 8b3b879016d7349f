import type { SimDossier } from './sim-dossier';

/**
 * Every change in the order it happened, for the cursor API. The model appends changes instant by instant, and within
 * an instant in source id order, so the log is sorted by (source_updated_at, source_id) by construction, and a client
 * holding a cursor never misses a change made after it read: a later change always sorts after its cursor. An entry is stale
 * once its dossier changed again; stale entries are skipped and compacted away when they outnumber the live ones.
 */
export class ChangeLog {
  #entries: { at: number; dossier: SimDossier }[] = [];
  #stale = 0;

  /** A log holding the latest change of each of `dossiers` (as after a back-fill). */
  static of(dossiers: readonly SimDossier[]): ChangeLog {
    const log = new ChangeLog();
    log.#entries = dossiers
      .map((dossier) => ({ at: dossier.updatedAt, dossier }))
      .sort((x, y) => x.at - y.at || (x.dossier.sourceId < y.dossier.sourceId ? -1 : 1));
    return log;
  }

  /** Records that `dossier` changed at `at` (after its `updatedAt` was set to `at`). */
  append(at: number, dossier: SimDossier, hadEntry: boolean): void {
    this.#entries.push({ at, dossier });
    if (hadEntry) this.#stale += 1;
    if (this.#stale > 10_000 && this.#stale > this.#entries.length / 2) {
      this.#entries = this.#entries.filter((e) => e.dossier.updatedAt === e.at);
      this.#stale = 0;
    }
  }

  /** Up to `limit` dossiers whose latest change sorts after (`afterAt`, `afterId`), in that order. */
  readAfter(afterAt: number, afterId: string, limit: number): SimDossier[] {
    const entries = this.#entries;
    let lo = 0;
    let hi = entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (entries[mid]!.at < afterAt) lo = mid + 1;
      else hi = mid;
    }
    const out: SimDossier[] = [];
    for (let i = lo; i < entries.length && out.length < limit; i += 1) {
      const e = entries[i]!;
      if (e.dossier.updatedAt !== e.at) continue;
      if (e.at === afterAt && e.dossier.sourceId <= afterId) continue;
      out.push(e.dossier);
    }
    return out;
  }
}
