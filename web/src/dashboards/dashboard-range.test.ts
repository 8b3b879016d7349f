import { describe, expect, it } from 'vitest';
import {
  bucketsFor,
  controlsFromQuery,
  controlsToQuery,
  panelBucket,
  panelDataQuery,
  provinceMidnight,
  rangeBounds,
} from './dashboard-range';

const NOW = Date.parse('2026-03-11T03:00:30.000Z'); // 10:00:30 in the province

describe('ranges and buckets', () => {
  it('starts today at the provincial midnight, even when it is still yesterday in UTC', () => {
    expect(new Date(provinceMidnight(NOW)).toISOString()).toBe('2026-03-10T17:00:00.000Z');
    // 06:30 on 11 March in the province is 23:30 on 10 March in UTC.
    expect(new Date(provinceMidnight(Date.parse('2026-03-10T23:30:00Z'))).toISOString()).toBe('2026-03-10T17:00:00.000Z');
    expect(rangeBounds('today', NOW)).toEqual({ from: '2026-03-10T17:00:00.000Z', to: '2026-03-11T03:01:00.000Z' });
    expect(rangeBounds('7d', NOW)).toEqual({ from: '2026-03-04T03:01:00.000Z', to: '2026-03-11T03:01:00.000Z' });
  });

  it('offers only buckets that keep a range within 2,000 points and no wider than it', () => {
    expect(bucketsFor('today')).toEqual(['1m', '5m', '15m', '1h', '1d']);
    expect(bucketsFor('7d')).toEqual(['15m', '1h', '1d', '1w']); // 5 minutes would be 2,016 points
    expect(bucketsFor('30d')).toEqual(['1h', '1d', '1w']);
    expect(bucketsFor('90d')).toEqual(['1d', '1w', '1M']); // hourly would be 2,160 points
    expect(bucketsFor('365d')).toEqual(['1d', '1w', '1M']);
  });

  it('draws a panel with the bucket asked for, else its own, else the nearest that fits', () => {
    expect(panelBucket('1h', '7d', '1d')).toBe('1d');
    expect(panelBucket('1h', '7d', '1m')).toBe('1h');
    expect(panelBucket('1h', '365d', null)).toBe('1d');
    expect(panelBucket('1w', 'today', null)).toBe('1d');
  });
});

describe('controls in the address', () => {
  it('reads range, bucket and unit, dropping what is unknown or does not fit', () => {
    expect(controlsFromQuery({ range: '7d', bucket: '1d', unit: 'SYT' })).toEqual({ range: '7d', bucket: '1d', unit: 'SYT' });
    expect(controlsFromQuery({ range: '2y', bucket: '1d', unit: '<script>' })).toEqual({ range: null, bucket: null, unit: null });
    expect(controlsFromQuery({ range: '7d', bucket: '1m' })).toEqual({ range: '7d', bucket: null, unit: null });
  });

  it('writes them back keeping the language, and builds a panel query in a fixed order', () => {
    expect(controlsToQuery({ range: '30d', bucket: '1w', unit: null }, { lang: 'en', range: '7d', unit: 'SYT' })).toEqual({
      lang: 'en',
      range: '30d',
      bucket: '1w',
    });
    expect(panelDataQuery({ bucket: '1d' }, { range: null, bucket: null, unit: null }, NOW)).toBe('');
    expect(panelDataQuery({ bucket: '15m' }, { range: 'today', bucket: null, unit: '05443' }, NOW)).toBe(
      '?from=2026-03-10T17%3A00%3A00.000Z&to=2026-03-11T03%3A01%3A00.000Z&bucket=15m&unit=05443',
    );
  });
});
