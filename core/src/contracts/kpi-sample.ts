import { z } from 'zod';
import { wireInstant } from './source-page';

/**
 * One sample of the generic KPI feed: a counter pair for a metric, about one administrative unit or agency, at one
 * time. Never a ratio: the denominator travels with the numerator, so aggregates stay exact (domain.md §0), and a
 * denominator of 0 is "no data". A corrected sample is sent again with the same `source_id` and a higher version.
 */
export const KpiSampleRecord = z
  .object({
    source_id: z.string().min(1).max(128),
    version: z.number().int().nonnegative(),
    source_updated_at: wireInstant,
    metric_id: z.string().regex(/^[a-z][a-z0-9_.]{1,63}$/, 'expected a metric id like hotline.answered'),
    ts: wireInstant,
    unit_code: z
      .string()
      .regex(/^\d{2}(\d{3})?$/, 'expected a province (2 digits) or commune (5 digits) code')
      .nullable()
      .default(null),
    agency_code: z
      .string()
      .regex(/^[A-Z0-9-]{2,24}$/, 'expected an agency code')
      .nullable()
      .default(null),
    numerator: z.number().finite().nonnegative(),
    denominator: z.number().finite().nonnegative(),
  })
  .superRefine((s, ctx) => {
    if (s.unit_code === null && s.agency_code === null)
      ctx.addIssue({ code: 'custom', path: ['unit_code'], message: 'a sample names a unit_code or an agency_code' });
    if (s.denominator === 0 && s.numerator !== 0)
      ctx.addIssue({ code: 'custom', path: ['numerator'], message: 'must be 0 when the denominator is 0 (no data)' });
  });

export type KpiSample = z.infer<typeof KpiSampleRecord>;
export type KpiSampleWire = z.input<typeof KpiSampleRecord>;
