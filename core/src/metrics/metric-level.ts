import type { Fraction } from '../kpi/kpi-display';
import { compareRational, decimalToRational, mulRational, rational, type Rational } from '../kpi/rational';
import type { Metric } from './metric-catalogue.schema';

export type MetricLevel = 'no_data' | 'ok' | 'warning' | 'critical';

/**
 * A metric value against its default thresholds, compared exactly (19/20 against 0.95 is not a breach). A threshold
 * is breached when the value is strictly worse: below it for an `up` metric, above it for a `down` one. A value
 * with denominator 0 is no data and never breaches; a metric without thresholds is always `ok`.
 * `pull_interval` thresholds need the source's `pullIntervalMinutes`.
 */
export function metricLevel(
  metric: Pick<Metric, 'id' | 'direction' | 'thresholds'>,
  value: Fraction | null,
  pullIntervalMinutes?: number,
): MetricLevel {
  if (value === null || value.denominator === 0 || value.denominator === 0n) return 'no_data';
  const t = metric.thresholds;
  if (t === null || metric.direction === 'none') return 'ok';
  let scale: Rational = rational(1);
  if (t.per === 'pull_interval') {
    if (pullIntervalMinutes === undefined) throw new RangeError(`${metric.id}: thresholds per pull interval need the interval`);
    scale = decimalToRational(pullIntervalMinutes);
  }
  const v = rational(value.numerator, value.denominator);
  const worse = (threshold: number) => {
    const c = compareRational(v, mulRational(decimalToRational(threshold), scale));
    return metric.direction === 'up' ? c < 0 : c > 0;
  };
  if (worse(t.critical)) return 'critical';
  if (worse(t.warn)) return 'warning';
  return 'ok';
}
