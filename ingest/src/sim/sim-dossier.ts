import type { DossierStatus, DossierWire } from '@ioc/core';
import type { Procedure } from './procedures';
import { toProvinceIso } from './working-time';

export type Channel = 'online' | 'in_person' | 'postal';
export type Rating = 'very_satisfied' | 'satisfied' | 'dissatisfied';

/**
 * A dossier of the simulated system: what was fixed when it was handed in, its whole planned life (the instant of
 * each step; null for a step it skips), and how much of that life has happened so far. Its fields at an instant are
 * those of the steps up to that instant, read off the plan (`toWire`). Besides its steps, the floor "touches" it
 * (`floor-touches.ts`): each touch is a change too. Its version counts both, so it grows by one per change.
 */
export interface SimDossier {
  sourceId: string;
  /** The arrival it came from: minute since the epoch and rank in that minute (`minute-arrivals.ts`). */
  minute: number;
  index: number;
  dossierCode: string;
  procedure: Procedure;
  agencyCode: string;
  unitCode: string;
  applicantKind: 'citizen' | 'organisation';
  channel: Channel;
  submittedAt: number;
  paymentChannel: 'national_portal' | 'provincial_portal' | 'offline' | 'none';
  inputDigitised: boolean;
  reusedDigitalData: boolean;
  fromPersonalStore: boolean;
  vneidAuthenticated: boolean;
  /** Handed in (online) or received (desk, post): its first step. */
  createdAt: number;
  /** Received: the same instant as `createdAt` at a desk or by post, later online. Sets the deadline. */
  receivedAt: number;
  dueAt: number;
  syncedAtReception: boolean;
  startedAt: number;
  supplementRequestedAt: number | null;
  supplementCompletedAt: number | null;
  /** The apology slip (phiếu xin lỗi và hẹn lại) and the date it names; not a change of status. */
  apologisedAt: number | null;
  rescheduledDueAt: number | null;
  finishedAt: number;
  outcome: 'resolved' | 'refused';
  eResultIssued: boolean;
  /** Null when refused: nothing is handed over. */
  returnedAt: number | null;
  rating: Rating | null;
  feedbackCount: number;
  /** Every step's instant, in order: even milliseconds, at least 2 ms apart. */
  stepAt: readonly number[];
  stepsApplied: number;
  touches: number;
  /** Changes so far (steps applied + touches): 1 once created. */
  version: number;
  /** The instant of the latest change (whole milliseconds, as on the wire). */
  updatedAt: number;
  /** The wire form of the current version, built on first use and dropped at the next change. */
  wire: DossierWire | null;
}

const iso = (ms: number | null) => (ms === null ? null : toProvinceIso(ms));

/**
 * The current version's wire form, built once per version, frozen and shared: serving a page and `records()` (which
 * tests call in polling loops over tens of thousands of dossiers) then cost a lookup instead of formatting forty
 * fields, and no caller can change what the API serves.
 */
export function wireOf(d: SimDossier): DossierWire {
  return (d.wire ??= freeze(toWire(d)));
}

/** The dossier as the provincial dossier system serves it (snake_case, instants with the +07:00 offset). */
export function toWire(d: SimDossier): DossierWire {
  const p = d.procedure;
  const now = d.stepAt[d.stepsApplied - 1] ?? -Infinity;
  const seen = (at: number | null): at is number => at !== null && at <= now;
  const received = seen(d.receivedAt);
  const [status, statusChangedAt] = statusOf(d, seen);
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
    submitted_at: toProvinceIso(d.submittedAt),
    received_at: received ? toProvinceIso(d.receivedAt) : null,
    transferred_at: seen(d.startedAt) ? toProvinceIso(d.startedAt) : null,
    time_limit: p.timeLimitWorkingDays,
    time_limit_unit: 'working_day',
    due_at: received ? toProvinceIso(d.dueAt) : null,
    rescheduled_due_at: seen(d.apologisedAt) ? iso(d.rescheduledDueAt) : null,
    apology_issued_at: seen(d.apologisedAt) ? toProvinceIso(d.apologisedAt) : null,
    status,
    status_changed_at: toProvinceIso(statusChangedAt),
    supplement_periods: seen(d.supplementRequestedAt)
      ? [
          {
            requested_at: toProvinceIso(d.supplementRequestedAt),
            completed_at: seen(d.supplementCompletedAt) ? toProvinceIso(d.supplementCompletedAt) : null,
          },
        ]
      : [],
    finished_at: seen(d.finishedAt) ? toProvinceIso(d.finishedAt) : null,
    returned_at: seen(d.returnedAt) ? toProvinceIso(d.returnedAt) : null,
    fee_required: p.feeVnd !== null,
    fee_amount_vnd: p.feeVnd,
    payment_channel: d.paymentChannel,
    // Paid online when handed in; at the desk when received.
    paid_at:
      d.paymentChannel === 'offline'
        ? received
          ? toProvinceIso(d.receivedAt)
          : null
        : d.paymentChannel === 'none'
          ? null
          : toProvinceIso(d.createdAt),
    input_digitised: d.inputDigitised,
    result_requires_document: p.resultRequiresDocument,
    e_result_issued: seen(d.finishedAt) && d.eResultIssued,
    reused_digital_data: d.reusedDigitalData,
    from_personal_store: d.fromPersonalStore,
    vneid_authenticated: d.vneidAuthenticated,
    synced_to_national_portal: received && d.syncedAtReception,
    rating: seen(d.returnedAt) ? d.rating : null,
    feedback_count: seen(d.returnedAt) ? d.feedbackCount : 0,
  };
}

/** The status set by the latest step that sets one (the apology does not), and its instant. */
function statusOf(d: SimDossier, seen: (at: number | null) => at is number): [DossierStatus, number] {
  if (seen(d.returnedAt)) return ['returned', d.returnedAt];
  if (seen(d.finishedAt)) return [d.outcome, d.finishedAt];
  if (seen(d.supplementCompletedAt)) return ['in_progress', d.supplementCompletedAt];
  if (seen(d.supplementRequestedAt)) return ['supplement_requested', d.supplementRequestedAt];
  if (seen(d.startedAt)) return ['in_progress', d.startedAt];
  if (seen(d.receivedAt)) return ['received', d.receivedAt];
  return ['awaiting_reception', d.createdAt];
}

function freeze(w: DossierWire): DossierWire {
  for (const period of w.supplement_periods ?? []) Object.freeze(period);
  Object.freeze(w.supplement_periods);
  return Object.freeze(w);
}
