import { tzOffset } from '@date-fns/tz';

/**
 * Local calendar dates as `YYYY-MM-DD` strings and their instants, through the zone's offset on that day. For the
 * occasional conversion (a monthly cycle, a project date); the working calendar's hot path uses day numbers.
 */
export type LocalDate = string;

const MS_PER_MINUTE = 60_000;

function utcMidnight(day: LocalDate): number {
  const ms = Date.parse(`${day}T00:00:00Z`);
  if (Number.isNaN(ms)) throw new RangeError(`not a date (YYYY-MM-DD): ${day}`);
  return ms;
}

/** The local date of an instant. */
export function localDateOf(at: Date, timeZone: string): LocalDate {
  const offsetMinutes = tzOffset(timeZone, at);
  return new Date(at.getTime() + offsetMinutes * MS_PER_MINUTE).toISOString().slice(0, 10);
}

/** The instant of `minuteOfDay` minutes after local midnight on `day` (0 = 00:00, 1440 = the next midnight). */
export function localInstant(day: LocalDate, minuteOfDay: number, timeZone: string): Date {
  const midnightUtc = utcMidnight(day);
  const offsetMinutes = tzOffset(timeZone, new Date(midnightUtc + 12 * 60 * MS_PER_MINUTE));
  return new Date(midnightUtc + (minuteOfDay - offsetMinutes) * MS_PER_MINUTE);
}

/** ISO weekday of a date: 1 = Monday … 7 = Sunday. */
export function isoWeekdayOf(day: LocalDate): number {
  const w = new Date(utcMidnight(day)).getUTCDay();
  return w === 0 ? 7 : w;
}

/** Minutes since midnight of `HH:MM`. */
export function minuteOfDayOf(hhmm: string): number {
  const [h = '0', m = '0'] = hhmm.split(':');
  return Number(h) * 60 + Number(m);
}
