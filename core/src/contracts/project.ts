import { z } from 'zod';
import { optionalWireInstant, wireDate, wireInstant } from './source-page';

/** Project stages [000 Art 4.2; domain.md §2.3], with the side states `suspended` and `terminated`. */
export const PROJECT_STAGES = [
  'proposed',
  'policy_approved',
  'investor_selected',
  'site_preparation',
  'in_implementation',
  'completed',
  'suspended',
  'terminated',
] as const;

const vnd = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const pct = z.number().min(0).max(100);

/**
 * An investment project as the project database's API serves it (domain.md §2.3). Each version is one update by the
 * managing agency: `last_update_at` and `last_update_kind` (data, document, or "no change") say when and what, the
 * monthly update "before the 10th" [000 Art 6.2].
 */
export const ProjectRecord = z
  .object({
    source_id: z.string().min(1).max(64),
    version: z.number().int().nonnegative(),
    source_updated_at: wireInstant,
    project_code: z.string().min(1).max(64),
    name: z.string().min(1).max(500),
    sector: z.string().min(1).max(100),
    funding_kind: z.enum(['public_investment', 'non_budget']),
    investor_name: z.string().min(1).max(300),
    investor_kind: z.enum(['state_agency', 'enterprise', 'foreign_enterprise', 'individual']),
    managing_agency_code: z.string().regex(/^[A-Z0-9-]{2,24}$/, 'expected an agency code'),
    unit_codes: z.array(z.string().regex(/^\d{5}$/, 'expected a commune code (5 digits)')).min(1),
    address_text: z.string().max(500).nullable().default(null),
    zone_code: z.string().max(24).nullable().default(null),
    land_area_ha: z.number().nonnegative().nullable().default(null),
    total_investment_vnd: vnd,
    capital_sources: z.array(z.object({ source: z.string().min(1), amount_vnd: vnd })).default([]),
    year_plan_vnd: vnd.default(0),
    disbursed_year_vnd: vnd.default(0),
    disbursed_cumulative_vnd: vnd.default(0),
    stage: z.enum(PROJECT_STAGES),
    behind_schedule: z.boolean().default(false),
    delay_reason: z.string().max(2000).nullable().default(null),
    planned_start: wireDate.nullable().default(null),
    planned_completion: wireDate.nullable().default(null),
    actual_start: wireDate.nullable().default(null),
    actual_completion: wireDate.nullable().default(null),
    progress_planned_pct: pct.nullable().default(null),
    progress_actual_pct: pct.nullable().default(null),
    last_update_at: optionalWireInstant,
    last_update_kind: z.enum(['data', 'document', 'no_change']).nullable().default(null),
  })
  .superRefine((p, ctx) => {
    if (p.stage === 'completed' && !p.actual_completion)
      ctx.addIssue({ code: 'custom', path: ['actual_completion'], message: 'required when stage is completed' });
    if ((p.last_update_at === null) !== (p.last_update_kind === null))
      ctx.addIssue({ code: 'custom', path: ['last_update_kind'], message: 'last_update_at and last_update_kind come together' });
  });

/** A validated, normalised project. */
export type Project = z.infer<typeof ProjectRecord>;
export type ProjectWire = z.input<typeof ProjectRecord>;
