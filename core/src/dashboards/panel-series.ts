import { TZDate } from '@date-fns/tz';
import { addMonths, differenceInCalendarMonths, startOfMonth } from 'date-fns';
import { PanelRangeTooLong } from '../errors/errors';
import type { Metric } from '../metrics/metric-catalogue.schema';
import { METRIC_FORMULAS, isFormulaId, resolveCounter, type CounterSource } from '../metrics/metric-formulas';
import { PROVINCE_TIME_ZONE, provinceDay } from '../time/province-time';
import type { Bucket, TimeRange } from './dashboard.schema';

/** More points than a chart can show on the wall's widest panel; a longer range needs a wider bucket. */
export const MAX_PANEL_POINTS = 2_000;

/** The per-minute rollup tables a panel reads (design.md: dashboards never scan raw data). */
export type RollupTable = 'dossier' | 'document' | 'project' | 'kpi_feed';

/**
 * The counters each source's per-minute rollup keeps, by the names the metric catalogue uses. The dossier rollup's
 * `finished_on_time` is `finished_at ≤ due_at`, early included: the catalogue's `finishedNotLate` (as in
 * sla/rollup-metrics.ts). `issuedNotExempt` is derived from two kept counters. The project rollup keeps `updates`.
 */
export const ROLLUP_COUNTERS: Record<CounterSource, readonly string[]> = {
  dossier: ['received', 'receivedOnline', 'finished', 'finishedNotLate'],
  document: [
    'received',
    'registeredOnTime',
    'completedWithDeadline',
    'completedOnTime',
    'issued',
    'issuedExempt',
    'issuedSigned',
    'issuedElectronically',
    'issuedNotExempt',
  ],
  project: ['updates'],
};

/** Where a metric's per-bucket counters come from, and which of them are its numerator and denominator. */
export interface SeriesSource {
  table: RollupTable;
  /** `count`: the numerator summed; `ratio`: Σ numerator ÷ Σ denominator per bucket, never a mean of ratios. */
  kind: 'count' | 'ratio';
  numerator: string;
  denominator: string | null;
  /** For `kpi_feed`: the samples' metric id, which is the catalogue's. */
  metricId?: string;
}

/**
 * How a panel computes `metric` from the per-minute rollups, or null when it cannot (durations, the 766 index,
 * source ages, and counts of open items, which are states at an instant, not sums over minutes). A count or ratio
 * whose counters a source rollup keeps reads that rollup; any other count or ratio of a source system reads the
 * generic KPI feed's rollup under the metric's own id, where another system (the national TTHC database, the
 * treasury) reports it as numerator/denominator samples (domain.md §3.2 "feed").
 */
export function panelSeriesSource(metric: Pick<Metric, 'id' | 'source' | 'formula' | 'numerator' | 'denominator'>): SeriesSource | null {
  if (metric.source === 'source' || !isFormulaId(metric.formula)) return null;
  const kind = METRIC_FORMULAS[metric.formula].kind;
  if (kind !== 'count' && kind !== 'ratio') return null;
  if (metric.numerator === null || (kind === 'ratio' && metric.denominator === null)) return null;
  if (STATE_COUNTERS.has(metric.numerator) || (metric.denominator !== null && STATE_COUNTERS.has(metric.denominator))) return null;
  const kept = ROLLUP_COUNTERS[metric.source];
  const denominator = kind === 'ratio' ? metric.denominator : null;
  if (kept.includes(metric.numerator) && (denominator === null || kept.includes(denominator)))
    return { table: metric.source, kind, numerator: metric.numerator, denominator };
  return { table: 'kpi_feed', kind, numerator: 'numerator', denominator: kind === 'ratio' ? 'denominator' : null, metricId: metric.id };
}

/**
 * Counters that are a state at the period's end (open, overdue, active, delayed, compliance within a cycle): summing
 * them per minute would count one open dossier once per minute it stays open.
 */
const STATE_COUNTERS: ReadonlySet<string> = new Set([
  'open',
  'openOverdue',
  'openWithinDeadline',
  'handled',
  'handledOnTime',
  'handledSatisfied',
  'handledComplained',
  'activeProjects',
  'delayed',
  'yearPlanVnd',
  'disbursedYearVnd',
  'agenciesObliged',
  'agenciesUpdated',
  'projectsUpdated',
  'quarterlyReportObliged',
  'quarterlyReportsOnTime',
]);

/** A metric's value in one bucket or group: its summed counters, and the value; all null when there is no data. */
export interface PanelValue {
  numerator: number | null;
  /** Null for a count. */
  denominator: number | null;
  value: number | null;
}

const NO_DATA: PanelValue = { numerator: null, denominator: null, value: null };

/**
 * The metric's value from summed counters (`undefined`: no rollup row at all, which is no data, never 0). A ratio
 * with denominator 0 is no data too (domain.md §0); a count of 0 from rows that exist is a real 0.
 */
export function panelValue(source: SeriesSource, counters: Readonly<Record<string, number>> | undefined): PanelValue {
  if (!counters) return NO_DATA;
  const counter = (name: string) =>
    Object.hasOwn(counters, name)
      ? counters[name]!
      : resolveCounter(source.table === 'kpi_feed' ? 'dossier' : source.table, counters, name);
  const numerator = counter(source.numerator);
  if (source.kind === 'count' || source.denominator === null) return { numerator, denominator: null, value: numerator };
  const denominator = counter(source.denominator);
  return { numerator, denominator, value: denominator === 0 ? null : numerator / denominator };
}

const MINUTE = 60_000;
const FIXED_BUCKET_MILLISECONDS: Record<Exclude<Bucket, '1M'>, number> = {
  '1m': MINUTE,
  '5m': 5 * MINUTE,
  '15m': 15 * MINUTE,
  '1h': 60 * MINUTE,
  '1d': 1_440 * MINUTE,
  '1w': 7 * 1_440 * MINUTE,
};

/**
 * Where fixed buckets start: a provincial midnight that is also a Monday, so that days start at local midnight and
 * weeks on Monday (ISO), whatever the session's time zone. Vietnam has kept UTC+7 without daylight saving since 1975.
 */
export const BUCKET_ORIGIN = new Date('2000-01-03T00:00:00+07:00');

/** The width of a fixed bucket in milliseconds; null for `1M`, whose months follow the provincial calendar. */
export function fixedBucketMilliseconds(bucket: Bucket): number | null {
  return bucket === '1M' ? null : FIXED_BUCKET_MILLISECONDS[bucket];
}

/** The start of the bucket that contains `at`. */
export function bucketStart(at: Date, bucket: Bucket): Date {
  const size = fixedBucketMilliseconds(bucket);
  if (size === null) return new Date(startOfMonth(new TZDate(at.getTime(), PROVINCE_TIME_ZONE)).getTime());
  const origin = BUCKET_ORIGIN.getTime();
  return new Date(origin + Math.floor((at.getTime() - origin) / size) * size);
}

function nextBucketStart(start: Date, bucket: Bucket): Date {
  const size = fixedBucketMilliseconds(bucket);
  if (size === null) return new Date(addMonths(new TZDate(start.getTime(), PROVINCE_TIME_ZONE), 1).getTime());
  return new Date(start.getTime() + size);
}

/** How many buckets `[from, to)` touches, counted without listing them (a year of minutes must not be built to be refused). */
export function bucketCount(from: Date, to: Date, bucket: Bucket): number {
  if (to.getTime() <= from.getTime()) return 0;
  const first = bucketStart(from, bucket);
  const last = bucketStart(new Date(to.getTime() - 1), bucket);
  const size = fixedBucketMilliseconds(bucket);
  if (size !== null) return Math.round((last.getTime() - first.getTime()) / size) + 1;
  const zone = (d: Date) => new TZDate(d.getTime(), PROVINCE_TIME_ZONE);
  return differenceInCalendarMonths(zone(last), zone(first)) + 1;
}

/**
 * The starts of the buckets `[from, to)` touches, in order. The first and last may be partial: only rollup minutes
 * inside `[from, to)` are summed. Throws `dashboard.rangeTooLong` (400) above `max` points.
 */
export function bucketStarts(from: Date, to: Date, bucket: Bucket, max = MAX_PANEL_POINTS): Date[] {
  const points = bucketCount(from, to, bucket);
  if (points > max) throw PanelRangeTooLong.create({ points, max, bucket });
  const out: Date[] = [];
  for (let s = bucketStart(from, bucket); s.getTime() < to.getTime(); s = nextBucketStart(s, bucket)) out.push(s);
  return out;
}

const RANGE_MILLISECONDS: Record<Exclude<TimeRange, 'today'>, number> = {
  '1h': 60 * MINUTE,
  '6h': 360 * MINUTE,
  '24h': 1_440 * MINUTE,
  '7d': 7 * 1_440 * MINUTE,
  '30d': 30 * 1_440 * MINUTE,
  '90d': 90 * 1_440 * MINUTE,
  '365d': 365 * 1_440 * MINUTE,
};

/** A panel's default `[from, to)` at `now`: the last N hours or days, or today's provincial calendar day in full. */
export function defaultPanelRange(range: TimeRange, now: Date): { from: Date; to: Date } {
  if (range === 'today') {
    const day = provinceDay(now);
    return { from: day.start, to: day.end };
  }
  return { from: new Date(now.getTime() - RANGE_MILLISECONDS[range]), to: now };
}

/** The longest `[from, to)` a time range can span, for checking a panel's default bucket at load. */
export function timeRangeMilliseconds(range: TimeRange): number {
  return range === 'today' ? 1_440 * MINUTE : RANGE_MILLISECONDS[range];
}
