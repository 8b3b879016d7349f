import type { Bucket } from '@ioc/core';

/** The ranges a viewer may pick; each ends now, `today` starts at the provincial midnight. */
export const VIEW_RANGES = ['today', '24h', '7d', '30d', '90d', '365d'] as const;
export type ViewRange = (typeof VIEW_RANGES)[number];

/** The same list as core's `BUCKETS` (the web imports core's types only, not its values). */
export const VIEW_BUCKETS: readonly Bucket[] = ['1m', '5m', '15m', '1h', '1d', '1w', '1M'];

/** core/src/dashboards/panel-series.ts `MAX_PANEL_POINTS`: the server refuses a longer series with a 400. */
export const MAX_POINTS = 2_000;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Vietnam keeps UTC+7 all year (no daylight saving), so the provincial midnight is plain arithmetic. */
const PROVINCE_OFFSET = 7 * HOUR;

/** A bucket's width; a month counted as its longest, so the point count below never underestimates. */
export const BUCKET_MILLISECONDS: Record<Bucket, number> = {
  '1m': MINUTE,
  '5m': 5 * MINUTE,
  '15m': 15 * MINUTE,
  '1h': HOUR,
  '1d': DAY,
  '1w': 7 * DAY,
  '1M': 31 * DAY,
};

const RANGE_MILLISECONDS: Record<Exclude<ViewRange, 'today'>, number> = {
  '24h': DAY,
  '7d': 7 * DAY,
  '30d': 30 * DAY,
  '90d': 90 * DAY,
  '365d': 365 * DAY,
};

/** The longest a range can be: `today` is at most a whole day. */
function rangeLength(range: ViewRange): number {
  return range === 'today' ? DAY : RANGE_MILLISECONDS[range];
}

/** The provincial midnight that starts the day of `now`. */
export function provinceMidnight(now: number): number {
  return Math.floor((now + PROVINCE_OFFSET) / DAY) * DAY - PROVINCE_OFFSET;
}

/**
 * The instants a range covers at `now`, as the API takes them. The end is the next whole minute, so the minute under
 * way counts and the address of a panel's query stays the same for a minute.
 */
export function rangeBounds(range: ViewRange, now: number): { from: string; to: string } {
  const to = Math.ceil((now + 1) / MINUTE) * MINUTE;
  const from = range === 'today' ? provinceMidnight(now) : to - RANGE_MILLISECONDS[range];
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
}

/**
 * The buckets worth offering for a range: at most 2,000 points (a bucket boundary may add one: the server aligns
 * buckets to a fixed origin) and no wider than the range itself.
 */
export function bucketsFor(range: ViewRange): Bucket[] {
  const length = rangeLength(range);
  return VIEW_BUCKETS.filter((b) => {
    const width = BUCKET_MILLISECONDS[b];
    return width <= length && Math.ceil(length / width) + 1 <= MAX_POINTS;
  });
}

/**
 * The bucket a panel is drawn with: the one asked for when the range allows it, else the panel's own when it fits,
 * else the allowed bucket nearest the panel's own (a 1-hour panel over 365 days becomes daily).
 */
export function panelBucket(own: Bucket, range: ViewRange, asked: Bucket | null): Bucket {
  const allowed = bucketsFor(range);
  if (asked && allowed.includes(asked)) return asked;
  if (allowed.includes(own)) return own;
  const finer = BUCKET_MILLISECONDS[own] < BUCKET_MILLISECONDS[allowed[0]!];
  return finer ? allowed[0]! : allowed[allowed.length - 1]!;
}

/** What the address says (`?range=7d&bucket=1d&unit=SYT`); null parts mean each panel's own default. */
export interface DashboardControls {
  range: ViewRange | null;
  bucket: Bucket | null;
  unit: string | null;
}

const UNIT_PATTERN = /^[A-Za-z0-9-]{2,24}$/;

/** Reads the controls from a route query, dropping anything unknown (a shared link may be old or edited by hand). */
export function controlsFromQuery(query: Record<string, unknown>): DashboardControls {
  const text = (value: unknown) => (typeof value === 'string' ? value : null);
  const range = text(query.range);
  const bucket = text(query.bucket);
  const unit = text(query.unit);
  const viewRange = VIEW_RANGES.includes(range as ViewRange) ? (range as ViewRange) : null;
  return {
    range: viewRange,
    // A bucket without a range has nothing to divide: each panel keeps its own.
    bucket: viewRange && bucketsFor(viewRange).includes(bucket as Bucket) ? (bucket as Bucket) : null,
    unit: unit && UNIT_PATTERN.test(unit) ? unit : null,
  };
}

/** The route query for some controls, keeping the other parameters (`lang`) as they are. */
export function controlsToQuery(controls: DashboardControls, query: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(query))
    if (typeof value === 'string' && !['range', 'bucket', 'unit'].includes(key)) out[key] = value;
  if (controls.range) out.range = controls.range;
  if (controls.range && controls.bucket) out.bucket = controls.bucket;
  if (controls.unit) out.unit = controls.unit;
  return out;
}

/** The query string of one panel's data call; the parameters in a fixed order so equal requests have equal URLs. */
export function panelDataQuery(panel: { bucket: Bucket }, controls: DashboardControls, now: number): string {
  const params = new URLSearchParams();
  if (controls.range) {
    const { from, to } = rangeBounds(controls.range, now);
    params.set('from', from);
    params.set('to', to);
    params.set('bucket', panelBucket(panel.bucket, controls.range, controls.bucket));
  }
  if (controls.unit) params.set('unit', controls.unit);
  const text = params.toString();
  return text ? `?${text}` : '';
}
