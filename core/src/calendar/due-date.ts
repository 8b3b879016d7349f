import type { Dossier } from '../contracts/dossier';
import { dayNumberOf, instantOfDay, isWorkingDayNumber, type WorkingCalendar } from './working-calendar';
import { MAX_SEARCH_DAYS, addWorkingMinutes, sessionsFrom, workingTimeBetween } from './working-time';

export type TimeLimitUnit = NonNullable<Dossier['time_limit_unit']>;

/** The first session that opens at or after `at`: the "next working half-day" of a receipt at `at`. */
function nextSessionStart(cal: WorkingCalendar, at: Date): number {
  for (const s of sessionsFrom(cal, at.getTime())) if (s.startMs >= at.getTime()) return s.startMs;
  throw new Error('unreachable: sessionsFrom ends by throwing');
}

/** The first working day on or after local day `n` (epoch-day number). */
export function workingDayOnOrAfter(cal: WorkingCalendar, n: number): number {
  for (let d = n; d < n + MAX_SEARCH_DAYS; d++) if (isWorkingDayNumber(cal, d)) return d;
  throw new RangeError(`calendar.noWorkingTime: no working day within ${MAX_SEARCH_DAYS} days`);
}

/** 24:00 of local day `n`: where the Civil Code ends a day [L: BLDS 2015 Art 148]. */
export const endOfDay = (cal: WorkingCalendar, n: number): Date => new Date(instantOfDay(cal, n, 24 * 60));

/**
 * The due date (ngày hẹn trả) of a dossier received at `receivedAt` with a time limit, before any supplementation
 * pause. The limit runs from the receipt of a complete dossier [L: ND 61/2018, replaced by ND 118/2025]; how the
 * days are counted is our reading, to be confirmed with the Trung tâm PVHCC [P]:
 *
 * - `working_day`: counted in half-days (buổi), as appointment slips give "sáng/chiều". The half-day in which the
 *   dossier arrives is not counted: the clock starts at the next session that opens at or after receipt (received
 *   Monday 09:00 or 11:25 → from Monday 13:30; 15:00 → Tuesday 07:30; Saturday → Monday 07:30). N days is then 2N
 *   sessions and the dossier is due at the end of the last one (Mon 09:00 + 3 days → Thursday 11:30). A limit that
 *   is not a whole number of sessions runs as working time from that start.
 * - `working_hour`: working time from the receipt instant itself (or the next opening, if outside office hours).
 * - `day` (calendar days): the Civil Code's rule [L: BLDS 2015 Art 147–148]: the day of receipt is not counted,
 *   the limit ends at 24:00 of its last day, and a last day that is not worked moves to 24:00 of the next working day.
 *   A fraction of a day is rounded up to a whole day.
 *
 * A limit of 0 is due at once: the receipt instant.
 */
export function dueAt(cal: WorkingCalendar, receivedAt: Date, timeLimit: number, unit: TimeLimitUnit): Date {
  if (!(timeLimit >= 0)) throw new RangeError(`timeLimit must be ≥ 0, got ${timeLimit}`);
  if (timeLimit === 0) return new Date(receivedAt.getTime());
  switch (unit) {
    case 'working_hour':
      return addWorkingMinutes(cal, receivedAt, timeLimit * 60);
    case 'day':
      return endOfDay(cal, workingDayOnOrAfter(cal, dayNumberOf(cal, receivedAt.getTime()) + Math.ceil(timeLimit)));
    case 'working_day': {
      const start = nextSessionStart(cal, receivedAt);
      const sessions = timeLimit * cal.sessions.length;
      if (!Number.isInteger(sessions)) return addWorkingMinutes(cal, new Date(start), timeLimit * cal.minutesPerWorkingDay);
      let counted = 0;
      for (const s of sessionsFrom(cal, start)) if (++counted === sessions) return new Date(s.endMs);
      throw new Error('unreachable: sessionsFrom ends by throwing');
    }
  }
}

/**
 * Due soon (sắp đến hạn): not yet due, and at most `withinWorkingHours` of working time left (DOS-02 uses 8).
 * At or past the due instant it is no longer "due soon" but overdue, which is a different state.
 */
export function dueSoon(cal: WorkingCalendar, now: Date, due: Date, withinWorkingHours: number): boolean {
  return now.getTime() < due.getTime() && workingTimeBetween(cal, now, due) <= withinWorkingHours * 60;
}
