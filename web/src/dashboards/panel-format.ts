import type { Bucket, PanelData } from '@ioc/core';
import { formatCount, rateTenths } from '../format/kpi-format';
import { PROVINCE_TIME_ZONE } from '../format/time-format';

/** A panel's value: its summed counters and the value the server computed; all null when there is no data. */
export interface PanelValue {
  numerator: number | null;
  denominator: number | null;
  value: number | null;
}

/** A metric's unit (core's `MetricUnit` enum, as a type). */
export type MetricUnit = PanelData['unit'];

const decimalFormat = new Intl.NumberFormat('vi-VN', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/**
 * A metric value as every dashboard shows it (vi-VN digits in both languages, domain.md §0): a ratio as `95,3%` (as the wall writes it),
 * rounded from its exact counters when they came along; a count as `1.234`; anything else with one decimal. Null for
 * no data, which the caller words itself: never `0%`.
 */
export function formatPanelValue(unit: MetricUnit, v: PanelValue): string | null {
  if (v.value === null) return null;
  if (unit === 'ratio') {
    const tenths = v.numerator !== null && v.denominator !== null ? rateTenths(v.numerator, v.denominator) : Math.round(v.value * 1000);
    return tenths === null ? null : `${decimalFormat.format(tenths / 10)}%`;
  }
  if (unit === 'count') return formatCount(v.value);
  return decimalFormat.format(v.value);
}

/** The same, for an axis or a bar label: a ratio given as a fraction reads as a percentage. */
export function formatAxisValue(unit: MetricUnit, value: number): string {
  return unit === 'ratio' ? `${formatCount(Math.round(value * 100))}%` : formatCount(value);
}

const partsFormat = new Intl.DateTimeFormat('en-GB', {
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZone: PROVINCE_TIME_ZONE,
});

/** The provincial calendar parts of an instant; composed by hand because ICU builds differ on `vi-VN` separators. */
function provinceParts(at: Date): Record<'year' | 'month' | 'day' | 'hour' | 'minute', string> {
  const out = { year: '', month: '', day: '', hour: '', minute: '' };
  for (const p of partsFormat.formatToParts(at)) if (p.type in out) out[p.type as keyof typeof out] = p.value;
  return out;
}

/**
 * A bucket's start on a time axis, in the province's time: `14:30` within a day, `dd/MM 14:30` for sub-day buckets
 * over several days, `dd/MM` for days and weeks, `MM/yyyy` for months.
 */
export function formatBucketStart(start: string, bucket: Bucket, spansDays: boolean): string {
  const p = provinceParts(new Date(start));
  if (bucket === '1M') return `${p.month}/${p.year}`;
  if (bucket === '1d' || bucket === '1w') return `${p.day}/${p.month}`;
  return spansDays ? `${p.day}/${p.month} ${p.hour}:${p.minute}` : `${p.hour}:${p.minute}`;
}
