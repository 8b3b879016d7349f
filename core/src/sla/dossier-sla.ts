import type { Dossier } from '../contracts/dossier';
import { isOpen, isOverdue } from '../kpi/dossier-counters';
import type { WorkingCalendar } from '../calendar/working-calendar';
import { addWorkingMinutes, workingTimeBetween } from '../calendar/working-time';

/** What the SLA rules read of an open dossier (the store reads only these columns, only for open dossiers). */
export type SlaDossier = Pick<
  Dossier,
  | 'source_id'
  | 'status'
  | 'received_at'
  | 'due_at'
  | 'apology_issued_at'
  | 'supplement_periods'
  | 'handling_agency_code'
  | 'receiving_unit_code'
  | 'unit_code'
> & { source_system: string };

/**
 * Working time measured from one evaluation instant, memoised per instant: thousands of open dossiers share a few
 * hundred due dates (the ends of sessions, 24:00), so each distinct one is walked through the calendar once.
 */
export class WorkingClock {
  private readonly since = new Map<number, number>();
  private readonly until = new Map<number, number>();
  constructor(
    readonly calendar: WorkingCalendar,
    readonly now: Date,
  ) {}

  /** Working minutes from `at` to now (≥ 0 when `at` is past). */
  minutesSince(at: Date): number {
    const key = at.getTime();
    let m = this.since.get(key);
    if (m === undefined) this.since.set(key, (m = workingTimeBetween(this.calendar, at, this.now)));
    return m;
  }

  /** Working minutes from now to `at`. */
  minutesUntil(at: Date): number {
    const key = at.getTime();
    let m = this.until.get(key);
    if (m === undefined) this.until.set(key, (m = workingTimeBetween(this.calendar, this.now, at)));
    return m;
  }

  get minutesPerWorkingDay(): number {
    return this.calendar.minutesPerWorkingDay;
  }
}

/**
 * How long an overdue dossier has been overdue, in working minutes, the time it then spent waiting for a supplement
 * excluded [001 Art 6.6, 7.2.c]; `null` when it is not overdue. Overdue is `isOverdue`, the wall's D4 definition:
 * open, not waiting for a supplement, and `now > due_at`; the apology's new date never makes it on time.
 */
export function overdueWorkingMinutes(d: SlaDossier, clock: WorkingClock): number | null {
  if (!isOverdue(d, clock.now) || d.due_at === null) return null;
  let minutes = clock.minutesSince(d.due_at);
  const due = d.due_at.getTime();
  for (const p of d.supplement_periods) {
    const from = Math.max(due, p.requested_at.getTime());
    const to = Math.min(clock.now.getTime(), (p.completed_at ?? clock.now).getTime());
    if (to > from) minutes -= workingTimeBetween(clock.calendar, new Date(from), new Date(to));
  }
  return Math.max(0, minutes);
}

/**
 * Due soon (sắp đến hạn, DOS-02): open, not paused, not yet due, and at most `withinWorkingHours` of working time
 * left, as `dueSoon` in the calendar decides it.
 */
export function isDueSoon(d: SlaDossier, clock: WorkingClock, withinWorkingHours: number): boolean {
  if (!isOpen(d) || d.status === 'supplement_requested' || d.due_at === null) return false;
  return clock.now.getTime() < d.due_at.getTime() && clock.minutesUntil(d.due_at) <= withinWorkingHours * 60;
}

/**
 * The latest due date a "due within N working hours" check can accept at `now`: N working hours on, moved to the
 * next opening when that lands on a session's end (a due date in the gap between sessions has the same working
 * time left). A store reading only dossiers due by then misses none; the check itself stays `isDueSoon`.
 */
export function dueSoonHorizon(cal: WorkingCalendar, now: Date, withinWorkingHours: number): Date {
  return addWorkingMinutes(cal, addWorkingMinutes(cal, now, withinWorkingHours * 60), 0);
}
