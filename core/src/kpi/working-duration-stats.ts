import { ratioKpi, type RatioKpi } from './ratio';

/** Mean and median of durations, in working days, as exact ratios of working minutes (`null` when there are none). */
export interface WorkingDurationStats {
  count: number;
  meanDays: RatioKpi;
  medianDays: RatioKpi;
}

/**
 * D13 and V3: mean and median of whole working minutes, expressed in working days of `minutesPerWorkingDay`.
 * Durations of 1, 2, 2 and 5 days give a mean of 2,5 and a median of 2; an even count takes the mean of the two
 * middle values. No durations → both are no data.
 */
export function workingDurationStats(durationsMinutes: readonly number[], minutesPerWorkingDay: number): WorkingDurationStats {
  for (const m of durationsMinutes)
    if (!Number.isSafeInteger(m) || m < 0) throw new RangeError(`durations are whole working minutes ≥ 0, got ${m}`);
  const n = durationsMinutes.length;
  if (n === 0) return { count: 0, meanDays: ratioKpi(0, 0), medianDays: ratioKpi(0, 0) };
  const sorted = [...durationsMinutes].sort((a, b) => a - b);
  const total = sorted.reduce((s, m) => s + m, 0);
  const mid = Math.floor(n / 2);
  const median =
    n % 2 === 1
      ? ratioKpi(sorted[mid] ?? 0, minutesPerWorkingDay)
      : ratioKpi((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0), 2 * minutesPerWorkingDay);
  return { count: n, meanDays: ratioKpi(total, n * minutesPerWorkingDay), medianDays: median };
}
