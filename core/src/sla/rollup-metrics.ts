import { METRIC_FORMULAS, isFormulaId } from '../metrics/metric-formulas';
import type { Metric } from '../metrics/metric-catalogue.schema';
import type { Ratio } from '../kpi/ratio';

/**
 * The counters the per-minute dossier rollup keeps, by the names the metric catalogue uses. The rollup's
 * `finished_on_time` is `finished_at ≤ due_at`, early included: the catalogue's `finishedNotLate`.
 */
export const ROLLUP_COUNTER_NAMES = ['received', 'receivedOnline', 'finished', 'finishedNotLate'] as const;
export type RollupCounterName = (typeof ROLLUP_COUNTER_NAMES)[number];
export type RollupCounters = Record<RollupCounterName, number>;

/** One agency's rollup counters over a window. */
export interface AgencyRollupCounters extends RollupCounters {
  agencyCode: string;
}

/** A metric's value over a window, for one agency or (`agencyCode: null`) the province. */
export interface MetricSample {
  metricId: string;
  windowMilliseconds: number;
  agencyCode: string | null;
  /** Numerator and denominator; a denominator of 0 is no data. A count has denominator 1. */
  value: Ratio;
}

const isRollupCounter = (name: string | null): name is RollupCounterName =>
  name !== null && (ROLLUP_COUNTER_NAMES as readonly string[]).includes(name);

/**
 * Whether the alert engine can compute `metric` from the rollup alone: a count or ratio of dossier counters the
 * rollup keeps (D1, D2, D6). Anything else would need a scan of raw data on every evaluation, and is refused when
 * the rules load rather than computed wrongly.
 */
export function isRollupMetric(metric: Pick<Metric, 'source' | 'formula' | 'numerator' | 'denominator'>): boolean {
  if (metric.source !== 'dossier' || !isFormulaId(metric.formula)) return false;
  const kind = METRIC_FORMULAS[metric.formula].kind;
  if (kind === 'count') return isRollupCounter(metric.numerator);
  return kind === 'ratio' && isRollupCounter(metric.numerator) && isRollupCounter(metric.denominator);
}

function valueOf(metric: Pick<Metric, 'id' | 'numerator' | 'denominator'>, c: RollupCounters): Ratio {
  if (!isRollupCounter(metric.numerator)) throw new RangeError(`${metric.id} is not computable from the rollup`);
  const denominator = metric.denominator === null ? 1 : isRollupCounter(metric.denominator) ? c[metric.denominator] : NaN;
  if (Number.isNaN(denominator)) throw new RangeError(`${metric.id} is not computable from the rollup`);
  return { numerator: c[metric.numerator], denominator };
}

/**
 * A rollup metric per agency and for the province, over one window. The province sums the agencies' counters
 * (domain.md §0: never an average of rates).
 */
export function rollupMetricSamples(
  metric: Pick<Metric, 'id' | 'source' | 'formula' | 'numerator' | 'denominator'>,
  windowMilliseconds: number,
  rows: readonly AgencyRollupCounters[],
): MetricSample[] {
  if (!isRollupMetric(metric)) throw new RangeError(`${metric.id} is not computable from the rollup`);
  const total: RollupCounters = { received: 0, receivedOnline: 0, finished: 0, finishedNotLate: 0 };
  const samples: MetricSample[] = rows.map((r) => {
    for (const n of ROLLUP_COUNTER_NAMES) total[n] += r[n];
    return { metricId: metric.id, windowMilliseconds, agencyCode: r.agencyCode, value: valueOf(metric, r) };
  });
  samples.push({ metricId: metric.id, windowMilliseconds, agencyCode: null, value: valueOf(metric, total) });
  return samples;
}
