import { dayNumberOf, localDateOfDayNumber, sessionsOnDay, isWorkingDayNumber, type WorkingCalendar } from '@ioc/core';
import type { Random } from './prng';

/**
 * The office rhythm shared by the document, project and KPI-feed simulators: work happens in office sessions
 * (07:30–11:30, 13:30–17:00, nothing over lunch), on working days of the province's calendar (weekends, Tết and the
 * other holidays off, make-up Saturdays on), and swells at month end when reports fall due.
 */

/** An instant drawn uniformly over the office sessions of local day `day`; null on a day off. */
export function officeInstant(cal: WorkingCalendar, day: number, rng: Random): number | null {
  const sessions = sessionsOnDay(cal, day);
  const total = sessions.reduce((sum, s) => sum + s.endMs - s.startMs, 0);
  if (total === 0) return null;
  let offset = Math.floor(rng.next() * total);
  for (const s of sessions) {
    const length = s.endMs - s.startMs;
    if (offset < length) return s.startMs + offset;
    offset -= length;
  }
  return null;
}

/** How busy a working day is relative to an ordinary one: Mondays a little more, the last 3 working days of a month 1.4×. */
export function dayLoadFactor(cal: WorkingCalendar, day: number): number {
  if (!isWorkingDayNumber(cal, day)) return 0;
  let factor = ((((day + 3) % 7) + 7) % 7) + 1 === 1 ? 1.15 : 1;
  const month = localDateOfDayNumber(day).slice(0, 7);
  let workingDaysLeft = 0;
  for (let d = day + 1; localDateOfDayNumber(d).slice(0, 7) === month; d += 1) if (isWorkingDayNumber(cal, d)) workingDaysLeft += 1;
  if (workingDaysLeft < 3) factor *= 1.4;
  return factor;
}

/** A count around `mean` (±25 %), rounded: daily volumes vary, but never wildly. */
export function around(mean: number, rng: Random): number {
  return Math.max(0, Math.round(mean * rng.between(0.75, 1.25)));
}

/** The local day number of an instant in the calendar's zone. */
export const localDay = (cal: WorkingCalendar, ms: number): number => dayNumberOf(cal, ms);
