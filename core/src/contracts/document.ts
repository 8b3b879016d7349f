import { z } from 'zod';
import { optionalWireInstant, wireDate, wireInstant } from './source-page';

/** Incoming documents [003 Art 7.1, 8–9]: received → registered → awaiting distribution → assigned → … */
export const INCOMING_DOCUMENT_STATUSES = [
  'received',
  'registered',
  'awaiting_distribution',
  'assigned',
  'in_progress',
  'completed',
  'returned',
] as const;
/** Outgoing documents [003 Art 7.2]: drafting → in approval → signed → issued (or recalled). */
export const OUTGOING_DOCUMENT_STATUSES = ['drafting', 'in_approval', 'signed', 'issued', 'recalled'] as const;
export const DOCUMENT_URGENCIES = ['normal', 'urgent', 'very_urgent', 'flash'] as const;

/**
 * A document as the document system's API serves it (domain.md §2.2, snake_case as on the wire), parsed into a
 * normalised record. The handler is pseudonymous (`assignee_ref`); nothing names a citizen.
 */
export const DocumentRecord = z
  .object({
    source_id: z.string().min(1).max(64),
    version: z.number().int().nonnegative(),
    source_updated_at: wireInstant,
    direction: z.enum(['incoming', 'outgoing']),
    agency_code: z.string().regex(/^[A-Z0-9-]{2,24}$/, 'expected an agency code'),
    register_number: z.number().int().positive().nullable().default(null),
    number_symbol: z.string().min(1).max(100).nullable().default(null),
    document_type: z.string().min(1).max(100),
    issuer_name: z.string().min(1).max(300).nullable().default(null),
    issued_date: wireDate.nullable().default(null),
    summary: z.string().min(1).max(2000),
    urgency: z.enum(DOCUMENT_URGENCIES),
    esign_exempt: z.boolean().default(false),
    received_via: z.enum(['axis', 'paper', 'email', 'other_system']).nullable().default(null),
    received_at: optionalWireInstant,
    registered_at: optionalWireInstant,
    assigned_at: optionalWireInstant,
    completed_at: optionalWireInstant,
    deadline_at: optionalWireInstant,
    lead_unit_code: z.string().min(2).max(24).nullable().default(null),
    assignee_ref: z.string().min(1).max(64).nullable().default(null),
    status: z.enum([...INCOMING_DOCUMENT_STATUSES, ...OUTGOING_DOCUMENT_STATUSES]),
    digitised: z.boolean().default(false),
    original_file_attached: z.boolean().default(false),
    esigned: z.boolean().default(false),
    signed_at: optionalWireInstant,
    issued_at: optionalWireInstant,
    sent_electronically: z.boolean().default(false),
    paper_copy_sent: z.boolean().default(false),
    backfilled_after_outage: z.boolean().default(false),
    case_file_id: z.string().min(1).max(64).nullable().default(null),
  })
  .superRefine((d, ctx) => {
    const incoming = d.direction === 'incoming';
    const allowed: readonly string[] = incoming ? INCOMING_DOCUMENT_STATUSES : OUTGOING_DOCUMENT_STATUSES;
    if (!allowed.includes(d.status))
      ctx.addIssue({ code: 'custom', path: ['status'], message: `${d.status} is not a state of an ${d.direction} document` });
    if (incoming && !d.received_at) ctx.addIssue({ code: 'custom', path: ['received_at'], message: 'required for an incoming document' });
    if (incoming && d.status === 'completed' && !d.completed_at)
      ctx.addIssue({ code: 'custom', path: ['completed_at'], message: 'required when status is completed' });
    if (!incoming && d.status === 'issued' && !d.issued_at)
      ctx.addIssue({ code: 'custom', path: ['issued_at'], message: 'required when status is issued' });
    if (d.esigned && !d.signed_at) ctx.addIssue({ code: 'custom', path: ['signed_at'], message: 'required when esigned is true' });
    if (d.received_at && d.completed_at && d.completed_at < d.received_at)
      ctx.addIssue({ code: 'custom', path: ['completed_at'], message: 'is before received_at' });
  });

/** A validated, normalised document. */
export type OfficialDocument = z.infer<typeof DocumentRecord>;
/** The wire form of a document (what a source or the simulator sends). */
export type DocumentWire = z.input<typeof DocumentRecord>;
