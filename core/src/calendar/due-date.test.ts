import { describe, expect, it } from 'vitest';
import { dueAt, dueSoon, type TimeLimitUnit } from './due-date';
import { loadWorkingCalendar } from './load-calendar';

const cal = await loadWorkingCalendar();
/** An instant given in province time. */
const at = (local: string) => new Date(`${local}+07:00`);

describe('dueAt', () => {
  it.each<[string, string, number, TimeLimitUnit, string]>([
    // working days: the half-day of receipt is not counted; due at the end of the 2N-th session.
    ['morning receipt counts from the afternoon', '2026-03-09T09:00', 3, 'working_day', '2026-03-12T11:30'],
    ['late-morning receipt too', '2026-03-09T11:25', 1, 'working_day', '2026-03-10T11:30'],
    ['afternoon receipt counts from the next morning', '2026-03-09T15:00', 1, 'working_day', '2026-03-10T17:00'],
    ['receipt before opening counts that session', '2026-03-09T06:45', 1, 'working_day', '2026-03-09T17:00'],
    ['receipt at lunch counts the afternoon', '2026-03-09T12:00', 1, 'working_day', '2026-03-10T11:30'],
    ['receipt at night counts from the next morning', '2026-03-09T22:00', 1, 'working_day', '2026-03-10T17:00'],
    ['a deadline crossing a weekend', '2026-03-13T09:00', 2, 'working_day', '2026-03-17T11:30'],
    ['online receipt on a Saturday counts from Monday', '2026-03-14T10:00', 1, 'working_day', '2026-03-16T17:00'],
    ['a deadline crossing Tết 2026 (14–22/02)', '2026-02-12T10:00', 3, 'working_day', '2026-02-24T11:30'],
    ['a make-up Saturday is a working day', '2026-01-09T14:00', 1, 'working_day', '2026-01-10T17:00'],
    ['a swapped Friday is not', '2025-12-31T10:00', 2, 'working_day', '2026-01-06T11:30'],
    ['half a day is one session', '2026-03-09T09:00', 0.5, 'working_day', '2026-03-09T17:00'],
    ['a day and a half is three sessions', '2026-03-09T09:00', 1.5, 'working_day', '2026-03-10T17:00'],
    ['an odd fraction runs as working time from the start', '2026-03-09T09:00', 0.3, 'working_day', '2026-03-09T15:45'],
    // working hours: from the receipt instant.
    ['8 working hours from Mon 16:00', '2026-03-09T16:00', 8, 'working_hour', '2026-03-10T16:30'],
    ['4 working hours from Fri 15:00 work the make-up Saturday', '2026-01-09T15:00', 4, 'working_hour', '2026-01-10T09:30'],
    // calendar days: day of receipt not counted, ends 24:00, a last day off moves to the next working day.
    ['3 days from Mon ends Thu 24:00', '2026-03-09T10:00', 3, 'day', '2026-03-13T00:00'],
    ['5 days ending on a Saturday move to Monday', '2026-03-09T10:00', 5, 'day', '2026-03-17T00:00'],
    ['5 days ending in Tết move past it', '2026-02-10T10:00', 5, 'day', '2026-02-24T00:00'],
    ['a limit of 0 is due at once', '2026-03-09T10:00', 0, 'working_day', '2026-03-09T10:00'],
  ])('%s: %s + %d %s → %s', (_name, received, limit, unit, expected) => {
    expect(dueAt(cal, at(received), limit, unit)).toEqual(at(expected));
  });

  it('refuses a negative limit', () => {
    expect(() => dueAt(cal, at('2026-03-09T10:00'), -1, 'day')).toThrow(RangeError);
  });
});

describe('dueSoon', () => {
  const due = at('2026-03-10T11:30');
  it.each([
    ['Mon 07:30: 690 working minutes left', '2026-03-09T07:30', false],
    ['Mon 15:00: 360 working minutes left', '2026-03-09T15:00', true],
    ['Mon 20:00, after hours: 240 left', '2026-03-09T20:00', true],
    ['Tue 11:29: 1 left', '2026-03-10T11:29', true],
    ['at the due instant it is overdue, not due soon', '2026-03-10T11:30', false],
    ['after it, overdue', '2026-03-10T13:30', false],
  ])('%s → %s (8 working hours)', (_name, now, expected) => {
    expect(dueSoon(cal, at(now), due, 8)).toBe(expected);
  });

  it('counts only working time: Friday 16:00 is within 8 working hours of Monday 11:30', () => {
    expect(dueSoon(cal, at('2026-03-13T16:00'), at('2026-03-16T11:30'), 8)).toBe(true);
    expect(dueSoon(cal, at('2026-03-13T09:00'), at('2026-03-16T11:30'), 8)).toBe(false);
  });
});
