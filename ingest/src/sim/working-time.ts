/**
 * Office time in the province, for the simulator's rhythm and deadlines. Asia/Ho_Chi_Minh has been UTC+7 without
 * daylight saving since 1975, so plain offset arithmetic is exact here, and fast enough for the hundreds of thousands
 * of calls a back-fill makes (a time-zone library per call is not). Holidays come later with the working calendar.
 */
export const PROVINCE_OFFSET_MILLISECONDS = 7 * 3_600_000;
export const MINUTE_MILLISECONDS = 60_000;
export const DAY_MILLISECONDS = 86_400_000;

/** Office hours, in minutes since local midnight, [start, end): 07:30–11:30 and 13:30–17:00. */
export const OFFICE_BLOCKS: ReadonlyArray<readonly [number, number]> = [
  [7 * 60 + 30, 11 * 60 + 30],
  [13 * 60 + 30, 17 * 60],
];
export const OFFICE_MINUTES_PER_DAY = OFFICE_BLOCKS.reduce((sum, [start, end]) => sum + end - start, 0);

/** Local midnight (as an instant) of the day that contains `ms`. */
export function localMidnight(ms: number): number {
  return Math.floor((ms + PROVINCE_OFFSET_MILLISECONDS) / DAY_MILLISECONDS) * DAY_MILLISECONDS - PROVINCE_OFFSET_MILLISECONDS;
}

/** Minutes since local midnight. */
export function localMinuteOfDay(ms: number): number {
  return Math.floor((ms - localMidnight(ms)) / MINUTE_MILLISECONDS);
}

/** 1 = Monday … 7 = Sunday, in the province. 1970-01-01 was a Thursday. */
export function localIsoWeekday(ms: number): number {
  const day = Math.floor((ms + PROVINCE_OFFSET_MILLISECONDS) / DAY_MILLISECONDS);
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

export function isWorkingDay(ms: number): boolean {
  return localIsoWeekday(ms) <= 5;
}

export function isOfficeTime(ms: number): boolean {
  if (!isWorkingDay(ms)) return false;
  const minute = (ms - localMidnight(ms)) / MINUTE_MILLISECONDS;
  return OFFICE_BLOCKS.some(([start, end]) => minute >= start && minute < end);
}

/** The earliest instant at or after `ms` that is office time. */
export function nextOfficeTime(ms: number): number {
  for (let day = localMidnight(ms); ; day += DAY_MILLISECONDS) {
    if (!isWorkingDay(day)) continue;
    for (const [start, end] of OFFICE_BLOCKS) {
      if (ms < day + end * MINUTE_MILLISECONDS) return Math.max(ms, day + start * MINUTE_MILLISECONDS);
    }
  }
}

/** `ms` moved forward by `minutes` of office time (time outside office hours does not count). */
export function addOfficeMinutes(ms: number, minutes: number): number {
  let at = nextOfficeTime(ms);
  // Whole milliseconds: the wire carries milliseconds, and a cursor must round-trip exactly.
  let left = Math.round(minutes * MINUTE_MILLISECONDS);
  for (;;) {
    const blockEnd = officeBlockEnd(at);
    if (at + left <= blockEnd) return at + left;
    left -= blockEnd - at;
    at = nextOfficeTime(blockEnd);
  }
}

/** The same local time of day on the `days`-th working day after `ms` (Saturdays and Sundays skipped). */
export function addWorkingDays(ms: number, days: number): number {
  let at = ms;
  for (let left = days; left > 0;) {
    at += DAY_MILLISECONDS;
    if (isWorkingDay(at)) left -= 1;
  }
  return at;
}

/** ISO 8601 with the province's offset, as the provincial systems write it: `2026-03-11T10:00:00.000+07:00`. */
export function toProvinceIso(ms: number): string {
  // Hand-assembled: a back-fill formats half a million instants, and `Date#toISOString` per call is the slow part.
  const local = ms + PROVINCE_OFFSET_MILLISECONDS;
  const day = Math.floor(local / DAY_MILLISECONDS);
  let date = DATE_PREFIXES.get(day);
  if (date === undefined) {
    if (DATE_PREFIXES.size > 4096) DATE_PREFIXES.clear();
    date = new Date(day * DAY_MILLISECONDS).toISOString().slice(0, 11);
    DATE_PREFIXES.set(day, date);
  }
  const inDay = local - day * DAY_MILLISECONDS;
  const second = Math.floor(inDay / 1000);
  const time = (TIMES_OF_DAY[second] ??=
    `${TWO_DIGITS[Math.floor(second / 3600)]}:${TWO_DIGITS[Math.floor(second / 60) % 60]}:${TWO_DIGITS[second % 60]}`);
  return `${date}${time}.${THREE_DIGITS[inDay - second * 1000]}+07:00`;
}

/** `YYYY-MM-DDT` by local day number. */
const DATE_PREFIXES = new Map<number, string>();
/** `HH:MM:SS` by second of the day, filled as seconds are seen (86,400 short strings at most). */
const TIMES_OF_DAY = new Array<string | undefined>(86_400);
const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

function officeBlockEnd(officeInstant: number): number {
  const day = localMidnight(officeInstant);
  const minute = (officeInstant - day) / MINUTE_MILLISECONDS;
  const block = OFFICE_BLOCKS.find(([, end]) => minute < end) ?? OFFICE_BLOCKS[OFFICE_BLOCKS.length - 1]!;
  return day + block[1] * MINUTE_MILLISECONDS;
}
