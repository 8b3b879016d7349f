/**
 * A KPI kept as its two counters (domain.md §0: ratios are stored as numerator/denominator). The exact value is
 * numerator ÷ denominator; a denominator of 0 means no data (không có dữ liệu), never 0% or 100%.
 */
export interface Ratio {
  numerator: number;
  denominator: number;
}

/** A ratio KPI: its exact counters, and `value` for charts, `null` when there is no data. */
export interface RatioKpi extends Ratio {
  value: number | null;
}

export function ratioKpi(numerator: number, denominator: number): RatioKpi {
  return { numerator, denominator, value: denominator === 0 ? null : numerator / denominator };
}

/**
 * The aggregate of several scopes' ratios: the sums of their counters, never the mean of their rates (domain.md
 * §0, §3.1: X 13/16 + Y 0/0 + Z 1/2 = 14/18 = 77,8%, not (81,25 + 50) / 2). A scope with no data adds nothing.
 */
export function sumRatios(parts: readonly Ratio[]): RatioKpi {
  let numerator = 0;
  let denominator = 0;
  for (const p of parts) {
    numerator += p.numerator;
    denominator += p.denominator;
  }
  return ratioKpi(numerator, denominator);
}

/**
 * Sums counter rows field by field, so that a scope's KPIs are computed from its summed counters. `zero` names the
 * fields every row has. An optional counter (one a source may not provide) is summed only when every row has it;
 * otherwise the aggregate does not know it either, and it stays undefined rather than becoming a partial sum.
 */
export function sumCounters<T extends Record<string, number | undefined>>(zero: T, rows: readonly T[]): T {
  const keys = new Set<string>(Object.keys(zero));
  for (const r of rows) for (const k of Object.keys(r)) keys.add(k);
  const out: Record<string, number | undefined> = {};
  for (const k of keys) {
    const base = zero[k];
    let sum: number | undefined = base ?? (rows.length > 0 ? 0 : undefined);
    for (const r of rows) {
      const v = r[k];
      sum = v === undefined || sum === undefined ? undefined : sum + v;
    }
    out[k] = sum;
  }
  return out as T;
}
