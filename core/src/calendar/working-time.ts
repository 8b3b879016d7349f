import { dayNumberOf, sessionsOnDay, type SessionInterval, type WorkingCalendar } from './working-calendar';

const MS_PER_MINUTE = 60_000;
/** How far a search for working time may run before the calendar is judged to have none (ten years). */
export const MAX_SEARCH_DAYS = 3660;

/** The working sessions that end after `fromMs`, in order, day by day. */
export function* sessionsFrom(cal: WorkingCalendar, fromMs: number): Generator<SessionInterval> {
  const first = dayNumberOf(cal, fromMs);
  for (let n = first; n < first + MAX_SEARCH_DAYS; n++) for (const s of sessionsOnDay(cal, n)) if (s.endMs > fromMs) yield s;
  throw new RangeError(`calendar.noWorkingTime: no working session within ${MAX_SEARCH_DAYS} days of ${new Date(fromMs).toISOString()}`);
}

/**
 * The instant `minutes` of working time after `start`. Time outside sessions does not count, so a start outside
 * office hours runs from the next opening. When the time runs out exactly at a session's end, the answer is that
 * end (17:00), not the next opening: a deadline is the end of the last session it needs.
 */
export function addWorkingMinutes(cal: WorkingCalendar, start: Date, minutes: number): Date {
  if (!(minutes >= 0)) throw new RangeError(`minutes must be ≥ 0, got ${minutes}`);
  let remaining = minutes * MS_PER_MINUTE;
  const t = start.getTime();
  for (const s of sessionsFrom(cal, t)) {
    const from = Math.max(t, s.startMs);
    const available = s.endMs - from;
    if (remaining <= available) return new Date(from + remaining);
    remaining -= available;
  }
  throw new Error('unreachable: sessionsFrom ends by throwing');
}

export const addWorkingHours = (cal: WorkingCalendar, start: Date, hours: number): Date => addWorkingMinutes(cal, start, hours * 60);

/** `days` working days of working time after `start` (a working day = `minutesPerWorkingDay`): Fri 09:00 + 1 → Mon 09:00. */
export const addWorkingDays = (cal: WorkingCalendar, start: Date, days: number): Date =>
  addWorkingMinutes(cal, start, days * cal.minutesPerWorkingDay);

/** Working minutes in `[a, b)`; negative when `b` is before `a`. Fractions of a minute are kept. */
export function workingTimeBetween(cal: WorkingCalendar, a: Date, b: Date): number {
  const from = a.getTime();
  const to = b.getTime();
  if (to < from) return -workingTimeBetween(cal, b, a);
  let ms = 0;
  const last = dayNumberOf(cal, to);
  for (let n = dayNumberOf(cal, from); n <= last; n++)
    for (const s of sessionsOnDay(cal, n)) ms += Math.max(0, Math.min(to, s.endMs) - Math.max(from, s.startMs));
  return ms / MS_PER_MINUTE;
}
