import { rational, type Rational } from './rational';
import type { Ratio } from './ratio';

/** An exact value: a counter ratio (numbers) or a rational (bigints). */
export type Fraction = Ratio | Rational;

function toRational(f: Fraction): Rational {
  return rational(f.numerator, f.denominator);
}

/**
 * `value` rounded half up to `decimals` places, as a scaled integer (81,25 at 1 place → 813n). Works on the exact
 * fraction, never on a double: 81,25 must give 81,3 however it was computed (domain.md §0). Ties go away from zero,
 * which is half up for the non-negative values KPIs have.
 */
export function roundHalfUp(value: Fraction, decimals: number): bigint {
  if (!Number.isInteger(decimals) || decimals < 0) throw new RangeError(`decimals must be a whole number ≥ 0, got ${decimals}`);
  const r = toRational(value);
  const scaled = r.numerator * 10n ** BigInt(decimals);
  const negative = scaled < 0n;
  const n = negative ? -scaled : scaled;
  const q = (2n * n + r.denominator) / (2n * r.denominator);
  return negative ? -q : q;
}

/** A scaled integer as vi-VN text: 12345n at 1 place → `1.234,5` (dot groups thousands, comma before decimals). */
export function formatScaledVi(scaled: bigint, decimals: number): string {
  const negative = scaled < 0n;
  const digits = (negative ? -scaled : scaled).toString().padStart(decimals + 1, '0');
  const int = digits.slice(0, digits.length - decimals);
  const frac = digits.slice(digits.length - decimals);
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return `${negative ? '-' : ''}${grouped}${decimals > 0 ? `,${frac}` : ''}`;
}

/** An exact value rounded half up and written vi-VN: 1234,45 at 1 place → `1.234,5`. */
export function formatDecimalVi(value: Fraction, decimals: number): string {
  return formatScaledVi(roundHalfUp(value, decimals), decimals);
}

/** A rate as a vi-VN percentage to 1 place (13/16 → `81,3%`); `null` for no data (denominator 0), never `0,0%`. */
export function formatPercentVi(value: Fraction): string | null {
  if (value.denominator === 0 || value.denominator === 0n) return null;
  const r = toRational(value);
  return `${formatDecimalVi({ numerator: r.numerator * 100n, denominator: r.denominator }, 1)}%`;
}

/** 766 points to 2 places (16,1538… → `16,15`) [domain.md §3.2]; `null` for an indicator with no data. */
export function formatPointsVi(value: Fraction | null): string | null {
  return value === null ? null : formatDecimalVi(value, 2);
}
