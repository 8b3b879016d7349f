import { endOfDay, workingDayOnOrAfter } from '../calendar/due-date';
import { dayNumberOf, type WorkingCalendar } from '../calendar/working-calendar';
import { addWorkingMinutes, workingTimeBetween } from '../calendar/working-time';

export type DocumentUrgency = 'normal' | 'urgent' | 'very_urgent' | 'flash';

/** "At once" for an urgent document, read as one working hour [P]; the decree gives no figure. */
export const URGENT_REGISTRATION_WORKING_MINUTES = 60;

/**
 * When an incoming document must be registered (V6, DOC-02): "the same day, at the latest the next working day;
 * urgent ones at once" [003 Art 7.1; NĐ 30/2020 Art 4.2.c]. A document received on a day off is taken as received
 * on the next working day [P]; the deadline is 24:00 of the working day after that, the way the Civil Code ends a
 * day [L: BLDS 2015 Art 148]. Urgent, very urgent and flash documents get `urgentWorkingMinutes` of working time.
 */
export function documentRegistrationDueAt(
  cal: WorkingCalendar,
  receivedAt: Date,
  urgency: DocumentUrgency,
  urgentWorkingMinutes: number = URGENT_REGISTRATION_WORKING_MINUTES,
): Date {
  if (urgency !== 'normal') return addWorkingMinutes(cal, receivedAt, urgentWorkingMinutes);
  const effective = workingDayOnOrAfter(cal, dayNumberOf(cal, receivedAt.getTime()));
  return endOfDay(cal, workingDayOnOrAfter(cal, effective + 1));
}

/** V3's duration of one document: whole working minutes from assignment to completion; `null` until both exist. */
export function documentHandlingWorkingMinutes(
  cal: WorkingCalendar,
  d: { assigned_at: Date | null; completed_at: Date | null },
): number | null {
  if (d.assigned_at === null || d.completed_at === null) return null;
  return Math.round(workingTimeBetween(cal, d.assigned_at, d.completed_at));
}
