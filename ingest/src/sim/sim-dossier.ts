import type { DossierStatus, DossierWire } from '@ioc/core';
import type { Procedure } from './procedures';
import { toProvinceIso } from './working-time';

export type Channel = 'online' | 'in_person' | 'postal';
export type Rating = 'very_satisfied' | 'satisfied' | 'dissatisfied';

/** Decided when a dossier is created, so its whole life follows from the seed whatever the order of later draws. */
export interface DossierFate {
  receptionDelayOfficeMinutes: number;
  startDelayOfficeMinutes: number;
  /** Where in [start, due] an on-time dossier finishes (0..1). */
  progress: number;
  late: boolean;
  latenessOfficeMinutes: number;
  supplement: boolean;
  supplementHours: number;
  refused: boolean;
  eResult: boolean;
  returnDelayOfficeMinutes: number;
  rating: Rating | null;
  feedback: boolean;
  /** Synced to the national portal at reception. */
  synced: boolean;
}

/** The simulator's own state of a dossier: instants as epoch milliseconds, converted to the wire form on demand. */
export interface SimDossier {
  sourceId: string;
  version: number;
  updatedAt: number;
  /** The global number of this dossier's latest change (drives fault injection). */
  changeSeq: number;
  dossierCode: string;
  procedure: Procedure;
  agencyCode: string;
  unitCode: string;
  applicantKind: 'citizen' | 'organisation';
  channel: Channel;
  submittedAt: number | null;
  receivedAt: number | null;
  transferredAt: number | null;
  dueAt: number | null;
  rescheduledDueAt: number | null;
  apologyIssuedAt: number | null;
  status: DossierStatus;
  statusChangedAt: number;
  supplementPeriods: { requestedAt: number; completedAt: number | null }[];
  finishedAt: number | null;
  returnedAt: number | null;
  paymentChannel: 'national_portal' | 'provincial_portal' | 'offline' | 'none';
  paidAt: number | null;
  inputDigitised: boolean;
  eResultIssued: boolean;
  reusedDigitalData: boolean;
  fromPersonalStore: boolean;
  vneidAuthenticated: boolean;
  syncedToNationalPortal: boolean;
  rating: Rating | null;
  feedbackCount: number;
  fate: DossierFate;
  /** The finish the dossier is heading for (null until processing starts). */
  plannedFinishAt: number | null;
  /** The wire form of the current version, built on first use and dropped at the next change. */
  wire: DossierWire | null;
}

const iso = (ms: number | null) => (ms === null ? null : toProvinceIso(ms));

/**
 * The current version's wire form, built once per version and shared: serving a page and `records()` (which tests
 * call in polling loops over tens of thousands of dossiers) then cost a lookup instead of formatting forty fields.
 * Callers must not mutate it.
 */
export function wireOf(d: SimDossier): DossierWire {
  return (d.wire ??= toWire(d));
}

/** The dossier as the provincial dossier system serves it (snake_case, instants with the +07:00 offset). */
export function toWire(d: SimDossier): DossierWire {
  const p = d.procedure;
  return {
    source_id: d.sourceId,
    version: d.version,
    source_updated_at: toProvinceIso(d.updatedAt),
    dossier_code: d.dossierCode,
    procedure_code: p.code,
    procedure_name: p.name,
    field_name: p.fieldName,
    online_level: p.onlineLevel,
    receiving_unit_code: d.agencyCode,
    handling_agency_code: d.agencyCode,
    unit_code: d.unitCode,
    applicant_kind: d.applicantKind,
    channel: d.channel,
    submitted_at: iso(d.submittedAt),
    received_at: iso(d.receivedAt),
    transferred_at: iso(d.transferredAt),
    time_limit: p.timeLimitWorkingDays,
    time_limit_unit: 'working_day',
    due_at: iso(d.dueAt),
    rescheduled_due_at: iso(d.rescheduledDueAt),
    apology_issued_at: iso(d.apologyIssuedAt),
    status: d.status,
    status_changed_at: toProvinceIso(d.statusChangedAt),
    supplement_periods: d.supplementPeriods.map((s) => ({ requested_at: toProvinceIso(s.requestedAt), completed_at: iso(s.completedAt) })),
    finished_at: iso(d.finishedAt),
    returned_at: iso(d.returnedAt),
    fee_required: p.feeVnd !== null,
    fee_amount_vnd: p.feeVnd,
    payment_channel: d.paymentChannel,
    paid_at: iso(d.paidAt),
    input_digitised: d.inputDigitised,
    result_requires_document: p.resultRequiresDocument,
    e_result_issued: d.eResultIssued,
    reused_digital_data: d.reusedDigitalData,
    from_personal_store: d.fromPersonalStore,
    vneid_authenticated: d.vneidAuthenticated,
    synced_to_national_portal: d.syncedToNationalPortal,
    rating: d.rating,
    feedback_count: d.feedbackCount,
  };
}
