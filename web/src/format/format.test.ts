import { describe, expect, it } from 'vitest';
import { formatCount, formatRate, rateTenths } from './kpi-format';
import { formatClock, formatDate, formatDayKey, formatWeekday, provinceDayKey } from './time-format';

describe('formatRate', () => {
  it.each([
    // domain.md §3.1 worked example and aggregation
    [13, 16, '81,3%'], // 81,25 → half up
    [21, 26, '80,8%'],
    [2, 10, '20,0%'],
    [14, 18, '77,8%'],
    [1, 8, '12,5%'],
    [1, 16, '6,3%'], // 6,25 → 6,3 (half up, not banker's 6,2)
    [3, 16, '18,8%'], // 18,75 → 18,8
    [0, 5, '0,0%'], // 0 of 5 is a real 0 %
    [5, 5, '100,0%'],
    [1234, 1234, '100,0%'],
  ])('%i / %i → %s', (numerator, denominator, text) => {
    expect(formatRate(numerator, denominator)).toBe(text);
  });

  it('gives no data, not 0 % or 100 %, when nothing was finished', () => {
    expect(formatRate(0, 0)).toBeNull();
    expect(rateTenths(0, 0)).toBeNull();
  });

  it('rounds from the exact fraction, not from a float that is already off', () => {
    // 23/80 = 28,75 %; in floating point (23 / 80) * 100 * 10 is 287.49999999999994, which rounds down to 28,7.
    expect((23 / 80) * 100 * 10).toBeLessThan(287.5);
    expect(rateTenths(23, 80)).toBe(288);
    expect(formatRate(23, 80)).toBe('28,8%');
    expect(rateTenths(2, 3)).toBe(667);
  });
});

describe('formatCount', () => {
  it('groups thousands with a dot (vi-VN)', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(999)).toBe('999');
    expect(formatCount(1234)).toBe('1.234');
    expect(formatCount(1234567)).toBe('1.234.567');
  });
});

describe('time formats', () => {
  // 2026-03-16 23:59:58 in Hà Nội is 16:59:58 UTC; a UTC clock would still say the 16th, and so would Hà Nội.
  const lateEvening = new Date('2026-03-16T16:59:58Z');
  // 2026-03-16 17:30 UTC is already 00:30 on the 17th in the province.
  const afterMidnight = new Date('2026-03-16T17:30:00Z');

  it('shows the province clock in 24 hours, whatever the viewer’s time zone', () => {
    expect(formatClock(lateEvening)).toBe('23:59:58');
    expect(formatClock(afterMidnight)).toBe('00:30:00');
  });

  it('writes dates dd/MM/yyyy in the province', () => {
    expect(formatDate(lateEvening)).toBe('16/03/2026');
    expect(formatDate(afterMidnight)).toBe('17/03/2026');
    expect(provinceDayKey(afterMidnight)).toBe('2026-03-17');
    expect(formatDayKey('2026-03-17')).toBe('17/03/2026');
  });

  it('names the weekday in the interface language', () => {
    expect(formatWeekday(lateEvening, 'vi')).toBe('Thứ Hai');
    expect(formatWeekday(afterMidnight, 'vi')).toBe('Thứ Ba');
    expect(formatWeekday(afterMidnight, 'en')).toBe('Tuesday');
  });
});
