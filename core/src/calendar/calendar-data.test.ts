import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { CalendarSchema, type CalendarData } from './calendar.schema';
import { DEFAULT_CALENDAR_PATH, parseCalendar } from './load-calendar';
import { isoWeekdayOf } from './local-date';
import { compileWorkingCalendar } from './working-calendar';

const raw: unknown = JSON.parse(await readFile(DEFAULT_CALENDAR_PATH, 'utf8'));
const shipped: CalendarData = parseCalendar(raw);
const copy = (): CalendarData => structuredClone(shipped);

describe('the shipped Thái Nguyên calendar', () => {
  it('validates', () => {
    expect(CalendarSchema.safeParse(raw).success).toBe(true);
  });

  it('covers 2024 to 2030', () => {
    expect(shipped.years.map((y) => y.year)).toEqual([2024, 2025, 2026, 2027, 2028, 2029, 2030]);
  });

  // Checked with the UTC+7 lunar calendar (Hồ Ngọc Đức's algorithm) and, for 2024–2026, the announcements.
  it.each([
    [2024, '2024-02-10', '2024-04-18'],
    [2025, '2025-01-29', '2025-04-07'],
    [2026, '2026-02-17', '2026-04-26'],
    [2027, '2027-02-06', '2027-04-16'],
    [2028, '2028-01-26', '2028-04-04'],
    [2029, '2029-02-13', '2029-04-23'],
    [2030, '2030-02-02', '2030-04-12'],
  ])('resolves Tết and Giỗ Tổ %i to %s and %s', (year, tet, hungKings) => {
    expect(shipped.years.find((y) => y.year === year)?.lunar).toEqual({ tetFirstDay: tet, hungKingsDay: hungKings });
  });

  // Art 112.1 gives 11 holiday days; each on a weekly rest day is compensated on a weekday [Art 111.3], so every
  // year has exactly 11 holiday or compensatory weekdays, swaps aside (no year here has two holidays on one date).
  it.each(shipped.years.map((y) => [y.year, y] as const))('%i has 11 holiday or compensatory weekdays', (_year, y) => {
    expect(y.daysOff.filter((d) => d.kind !== 'swapped')).toHaveLength(11);
  });

  it.each(shipped.years.map((y) => [y.year, y] as const))('%i has 5 Tết weekdays off', (_year, y) => {
    expect(y.daysOff.filter((d) => /Tết(?! Dương)/.test(d.name))).toHaveLength(5);
  });

  it('gives every swapped day a make-up Saturday', () => {
    const swapped = shipped.years.flatMap((y) => y.daysOff.filter((d) => d.kind === 'swapped').map((d) => d.date));
    const madeUp = shipped.years.flatMap((y) => y.makeUpWorkingDays.map((m) => m.replaces));
    expect(madeUp.sort()).toEqual(swapped.sort());
    for (const y of shipped.years) for (const m of y.makeUpWorkingDays) expect(isoWeekdayOf(m.date)).toBe(6);
  });

  it('marks every year after 2026 as derived, to be replaced when announced', () => {
    for (const y of shipped.years.filter((y) => y.year > 2026)) {
      expect(y.status).toBe('derived');
      expect(y.daysOff.every((d) => d.confidence === 'derived')).toBe(true);
    }
  });
});

describe('CalendarSchema names the bad field', () => {
  it('rejects a day off on a Saturday', () => {
    const cal = copy();
    cal.years[2]?.daysOff.push({ date: '2026-03-14', kind: 'holiday', name: 'x', basis: 'x', confidence: 'verified' });
    expect(() => parseCalendar(cal)).toThrow(/years\.2\.daysOff\.13\.date: 2026-03-14 is a weekly rest day/);
  });

  it('rejects a make-up day that replaces no swapped day', () => {
    const cal = copy();
    const m = cal.years[2]?.makeUpWorkingDays[0];
    if (m) m.replaces = '2026-01-05';
    expect(() => parseCalendar(cal)).toThrow(/years\.2\.makeUpWorkingDays\.0\.replaces: 2026-01-05 is not a swapped day off/);
  });

  it('rejects a year that forgets a legal holiday on a weekday', () => {
    const cal = copy();
    const y = cal.years[2];
    if (y) y.daysOff = y.daysOff.filter((d) => d.date !== '2026-04-30');
    expect(() => parseCalendar(cal)).toThrow(/years\.2\.daysOff: the legal holiday 2026-04-30 falls on an office weekday/);
  });

  it('rejects an impossible date and a session that ends before it starts', () => {
    const cal = copy();
    cal.officeHours.sessions[0] = { start: '11:30', end: '07:30' };
    const y = cal.years[0];
    if (y) y.lunar.tetFirstDay = '2024-02-30';
    expect(() => parseCalendar(cal)).toThrow(/officeHours\.sessions\.0\.end: must be after 11:30/);
    expect(() => parseCalendar(cal)).toThrow(/years\.0\.lunar\.tetFirstDay: not a real date/);
  });
});

describe('compileWorkingCalendar', () => {
  it('refuses a time zone with daylight saving', () => {
    expect(() => compileWorkingCalendar({ ...copy(), timeZone: 'Europe/Paris' })).toThrow(/changes its offset \(DST\)/);
  });

  it('keeps Asia/Ho_Chi_Minh at UTC+7', () => {
    expect(compileWorkingCalendar(copy()).offsetMilliseconds).toBe(7 * 3_600_000);
  });
});
