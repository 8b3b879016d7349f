import { z } from 'zod';

/**
 * Dossier states (domain.md §2.1). `refused_at_reception` is never counted as received;
 * `supplement_requested` pauses the clock, so such a dossier is never overdue.
 */
export const OPEN_DOSSIER_STATUSES = [
  'received',
  'in_progress',
  'supplement_requested',
  'awaiting_payment',
  'awaiting_coordination',
] as const;
export const FINISHED_DOSSIER_STATUSES = ['resolved', 'returned', 'refused', 'withdrawn', 'stopped'] as const;
export const DOSSIER_STATUSES = [
  'awaiting_reception',
  ...OPEN_DOSSIER_STATUSES,
  ...FINISHED_DOSSIER_STATUSES,
  'refused_at_reception',
] as const;

export const DossierStatus = z.enum(DOSSIER_STATUSES);
export type DossierStatus = z.infer<typeof DossierStatus>;

const instant = z.iso.datetime({ offset: true }).transform((s) => new Date(s));
const optionalInstant = instant.nullable().default(null);

export const SupplementPeriod = z.object({ requested_at: instant, completed_at: optionalInstant });

/**
 * A dossier as the dossier system's API serves it (the agreed exchange structure, snake_case as on the wire),
 * parsed into a normalised record. Dates carry their offset; they become instants.
 */
export const DossierRecord = z
  .object({
    source_id: z.string().min(1).max(64),
    version: z.number().int().nonnegative(),
    source_updated_at: instant,
    dossier_code: z.string().min(1).max(64),
    procedure_code: z.string().min(1).max(64),
    procedure_name: z.string().min(1).max(500),
    field_name: z.string().min(1).max(200),
    online_level: z.enum(['full', 'partial', 'none']),
    receiving_unit_code: z.string().min(2).max(24),
    handling_agency_code: z.string().min(2).max(24),
    unit_code: z.string().regex(/^\d{2}(\d{3})?$/, 'expected a province (2 digits) or commune (5 digits) code'),
    applicant_kind: z.enum(['citizen', 'organisation']),
    channel: z.enum(['in_person', 'online', 'postal']),
    submitted_at: optionalInstant,
    received_at: optionalInstant,
    transferred_at: optionalInstant,
    time_limit: z.number().nonnegative().nullable().default(null),
    time_limit_unit: z.enum(['working_day', 'working_hour', 'day']).nullable().default(null),
    due_at: optionalInstant,
    rescheduled_due_at: optionalInstant,
    apology_issued_at: optionalInstant,
    status: DossierStatus,
    status_changed_at: instant,
    supplement_periods: z.array(SupplementPeriod).default([]),
    finished_at: optionalInstant,
    returned_at: optionalInstant,
    fee_required: z.boolean().default(false),
    fee_amount_vnd: z.number().int().nonnegative().nullable().default(null),
    payment_channel: z.enum(['national_portal', 'provincial_portal', 'offline', 'none']).nullable().default(null),
    paid_at: optionalInstant,
    input_digitised: z.boolean().default(false),
    result_requires_document: z.boolean().default(false),
    e_result_issued: z.boolean().default(false),
    reused_digital_data: z.boolean().default(false),
    from_personal_store: z.boolean().default(false),
    vneid_authenticated: z.boolean().default(false),
    synced_to_national_portal: z.boolean().default(false),
    rating: z.enum(['very_satisfied', 'satisfied', 'dissatisfied']).nullable().default(null),
    feedback_count: z.number().int().nonnegative().default(0),
  })
  .superRefine((d, ctx) => {
    const received = d.status !== 'awaiting_reception' && d.status !== 'refused_at_reception';
    if (received && !d.received_at) ctx.addIssue({ code: 'custom', path: ['received_at'], message: `required when status is ${d.status}` });
    const finished = (FINISHED_DOSSIER_STATUSES as readonly string[]).includes(d.status);
    if (finished && !d.finished_at) ctx.addIssue({ code: 'custom', path: ['finished_at'], message: `required when status is ${d.status}` });
    if (!finished && d.finished_at)
      ctx.addIssue({ code: 'custom', path: ['finished_at'], message: `must be empty while status is ${d.status}` });
    if (d.received_at && d.finished_at && d.finished_at < d.received_at)
      ctx.addIssue({ code: 'custom', path: ['finished_at'], message: 'is before received_at' });
  });

/** A validated, normalised dossier. */
export type Dossier = z.infer<typeof DossierRecord>;
/** The wire form of a dossier (what a source or the simulator sends). */
export type DossierWire = z.input<typeof DossierRecord>;

/** One page of the dossier system's `GET /api/v1/dossiers` (cursor = `updated_since` + `after_id`). */
export const DossierPage = z.object({
  items: z.array(z.unknown()),
  next: z.object({ updated_since: z.string(), after_id: z.string() }).nullable(),
});
export type DossierPage = z.infer<typeof DossierPage>;
