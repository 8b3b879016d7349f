import { describe, expect, it } from 'vitest';
import { provinceClock } from '@ioc/core';
import {
  addOfficeMinutes,
  addWorkingDays,
  isOfficeTime,
  localIsoWeekday,
  localMinuteOfDay,
  nextOfficeTime,
  toProvinceIso,
} from './working-time';

const at = (local: string) => Date.parse(`${local}+07:00`);
const local = (ms: number) => toProvinceIso(ms).slice(0, 16);

describe('working time (2026-03-11 is a Wednesday)', () => {
  it.each([
    ['2026-03-11T10:00', '2026-03-11T10:00'],
    ['2026-03-11T11:30', '2026-03-11T13:30'],
    ['2026-03-11T17:00', '2026-03-12T07:30'],
    ['2026-03-13T17:45', '2026-03-16T07:30'],
    ['2026-03-14T10:00', '2026-03-16T07:30'],
  ])('nextOfficeTime(%s) is %s', (from, expected) => {
    expect(local(nextOfficeTime(at(from)))).toBe(expected);
  });

  it.each([
    ['2026-03-11T11:00', 60, '2026-03-11T14:00'],
    ['2026-03-13T16:30', 60, '2026-03-16T08:00'],
    ['2026-03-14T03:00', 30, '2026-03-16T08:00'],
    ['2026-03-11T07:30', 450, '2026-03-11T17:00'],
  ])('addOfficeMinutes(%s, %i) is %s', (from, minutes, expected) => {
    expect(local(addOfficeMinutes(at(from), minutes))).toBe(expected);
  });

  it.each([
    ['2026-03-13T10:00', 1, '2026-03-16T10:00'],
    ['2026-03-11T10:00', 1, '2026-03-12T10:00'],
    ['2026-03-11T10:00', 30, '2026-04-22T10:00'],
    ['2026-03-11T10:00', 0, '2026-03-11T10:00'],
  ])('addWorkingDays(%s, %i) skips weekends: %s', (from, days, expected) => {
    expect(local(addWorkingDays(at(from), days))).toBe(expected);
  });

  it('agrees with the time-zone library on weekday and minute of day', () => {
    for (let ms = Date.parse('2025-12-25T00:00:00Z'); ms < Date.parse('2026-02-05T00:00:00Z'); ms += 37 * 60_000 + 13_000) {
      const clock = provinceClock(new Date(ms));
      expect([localIsoWeekday(ms), localMinuteOfDay(ms)]).toEqual([clock.isoWeekday, clock.minuteOfDay]);
    }
  });

  it('writes instants as the province does, the same as the standard library would', () => {
    expect(toProvinceIso(Date.parse('2026-03-11T03:04:05.006Z'))).toBe('2026-03-11T10:04:05.006+07:00');
    expect(toProvinceIso(Date.parse('2026-03-11T16:59:59.999Z'))).toBe('2026-03-11T23:59:59.999+07:00');
    expect(toProvinceIso(Date.parse('2026-03-11T17:00:00.000Z'))).toBe('2026-03-12T00:00:00.000+07:00');
    for (let ms = Date.parse('2025-12-30T00:00:00Z'); ms < Date.parse('2026-01-03T00:00:00Z'); ms += 3_599_999 + 7) {
      expect(toProvinceIso(ms)).toBe(`${new Date(ms + 7 * 3_600_000).toISOString().slice(0, 23)}+07:00`);
    }
  });

  it('counts office time as Monday to Friday 07:30–11:30 and 13:30–17:00', () => {
    expect(isOfficeTime(at('2026-03-11T07:29'))).toBe(false);
    expect(isOfficeTime(at('2026-03-11T07:30'))).toBe(true);
    expect(isOfficeTime(at('2026-03-11T12:00'))).toBe(false);
    expect(isOfficeTime(at('2026-03-11T16:59'))).toBe(true);
    expect(isOfficeTime(at('2026-03-14T10:00'))).toBe(false);
  });
});
