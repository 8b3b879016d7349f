import { z } from 'zod';

/** The newest dashboard file format; older files are upgraded step by step (`upgradeDashboard`). */
export const DASHBOARD_SCHEMA_VERSION = 1;

/**
 * What a panel draws. `kpi` and `timeseries` read the metric per time bucket (the kpi shows the range's total beside
 * its sparkline); `bar-by-agency`, `bar-by-commune` and `table` read one total per agency or commune over the range.
 */
export const PANEL_TYPES = ['kpi', 'timeseries', 'bar-by-agency', 'bar-by-commune', 'table'] as const;
export const PanelType = z.enum(PANEL_TYPES);
export type PanelType = z.infer<typeof PanelType>;

/** Bucket widths of a panel's series; days, weeks and months follow the provincial calendar (Asia/Ho_Chi_Minh). */
export const BUCKETS = ['1m', '5m', '15m', '1h', '1d', '1w', '1M'] as const;
export const Bucket = z.enum(BUCKETS, { error: `expected a bucket: ${BUCKETS.join(', ')}` });
export type Bucket = z.infer<typeof Bucket>;

/** A panel's default time range, ending now; `today` starts at the provincial midnight. */
export const TIME_RANGES = ['today', '1h', '6h', '24h', '7d', '30d', '90d', '365d'] as const;
export const TimeRange = z.enum(TIME_RANGES);
export type TimeRange = z.infer<typeof TimeRange>;

const Localized = z.object({ vi: z.string().trim().min(1), en: z.string().trim().min(1) }).strict();
const Slug = z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, 'expected a lower-case id of letters, digits and dashes, e.g. on-time-rate');

export const PanelSchema = z
  .object({
    id: Slug,
    title: Localized,
    type: PanelType,
    /** A metric id of the metric catalogue (`dashboards/metrics/metrics.json`). */
    metric: z.string().min(1),
    timeRange: TimeRange,
    bucket: Bucket,
    /**
     * The unit the panel shows by default: a commune code, an agency code or the province code. Absent: the viewer's
     * own scope. A viewer whose scope does not hold it is refused, never silently shown another unit.
     */
    unit: z.string().trim().min(2).max(24).optional(),
  })
  .strict();
export type Panel = z.infer<typeof PanelSchema>;

export const DashboardSchema = z
  .object({
    schemaVersion: z.literal(DASHBOARD_SCHEMA_VERSION),
    id: Slug,
    title: Localized,
    description: Localized.optional(),
    panels: z.array(PanelSchema).min(1),
  })
  .strict()
  .superRefine((d, ctx) => {
    const seen = new Set<string>();
    d.panels.forEach((p, i) => {
      if (seen.has(p.id)) ctx.addIssue({ code: 'custom', path: ['panels', i, 'id'], message: `duplicate panel id ${p.id}` });
      seen.add(p.id);
    });
  });
export type Dashboard = z.infer<typeof DashboardSchema>;
