import { z } from 'zod';
import { Bucket, DashboardSchema } from '../dashboards/dashboard.schema';
import { MetricUnit } from '../metrics/metric-catalogue.schema';
import { ErrorBody } from './auth';
import { defineRoute } from './openapi-route';

/** An instant with its offset (`2026-03-11T10:00:00Z`, `2026-03-11T17:00:00+07:00`). */
const Instant = z.iso.datetime({ offset: true, error: 'expected an ISO 8601 date-time with an offset, e.g. 2026-03-11T10:00:00+07:00' });
const Id = z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, 'expected a dashboard or panel id of lower-case letters, digits and dashes');
const Lang = z.enum(['vi', 'en']).optional();

export const DashboardParams = z.object({ id: Id }).strict();
export const PanelParams = z.object({ id: Id, panelId: Id }).strict();
export const DashboardListQuery = z.object({ lang: Lang }).strict();

/**
 * `GET /api/dashboards/:id/panels/:panelId/data` query. Every part is optional: the panel's default range (ending
 * now) and bucket, and the caller's own scope. `from` alone runs to now; `to` alone goes back the default range's
 * length. `unit` is a commune, agency or the province code, and must lie inside the caller's scope.
 */
export const PanelDataQuery = z
  .object({
    from: Instant.optional(),
    to: Instant.optional(),
    bucket: Bucket.optional(),
    unit: z.string().trim().min(2).max(24).optional(),
    lang: Lang,
  })
  .strict()
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), { message: 'from must be before to', path: ['to'] });
export type PanelDataQuery = z.infer<typeof PanelDataQuery>;

/** A metric's value: its summed counters and the value; all null when there is no data (never 0). */
export const PanelValueBody = z.object({
  numerator: z.number().nullable(),
  /** Null for a count. */
  denominator: z.number().nullable(),
  value: z.number().nullable(),
});

/** One bucket, by the instant it starts (ISO, UTC); days, weeks and months start at the provincial midnight. */
export const PanelPoint = PanelValueBody.extend({ start: z.string() });
/** One agency (code) or commune (code) over the whole range. */
export const PanelGroup = PanelValueBody.extend({ code: z.string() });

export const PanelData = z.object({
  dashboard: z.string(),
  panel: z.string(),
  metric: z.string(),
  /** The metric's unit: ratios are fractions (0.95 = 95%). */
  unit: MetricUnit,
  /** The scope the numbers cover (`19`, `19/SYT`, `05443`). */
  scope: z.string(),
  from: z.string(),
  to: z.string(),
  bucket: Bucket,
  /** The whole range, summed before dividing. */
  total: PanelValueBody,
  /** Per bucket, for `kpi` and `timeseries` panels; empty for breakdowns. */
  points: z.array(PanelPoint),
  /** Per agency or commune, for `bar-by-agency`, `bar-by-commune` and `table` panels; empty for series. */
  groups: z.array(PanelGroup),
});
export type PanelData = z.infer<typeof PanelData>;

export const DashboardList = z.object({ dashboards: z.array(DashboardSchema) });
export type DashboardList = z.infer<typeof DashboardList>;

export const dashboardsContract = {
  list: defineRoute({
    method: 'GET',
    path: '/api/dashboards',
    summary: 'The dashboards I may see, with their panels (dashboards as code)',
    tag: 'dashboards',
    access: 'session',
    query: DashboardListQuery,
    responses: { 200: DashboardList, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody },
  }),
  get: defineRoute({
    method: 'GET',
    path: '/api/dashboards/:id',
    summary: "One dashboard's definition (the wall's is in the list: /api/dashboards/wall is its live state)",
    tag: 'dashboards',
    access: 'session',
    params: DashboardParams,
    query: DashboardListQuery,
    responses: { 200: DashboardSchema, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody },
  }),
  panelData: defineRoute({
    method: 'GET',
    path: '/api/dashboards/:id/panels/:panelId/data',
    summary: "A panel's metric per time bucket, or per agency or commune, from the per-minute rollups within my scope",
    tag: 'dashboards',
    access: 'session',
    params: PanelParams,
    query: PanelDataQuery,
    responses: { 200: PanelData, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody },
  }),
} as const;
