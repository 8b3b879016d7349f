import {
  readRollupWindowByAgency,
  readRollupWindowShift,
  type AgencyRollupCounters,
  type AgencyRollupWindow,
  type Queryable,
} from '@ioc/core';

interface KeptWindow {
  version: string;
  from: number;
  to: number;
  agencies: Map<string, AgencyRollupWindow>;
}

/**
 * The rollup's counters per agency over the sliding windows the metric rules name (`[now − window, now)`), kept
 * between ticks: a thirty-day window summed afresh on every tick was the slowest read of one. While the data version
 * stays the same nothing was written to the rollup, so the next tick's window is the kept one minus the minutes that
 * left it plus those that entered (one small range query); any write, a step back in time or a jump longer than the
 * window reads the whole window again. The answer is the one `readRollupCountersByAgency` gives, in another order:
 * each agency with at least one rollup row in the window, its counters summed.
 */
export class RollupWindowCache {
  private readonly kept = new Map<number, KeptWindow>();

  constructor(private readonly db: Queryable) {}

  /** `version`: the data version read before this tick's reads (`readDataVersion`). */
  async read(version: string, windowMilliseconds: number, now: Date, signal?: AbortSignal): Promise<AgencyRollupCounters[]> {
    const to = now.getTime();
    const from = to - windowMilliseconds;
    const kept = this.kept.get(windowMilliseconds);
    // Dropped first: a read that fails leaves nothing kept.
    this.kept.delete(windowMilliseconds);
    let agencies: Map<string, AgencyRollupWindow>;
    if (kept && kept.version === version && to >= kept.to && to - kept.to <= windowMilliseconds) {
      agencies = kept.agencies;
      if (to > kept.to) {
        const shift = await readRollupWindowShift(
          this.db,
          { from: new Date(kept.from), to: new Date(from) },
          { from: new Date(kept.to), to: now },
          signal,
        );
        for (const d of shift) {
          const a = agencies.get(d.agencyCode);
          agencies.set(
            d.agencyCode,
            a
              ? {
                  agencyCode: a.agencyCode,
                  received: a.received + d.received,
                  receivedOnline: a.receivedOnline + d.receivedOnline,
                  finished: a.finished + d.finished,
                  finishedNotLate: a.finishedNotLate + d.finishedNotLate,
                  rows: a.rows + d.rows,
                }
              : d,
          );
        }
      }
    } else {
      const rows = await readRollupWindowByAgency(this.db, new Date(from), now, signal);
      agencies = new Map(rows.map((r) => [r.agencyCode, r]));
    }
    this.kept.set(windowMilliseconds, { version, from, to, agencies });
    const out: AgencyRollupCounters[] = [];
    for (const a of agencies.values()) if (a.rows > 0) out.push(a);
    return out;
  }
}
