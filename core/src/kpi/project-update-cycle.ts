import { localDateOf, localInstant } from '../calendar/local-date';
import { PROVINCE_TIME_ZONE } from '../time/province-time';

/**
 * One monthly update cycle [000 Art 6.2: update "trước ngày mùng 10 hàng tháng"]. Cycle M runs over calendar days
 * from the 10th of M−1 00:00 to the 10th of M 00:00, province time, end excluded [P, domain.md §2.3]: the March 2026
 * cycle is 10/02/2026 00:00 – 09/03/2026 23:59:59, and its alerts fire at 10/03/2026 00:00.
 */
export interface UpdateCycle {
  /** `YYYY-MM`: the month whose 10th closes the cycle. */
  month: string;
  start: Date;
  end: Date;
}

const DEADLINE_DAY = 10;
const pad = (n: number) => String(n).padStart(2, '0');

/** The cycle that closes on the 10th of `month` (`YYYY-MM`). */
export function updateCycleOf(month: string, timeZone: string = PROVINCE_TIME_ZONE): UpdateCycle {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  if (!m) throw new RangeError(`expected a month as YYYY-MM, got ${month}`);
  const year = Number(m[1]);
  const mon = Number(m[2]);
  if (mon < 1 || mon > 12) throw new RangeError(`no month ${month}`);
  const prevYear = mon === 1 ? year - 1 : year;
  const prevMon = mon === 1 ? 12 : mon - 1;
  return {
    month,
    start: localInstant(`${prevYear}-${pad(prevMon)}-${pad(DEADLINE_DAY)}`, 0, timeZone),
    end: localInstant(`${month}-${pad(DEADLINE_DAY)}`, 0, timeZone),
  };
}

/** The cycle that contains `now`: on 15/02 the March cycle is running; at 10/03 00:00 the April one starts. */
export function updateCycleAt(now: Date, timeZone: string = PROVINCE_TIME_ZONE): UpdateCycle {
  const [y = 0, m = 1, d = 1] = localDateOf(now, timeZone).split('-').map(Number);
  const month = d < DEADLINE_DAY ? `${y}-${pad(m)}` : m === 12 ? `${y + 1}-01` : `${y}-${pad(m + 1)}`;
  return updateCycleOf(month, timeZone);
}

const inCycle = (at: Date, c: UpdateCycle) => at.getTime() >= c.start.getTime() && at.getTime() < c.end.getTime();

/**
 * Which obliged keys (agency codes for P3, project ids for P4) have at least one update in the cycle, and which
 * have none: those are the PRJ-02 alerts. Any update kind counts, "no change" included, since confirming that
 * nothing changed is the update the rule asks for [P]. Updates from keys not obliged are ignored; duplicates in
 * `obliged` count once.
 */
export function updatesInCycle(
  obliged: readonly string[],
  updates: readonly { key: string; updatedAt: Date }[],
  cycle: UpdateCycle,
): { updated: string[]; missing: string[] } {
  const seen = new Set(updates.filter((u) => inCycle(u.updatedAt, cycle)).map((u) => u.key));
  const unique = [...new Set(obliged)];
  return { updated: unique.filter((k) => seen.has(k)), missing: unique.filter((k) => !seen.has(k)) };
}
