import { describe, expect, it } from 'vitest';
import { makeDossier } from '../../test/dossier-factory';
import { loadWorkingCalendar } from '../calendar/load-calendar';
import { dossierProcessingWorkingMinutes } from './dossier-processing-time';
import { workingDurationStats } from './working-duration-stats';

const cal = await loadWorkingCalendar();
const iso = (local: string) => new Date(`${local}+07:00`).toISOString();

const finished = (receivedAt: string, finishedAt: string, pauses: [string, string | null][] = []) =>
  makeDossier({
    received_at: iso(receivedAt),
    status: 'resolved',
    finished_at: iso(finishedAt),
    supplement_periods: pauses.map(([r, c]) => ({ requested_at: iso(r), completed_at: c === null ? null : iso(c) })),
  });

describe('dossierProcessingWorkingMinutes (D13)', () => {
  it.each([
    ['Mon 09:00 → Thu 09:00 is 3 working days', finished('2026-03-02T09:00', '2026-03-05T09:00'), 1350],
    [
      'a day waiting for a supplement is not counted',
      finished('2026-03-02T09:00', '2026-03-05T09:00', [['2026-03-03T09:00', '2026-03-04T09:00']]),
      900,
    ],
    [
      'overlapping pauses are subtracted once',
      finished('2026-03-02T09:00', '2026-03-05T09:00', [
        ['2026-03-03T09:00', '2026-03-04T09:00'],
        ['2026-03-03T10:00', '2026-03-03T12:00'],
      ]),
      900,
    ],
    ['a pause never completed runs to the finish', finished('2026-03-02T09:00', '2026-03-05T09:00', [['2026-03-04T09:00', null]]), 900],
    [
      'a pause before receipt is clipped away',
      finished('2026-03-02T09:00', '2026-03-05T09:00', [['2026-02-27T09:00', '2026-03-02T09:00']]),
      1350,
    ],
    ['Tết is not counted', finished('2026-02-13T07:30', '2026-02-23T17:00'), 900],
  ])('%s', (_name, d, minutes) => {
    expect(dossierProcessingWorkingMinutes(cal, d)).toBe(minutes);
  });

  it('is null for an open dossier', () => {
    expect(dossierProcessingWorkingMinutes(cal, makeDossier({ status: 'in_progress' }))).toBeNull();
  });

  it('gives D13 mean and median in working days', () => {
    const stats = workingDurationStats([1350, 900, 900], cal.minutesPerWorkingDay);
    expect(stats.meanDays).toMatchObject({ numerator: 3150, denominator: 1350 });
    expect(stats.medianDays.value).toBe(2);
  });
});
