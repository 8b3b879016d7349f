/**
 * An exact rational with bigint parts, always reduced, denominator > 0. The 766 index sums indicators whose
 * denominators differ (received, handled, with a fee, …); their common denominator outgrows 2^53 at provincial
 * scale, and rounding half up is only right on the exact value. Not JSON-serialisable: send display strings or
 * `rationalToNumber` instead.
 */
export interface Rational {
  readonly numerator: bigint;
  readonly denominator: bigint;
}

const abs = (x: bigint) => (x < 0n ? -x : x);

function gcd(a: bigint, b: bigint): bigint {
  let x = abs(a);
  let y = abs(b);
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

function toBigInt(x: bigint | number, what: string): bigint {
  if (typeof x === 'bigint') return x;
  if (!Number.isSafeInteger(x)) throw new RangeError(`${what} must be a safe integer, got ${x}`);
  return BigInt(x);
}

/** `numerator / denominator`, reduced; throws on a zero denominator (callers turn 0 into "no data" first). */
export function rational(numerator: bigint | number, denominator: bigint | number = 1n): Rational {
  let n = toBigInt(numerator, 'numerator');
  let d = toBigInt(denominator, 'denominator');
  if (d === 0n) throw new RangeError('denominator must not be 0');
  if (d < 0n) [n, d] = [-n, -d];
  const g = gcd(n, d) || 1n;
  return { numerator: n / g, denominator: d / g };
}

/**
 * The exact value of a decimal written in a data file (`0.95` → 19/20), via its shortest round-trip text, so
 * that thresholds compare exactly: 0.95 × 20 in floating point is not 19.
 */
export function decimalToRational(x: number): Rational {
  if (!Number.isFinite(x)) throw new RangeError(`not a finite number: ${x}`);
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/.exec(String(x));
  if (!m) throw new RangeError(`cannot read ${x} as a decimal`);
  const [, sign = '', int = '0', frac = '', exp = '0'] = m;
  const e = Number(exp) - frac.length;
  const digits = BigInt(`${sign}${int}${frac}`);
  return e >= 0 ? rational(digits * 10n ** BigInt(e)) : rational(digits, 10n ** BigInt(-e));
}

export const addRational = (a: Rational, b: Rational): Rational =>
  rational(a.numerator * b.denominator + b.numerator * a.denominator, a.denominator * b.denominator);

export const mulRational = (a: Rational, b: Rational): Rational => rational(a.numerator * b.numerator, a.denominator * b.denominator);

/** a ÷ b; throws when b is 0. */
export const divRational = (a: Rational, b: Rational): Rational => rational(a.numerator * b.denominator, a.denominator * b.numerator);

/** −1, 0 or 1 as a is less than, equal to or greater than b. */
export function compareRational(a: Rational, b: Rational): -1 | 0 | 1 {
  const l = a.numerator * b.denominator;
  const r = b.numerator * a.denominator;
  return l < r ? -1 : l > r ? 1 : 0;
}

export const minRational = (a: Rational, b: Rational): Rational => (compareRational(a, b) <= 0 ? a : b);

export const sumRationals = (xs: readonly Rational[]): Rational => xs.reduce(addRational, rational(0));

/** The nearest double, for charts; never for rounding or comparing. */
export const rationalToNumber = (r: Rational): number => Number(r.numerator) / Number(r.denominator);
