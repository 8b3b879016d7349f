import { z } from 'zod';
import { AgencySchema, CatalogueSchema, CommuneSchema } from '../catalogue/catalogue.schema';
import { MetricSchema } from '../metrics/metric-catalogue.schema';
import { ErrorBody, ScopeView } from './auth';
import { defineRoute } from './openapi-route';

/** `GET /api/units`: the administrative units and agencies the caller's scope covers (domain.md §5). */
export const UnitList = z.object({
  scope: ScopeView,
  province: z.object({ code: z.string(), name: z.string(), nameEn: z.string() }),
  /** Province-wide scopes: all communes; a commune scope: that commune; an agency scope: its commune, if any. */
  communes: z.array(CommuneSchema),
  agencies: z.array(AgencySchema),
});
export type UnitList = z.infer<typeof UnitList>;

/** `GET /api/metrics`: the metric catalogue (names vi/en, units, direction, thresholds). */
export const MetricList = z.object({ metrics: z.array(MetricSchema) });
export type MetricList = z.infer<typeof MetricList>;

const errors = { 401: ErrorBody, 403: ErrorBody };

export const catalogueContract = {
  catalogue: defineRoute({
    method: 'GET',
    path: '/api/catalogue',
    summary: 'The whole unit catalogue: province, communes and agencies (public, cacheable)',
    tag: 'catalogue',
    access: 'public',
    responses: { 200: CatalogueSchema },
  }),
  units: defineRoute({
    method: 'GET',
    path: '/api/units',
    summary: 'The administrative units and agencies within my scope',
    tag: 'catalogue',
    access: 'session',
    responses: { 200: UnitList, ...errors },
  }),
  metrics: defineRoute({
    method: 'GET',
    path: '/api/metrics',
    summary: 'The metric catalogue: names in Vietnamese and English, units, direction and thresholds',
    tag: 'catalogue',
    access: 'session',
    responses: { 200: MetricList, ...errors },
  }),
} as const;
