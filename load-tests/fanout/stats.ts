/** The `p`-th percentile (0–100) of `values`, nearest rank; NaN for none. Sorts a copy. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Wall-clock milliseconds with sub-millisecond precision, comparable across processes of one machine. */
export function nowMilliseconds(): number {
  return performance.timeOrigin + performance.now();
}

export const round2 = (n: number) => Math.round(n * 100) / 100;
