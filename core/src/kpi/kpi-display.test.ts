import { describe, expect, it } from 'vitest';
import { formatDecimalVi, formatPercentVi, formatPointsVi, formatScaledVi, roundHalfUp } from './kpi-display';
import { decimalToRational, rational } from './rational';

describe('roundHalfUp', () => {
  it.each([
    // A tie rounds up: 13/16 = 81,25% → 81,3.
    [1300, 16, 1, 813n],
    [1, 8, 2, 13n],
    [1, 3, 1, 3n],
    [2, 3, 0, 1n],
    [0, 5, 1, 0n],
    // Ties away from zero for the rare negative value (a difference).
    [-1, 8, 2, -13n],
  ])('%i/%i to %i places → %s', (n, d, places, expected) => {
    expect(roundHalfUp({ numerator: n, denominator: d }, places)).toBe(expected);
  });

  it('rounds the exact value where floating point would round down (1,005 → 1,01)', () => {
    expect(Math.round(1.005 * 100) / 100).toBe(1);
    expect((1.005).toFixed(2)).toBe('1.00');
    expect(formatDecimalVi({ numerator: 201, denominator: 200 }, 2)).toBe('1,01');
    expect(formatDecimalVi(decimalToRational(1234.45), 1)).toBe('1.234,5');
  });
});

describe('vi-VN formatting', () => {
  it.each([
    [12345n, 1, '1.234,5'],
    [12345675n, 1, '1.234.567,5'],
    [5n, 2, '0,05'],
    [-12n, 1, '-1,2'],
    [999n, 0, '999'],
    [1000n, 0, '1.000'],
  ])('%s at %i places → %s', (scaled, places, text) => {
    expect(formatScaledVi(scaled, places)).toBe(text);
  });

  it('writes a rate as a percentage to 1 place, and no data as null', () => {
    expect(formatPercentVi({ numerator: 13, denominator: 16 })).toBe('81,3%');
    expect(formatPercentVi({ numerator: 0, denominator: 4 })).toBe('0,0%');
    expect(formatPercentVi({ numerator: 0, denominator: 0 })).toBeNull();
    expect(formatPercentVi(rational(21, 26))).toBe('80,8%');
  });

  it('writes 766 points to 2 places', () => {
    expect(formatPointsVi(rational(420, 26))).toBe('16,15');
    expect(formatPointsVi(rational(9, 2))).toBe('4,50');
    expect(formatPointsVi(null)).toBeNull();
  });
});

describe('decimalToRational', () => {
  it.each([
    [0.95, 19n, 20n],
    [2, 2n, 1n],
    [1e-7, 1n, 10_000_000n],
    [-0.5, -1n, 2n],
  ])('%d → %s/%s', (x, n, d) => {
    expect(decimalToRational(x)).toEqual({ numerator: n, denominator: d });
  });
});
