import { describe, expect, it } from 'vitest';
import { groupRows } from './group-rows';
import { formatAxisValue, formatBucketStart, formatPanelValue } from './panel-format';

describe('panel values', () => {
  it('shows a ratio as 95,3% from its exact counters, a count as 1.234, and no data as null, never 0%', () => {
    expect(formatPanelValue('ratio', { numerator: 953, denominator: 1000, value: 0.953 })).toBe('95,3%');
    expect(formatPanelValue('ratio', { numerator: 13, denominator: 16, value: 0.8125 })).toBe('81,3%');
    expect(formatPanelValue('ratio', { numerator: 0, denominator: 5, value: 0 })).toBe('0,0%');
    expect(formatPanelValue('ratio', { numerator: null, denominator: null, value: null })).toBeNull();
    expect(formatPanelValue('count', { numerator: 1234, denominator: null, value: 1234 })).toBe('1.234');
    expect(formatPanelValue('count', { numerator: 0, denominator: null, value: 0 })).toBe('0');
    expect(formatAxisValue('ratio', 0.75)).toBe('75%');
  });

  it('labels buckets in the province’s time: HH:mm, dd/MM HH:mm, dd/MM, MM/yyyy', () => {
    expect(formatBucketStart('2026-03-11T02:15:00.000Z', '15m', false)).toBe('09:15');
    expect(formatBucketStart('2026-03-10T17:00:00.000Z', '1h', true)).toBe('11/03 00:00');
    expect(formatBucketStart('2026-03-10T17:00:00.000Z', '1d', true)).toBe('11/03');
    expect(formatBucketStart('2026-02-28T17:00:00.000Z', '1M', true)).toBe('03/2026');
  });

  it('sorts a breakdown highest first, rows without data last, and names the codes', () => {
    const names: Record<string, string> = { SYT: 'Sở Y tế', SNV: 'Sở Nội vụ', STP: 'Sở Tư pháp' };
    const rows = groupRows(
      [
        { code: 'SNV', numerator: 0, denominator: 2, value: 0 },
        { code: 'STP', numerator: null, denominator: null, value: null },
        { code: 'SYT', numerator: 3, denominator: 4, value: 0.75 },
      ],
      'ratio',
      (code) => names[code] ?? code,
    );
    expect(rows.map((r) => [r.name, r.text])).toEqual([
      ['Sở Y tế', '75,0%'],
      ['Sở Nội vụ', '0,0%'],
      ['Sở Tư pháp', null],
    ]);
  });
});
