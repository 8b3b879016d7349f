/**
 * How KPI numbers read on every screen (domain.md §0): Vietnamese grouping and decimal comma (`1.234,5`) in both
 * languages, so the wall, the reports and the source systems show the same digits.
 */
const NUMBER_LOCALE = 'vi-VN';

const countFormat = new Intl.NumberFormat(NUMBER_LOCALE, { maximumFractionDigits: 0 });
const oneDecimalFormat = new Intl.NumberFormat(NUMBER_LOCALE, { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** A count as the wall shows it: `1234` → `1.234`. */
export function formatCount(value: number): string {
  return countFormat.format(value);
}

/**
 * A rate in tenths of a percent, rounded half up from the exact fraction (13/16 = 81,25 % → 813), or `null` when the
 * denominator is 0: no data, never 0 % or 100 % (domain.md §0). Integer arithmetic, so 0,8125 does not become
 * 0,81249999… on its way to the rounding.
 */
export function rateTenths(numerator: number, denominator: number): number | null {
  if (denominator <= 0) return null;
  return Math.floor((numerator * 2000 + denominator) / (2 * denominator));
}

/** `81,3%`, or `null` for no data: the caller renders its own "Không có dữ liệu" text. */
export function formatRate(numerator: number, denominator: number): string | null {
  const tenths = rateTenths(numerator, denominator);
  return tenths === null ? null : `${oneDecimalFormat.format(tenths / 10)}%`;
}
