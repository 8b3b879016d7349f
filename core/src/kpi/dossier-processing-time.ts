import type { Dossier } from '../contracts/dossier';
import type { WorkingCalendar } from '../calendar/working-calendar';
import { workingTimeBetween } from '../calendar/working-time';

type ProcessingFacts = Pick<Dossier, 'received_at' | 'finished_at' | 'supplement_periods'>;

/**
 * D13's duration of one finished dossier: working minutes from receipt to finish, minus the working time spent
 * waiting for the applicant's supplement, when the clock is paused [001 Art 6.6, 7.2.c]. Pauses are clipped to
 * the processing span and merged where they overlap, so no minute is subtracted twice; a pause not yet completed
 * runs to the finish. Rounded to the whole minute. `null` for a dossier not received or not finished.
 */
export function dossierProcessingWorkingMinutes(cal: WorkingCalendar, d: ProcessingFacts): number | null {
  if (d.received_at === null || d.finished_at === null) return null;
  const receivedAt = d.received_at;
  const finishedAt = d.finished_at;
  const from = receivedAt.getTime();
  const to = finishedAt.getTime();
  const pauses = d.supplement_periods
    .map((p) => [Math.max(from, p.requested_at.getTime()), Math.min(to, (p.completed_at ?? finishedAt).getTime())] as const)
    .filter(([s, e]) => e > s)
    .sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [s, e] of pauses) {
    const last = merged.at(-1);
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else merged.push([s, e]);
  }
  let minutes = workingTimeBetween(cal, receivedAt, finishedAt);
  for (const [s, e] of merged) minutes -= workingTimeBetween(cal, new Date(s), new Date(e));
  return Math.round(minutes);
}
