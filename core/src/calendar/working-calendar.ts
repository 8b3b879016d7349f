import { tzOffset } from '@date-fns/tz';
import type { CalendarData, DayOff } from './calendar.schema';
import { minuteOfDayOf, type LocalDate } from './local-date';

const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 86_400_000;

/**
 * A validated calendar, indexed for lookups. Build it once with `compileWorkingCalendar`; it is immutable data.
 * Days are also kept as epoch-day numbers in the zone, so that the SLA clock's thousands of deadline checks per
 * tick are integer arithmetic, not date parsing.
 */
export interface WorkingCalendar {
  readonly timeZone: string;
  /** The zone's fixed offset from UTC; `compileWorkingCalendar` refuses a zone with DST. */
  readonly offsetMilliseconds: number;
  readonly weekdays: ReadonlySet<number>;
  /** Sessions of a working day, minutes after local midnight, in order. */
  readonly sessions: readonly { readonly startMinute: number; readonly endMinute: number }[];
  /** Σ session lengths: what one working day is worth in working time (450 for 07:30–11:30 + 13:30–17:00). */
  readonly minutesPerWorkingDay: number;
  readonly daysOff: ReadonlyMap<LocalDate, DayOff>;
  readonly makeUpDays: ReadonlySet<LocalDate>;
  /** Years whose holidays the data lists. */
  readonly coveredYears: ReadonlySet<number>;
  readonly dayOffNumbers: ReadonlySet<number>;
  readonly makeUpDayNumbers: ReadonlySet<number>;
}

/** One working session as instants, `[start, end)` in epoch milliseconds. */
export interface SessionInterval {
  startMs: number;
  endMs: number;
}

/** Days since 1970-01-01 of a `YYYY-MM-DD` date. */
const dayNumberOfDate = (day: LocalDate): number => Math.floor(Date.parse(`${day}T00:00:00Z`) / MS_PER_DAY);

export function compileWorkingCalendar(data: CalendarData): WorkingCalendar {
  const offsets = new Set(
    data.years.flatMap((y) => [`${y.year}-01-15`, `${y.year}-07-15`]).map((d) => tzOffset(data.timeZone, new Date(`${d}T12:00:00Z`))),
  );
  const [offsetMinutes, ...others] = [...offsets];
  if (offsetMinutes === undefined || others.length > 0)
    throw new RangeError(`calendar.timeZone ${data.timeZone} changes its offset (DST); the working calendar needs a fixed one`);
  const sessions = data.officeHours.sessions.map((s) => ({ startMinute: minuteOfDayOf(s.start), endMinute: minuteOfDayOf(s.end) }));
  const daysOff = new Map(data.years.flatMap((y) => y.daysOff.map((d) => [d.date, d] as const)));
  const makeUpDays = new Set(data.years.flatMap((y) => y.makeUpWorkingDays.map((m) => m.date)));
  return {
    timeZone: data.timeZone,
    offsetMilliseconds: offsetMinutes * MS_PER_MINUTE,
    weekdays: new Set(data.officeHours.weekdays),
    sessions,
    minutesPerWorkingDay: sessions.reduce((sum, s) => sum + s.endMinute - s.startMinute, 0),
    daysOff,
    makeUpDays,
    coveredYears: new Set(data.years.map((y) => y.year)),
    dayOffNumbers: new Set([...daysOff.keys()].map(dayNumberOfDate)),
    makeUpDayNumbers: new Set([...makeUpDays].map(dayNumberOfDate)),
  };
}

/** The local epoch-day number of an instant. */
export const dayNumberOf = (cal: WorkingCalendar, ms: number): number => Math.floor((ms + cal.offsetMilliseconds) / MS_PER_DAY);

/** `YYYY-MM-DD` of a local epoch-day number. */
export const localDateOfDayNumber = (n: number): LocalDate => new Date(n * MS_PER_DAY).toISOString().slice(0, 10);

/** The instant of `minuteOfDay` minutes after local midnight of day `n` (1440 = the next midnight). */
export const instantOfDay = (cal: WorkingCalendar, n: number, minuteOfDay: number): number =>
  n * MS_PER_DAY - cal.offsetMilliseconds + minuteOfDay * MS_PER_MINUTE;

/** Whether offices work on local day `n`; see `isWorkingDay`. */
export function isWorkingDayNumber(cal: WorkingCalendar, n: number): boolean {
  if (cal.makeUpDayNumbers.has(n)) return true;
  if (cal.dayOffNumbers.has(n)) return false;
  return cal.weekdays.has(((((n + 3) % 7) + 7) % 7) + 1);
}

const toDayNumber = (cal: WorkingCalendar, date: Date | LocalDate): number =>
  typeof date === 'string' ? dayNumberOfDate(date) : dayNumberOf(cal, date.getTime());

/**
 * Whether offices work on the local date of `date` (an instant, or a `YYYY-MM-DD` local date): a make-up day is
 * worked; a holiday, compensatory or swapped day is not; otherwise the normal week decides. A year the data does
 * not cover falls back to the normal week, holidays unknown: check `coversDate` at start-up and warn.
 */
export function isWorkingDay(cal: WorkingCalendar, date: Date | LocalDate): boolean {
  if (typeof date === 'string' && Number.isNaN(Date.parse(`${date}T00:00:00Z`))) throw new RangeError(`not a date (YYYY-MM-DD): ${date}`);
  return isWorkingDayNumber(cal, toDayNumber(cal, date));
}

/** Whether the calendar lists the holidays of `date`'s year. */
export function coversDate(cal: WorkingCalendar, date: Date | LocalDate): boolean {
  return cal.coveredYears.has(Number(localDateOfDayNumber(toDayNumber(cal, date)).slice(0, 4)));
}

/** The working sessions of local day `n` as instants; none on a day off. */
export function sessionsOnDay(cal: WorkingCalendar, n: number): SessionInterval[] {
  if (!isWorkingDayNumber(cal, n)) return [];
  return cal.sessions.map((s) => ({ startMs: instantOfDay(cal, n, s.startMinute), endMs: instantOfDay(cal, n, s.endMinute) }));
}
