import { TZDate } from '@date-fns/tz';
import { addDays, startOfDay, format } from 'date-fns';

/** Every date the IOC shows or buckets by is a date in this zone (domain.md §0). */
export const PROVINCE_TIME_ZONE = 'Asia/Ho_Chi_Minh';

/** The [start, end) instants of the provincial calendar day that contains `now`. */
export function provinceDay(now: Date, timeZone: string = PROVINCE_TIME_ZONE): { day: string; start: Date; end: Date } {
  const local = new TZDate(now.getTime(), timeZone);
  const start = startOfDay(local);
  const end = addDays(start, 1);
  return { day: format(local, 'yyyy-MM-dd'), start: new Date(start.getTime()), end: new Date(end.getTime()) };
}

/** Minutes since local midnight and the ISO weekday (1 = Monday … 7 = Sunday) of `now` in the province. */
export function provinceClock(now: Date, timeZone: string = PROVINCE_TIME_ZONE): { minuteOfDay: number; isoWeekday: number; day: string } {
  const local = new TZDate(now.getTime(), timeZone);
  const weekday = local.getDay();
  return {
    minuteOfDay: local.getHours() * 60 + local.getMinutes(),
    isoWeekday: weekday === 0 ? 7 : weekday,
    day: format(local, 'yyyy-MM-dd'),
  };
}

/** The start of the minute that contains `at`: the bucket of the per-minute rollups. */
export function minuteBucket(at: Date): Date {
  return new Date(Math.floor(at.getTime() / 60_000) * 60_000);
}
