import { describe, expect, it } from 'vitest';
import { loadWorkingCalendar } from './load-calendar';
import { coversDate, isWorkingDay } from './working-calendar';
import { addWorkingDays, addWorkingHours, addWorkingMinutes, workingTimeBetween } from './working-time';

const cal = await loadWorkingCalendar();
/** An instant given in province time. */
const at = (local: string) => new Date(`${local}+07:00`);

describe('isWorkingDay', () => {
  it.each([
    ['2026-03-09', true, 'a Monday'],
    ['2026-03-14', false, 'a Saturday'],
    ['2026-03-15', false, 'a Sunday'],
    ['2026-01-01', false, 'Tết Dương lịch'],
    ['2026-01-02', false, 'a Friday swapped off'],
    ['2026-01-10', true, 'the make-up Saturday for 02/01'],
    ['2026-02-13', true, 'the Friday before Tết'],
    ['2026-02-16', false, 'Tết, last day of the lunar year'],
    ['2026-02-20', false, 'Tết mùng 4'],
    ['2026-02-23', true, 'the Monday after Tết'],
    ['2026-04-27', false, 'compensatory day for Giỗ Tổ on a Sunday'],
    ['2026-08-22', true, 'the make-up Saturday for 31/08'],
    ['2026-08-31', false, 'a Monday swapped off'],
    ['2026-09-01', false, 'Quốc khánh, the day before'],
    ['2031-01-01', true, 'a Wednesday in a year the data does not cover (normal week)'],
  ])('%s → %s (%s)', (day, expected) => {
    expect(isWorkingDay(cal, day)).toBe(expected);
  });

  it('reads an instant in province time: 22/02 23:59 is Tết, 23/02 00:00 is worked', () => {
    expect(isWorkingDay(cal, new Date('2026-02-22T16:59:59Z'))).toBe(false);
    expect(isWorkingDay(cal, new Date('2026-02-22T17:00:00Z'))).toBe(true);
  });

  it('tells which years it covers', () => {
    expect(coversDate(cal, '2030-12-31')).toBe(true);
    expect(coversDate(cal, '2031-01-01')).toBe(false);
  });
});

describe('addWorkingHours and addWorkingDays', () => {
  it.each([
    ['Mon 16:00 + 8 h crosses the night and lunch', '2026-03-09T16:00', 8, '2026-03-10T16:30'],
    ['Mon 09:30 + 2 h ends at the session end, not after lunch', '2026-03-09T09:30', 2, '2026-03-09T11:30'],
    ['Mon 12:00 (lunch) + 1 h starts at 13:30', '2026-03-09T12:00', 1, '2026-03-09T14:30'],
    ['Fri 16:00 + 2 h crosses the weekend', '2026-03-13T16:00', 2, '2026-03-16T08:30'],
    ['Sat 10:00 + 1 h starts on Monday', '2026-03-14T10:00', 1, '2026-03-16T08:30'],
    ['Fri 09 Jan 16:00 + 2 h works the make-up Saturday', '2026-01-09T16:00', 2, '2026-01-10T08:30'],
  ])('%s', (_name, start, hours, expected) => {
    expect(addWorkingHours(cal, at(start), hours)).toEqual(at(expected));
  });

  it.each([
    ['Fri 09:00 + 1 day → Mon 09:00', '2026-03-13T09:00', 1, '2026-03-16T09:00'],
    ['Thu 12 Feb 10:00 + 2 days crosses Tết 2026', '2026-02-12T10:00', 2, '2026-02-23T10:00'],
    ['Wed 31 Dec 2025 10:00 + 1 day skips 1–4 Jan 2026', '2025-12-31T10:00', 1, '2026-01-05T10:00'],
  ])('%s', (_name, start, days, expected) => {
    expect(addWorkingDays(cal, at(start), days)).toEqual(at(expected));
  });

  it('adds nothing inside a session and moves to the next opening outside one', () => {
    expect(addWorkingMinutes(cal, at('2026-03-09T10:00'), 0)).toEqual(at('2026-03-09T10:00'));
    expect(addWorkingMinutes(cal, at('2026-03-09T18:00'), 0)).toEqual(at('2026-03-10T07:30'));
  });

  it('refuses negative time', () => {
    expect(() => addWorkingHours(cal, at('2026-03-09T10:00'), -1)).toThrow(RangeError);
  });
});

describe('workingTimeBetween', () => {
  it.each([
    ['a whole working day', '2026-03-09T07:30', '2026-03-09T17:00', 450],
    ['lunch does not count', '2026-03-09T11:00', '2026-03-09T14:00', 60],
    ['a weekend does not count', '2026-03-13T16:00', '2026-03-16T08:30', 120],
    ['Tết does not count', '2026-02-13T07:30', '2026-02-23T07:30', 450],
    ['the night does not count', '2026-03-09T17:00', '2026-03-10T07:30', 0],
    ['seconds are kept', '2026-03-09T08:00:00', '2026-03-09T08:00:30', 0.5],
    ['reversed is negative', '2026-03-16T08:30', '2026-03-13T16:00', -120],
  ])('%s: %s → %s = %d min', (_name, a, b, minutes) => {
    expect(workingTimeBetween(cal, at(a), at(b))).toBe(minutes);
  });

  it('inverts addWorkingMinutes', () => {
    const start = at('2026-02-11T15:10');
    expect(workingTimeBetween(cal, start, addWorkingMinutes(cal, start, 1234))).toBe(1234);
  });
});
