import type { Random } from './prng';
import type { Procedure } from './procedures';
import type { Channel, DossierFate, Rating, SimDossier } from './sim-dossier';
import { addOfficeMinutes, addWorkingDays, DAY_MILLISECONDS, nextOfficeTime, OFFICE_MINUTES_PER_DAY, toProvinceIso } from './working-time';

/**
 * The life of a simulated dossier (domain.md §2.1): awaiting_reception (online) → received → in_progress
 * (⇄ supplement_requested) → resolved → returned, or refused. Each step sets the fields the real system sets at that
 * moment and says which step comes next and when. "When" is computed from the instant the step actually ran, so a
 * step the simulator pulls forward (to keep the wall alive at night) leaves a consistent record.
 */
export type StepKind = 'receive' | 'start' | 'requestSupplement' | 'completeSupplement' | 'apologise' | 'finish' | 'return';
export interface NextStep {
  kind: StepKind;
  at: number;
}

/** About 92% finish on time; supplement waits push a few more past their deadline. */
const LATE_SHARE = 0.07;
const SUPPLEMENT_SHARE = 0.1;
const REFUSED_SHARE = 0.02;
const RATINGS: readonly Rating[] = ['very_satisfied', 'satisfied', 'dissatisfied'];

export interface NewDossier {
  number: number;
  at: number;
  channel: Channel;
  procedure: Procedure;
  agencyCode: string;
  unitCode: string;
}

/** A dossier at its submission (online) or reception (desk, post), and its first scheduled step. */
export function createDossier(n: NewDossier, random: Random): { dossier: SimDossier; next: NextStep | null } {
  const fate = sampleFate(random, n.channel);
  const online = n.channel === 'online';
  // Every draw happens whatever the branch, so that later dossiers never depend on this one's channel.
  const organisation = random.chance(n.procedure.organisationShare);
  const paysOnline = random.chance(0.75);
  const nationalPortal = random.chance(0.4);
  const digitisedAtDesk = random.chance(0.85);
  const reused = random.chance(0.3);
  const personalStore = random.chance(0.15);
  const vneid = random.chance(0.6);
  const postedDaysEarlier = random.between(1, 3);
  const fee = n.procedure.feeVnd !== null;
  const paidOnline = fee && online && paysOnline;
  const dossier: SimDossier = {
    sourceId: `dvc-${String(n.number).padStart(8, '0')}`,
    version: 0,
    updatedAt: n.at,
    changeSeq: 0,
    dossierCode: `${n.agencyCode}-${toProvinceIso(n.at).slice(2, 10).replaceAll('-', '')}-${String(n.number).padStart(6, '0')}`,
    procedure: n.procedure,
    agencyCode: n.agencyCode,
    unitCode: n.unitCode,
    applicantKind: organisation ? 'organisation' : 'citizen',
    channel: n.channel,
    submittedAt: n.channel === 'postal' ? n.at - Math.round(postedDaysEarlier * DAY_MILLISECONDS) : n.at,
    receivedAt: null,
    transferredAt: null,
    dueAt: null,
    rescheduledDueAt: null,
    apologyIssuedAt: null,
    status: 'awaiting_reception',
    statusChangedAt: n.at,
    supplementPeriods: [],
    finishedAt: null,
    returnedAt: null,
    paymentChannel: !fee ? 'none' : paidOnline ? (nationalPortal ? 'national_portal' : 'provincial_portal') : 'offline',
    paidAt: paidOnline ? n.at : null,
    inputDigitised: online || digitisedAtDesk,
    eResultIssued: false,
    reusedDigitalData: reused,
    fromPersonalStore: online && personalStore,
    vneidAuthenticated: online && vneid,
    syncedToNationalPortal: false,
    rating: null,
    feedbackCount: 0,
    fate,
    plannedFinishAt: null,
    wire: null,
  };
  if (online) return { dossier, next: { kind: 'receive', at: addOfficeMinutes(n.at, fate.receptionDelayOfficeMinutes) } };
  return { dossier, next: receive(dossier, n.at) };
}

/** Applies `kind` to `d` at `at` (the change's instant) and returns the step after it, or null when its life ends. */
export function applyStep(d: SimDossier, kind: StepKind, at: number): NextStep | null {
  switch (kind) {
    case 'receive':
      return receive(d, at);
    case 'start': {
      setStatus(d, 'in_progress', at);
      d.transferredAt = at;
      const due = d.dueAt ?? at;
      const finish = d.fate.late
        ? addOfficeMinutes(Math.max(due, at), d.fate.latenessOfficeMinutes)
        : due > at
          ? nextOfficeTime(Math.round(at + d.fate.progress * (due - at)))
          : addOfficeMinutes(at, 30);
      d.plannedFinishAt = Math.max(finish, at + 60_000);
      if (d.fate.supplement) return { kind: 'requestSupplement', at: nextOfficeTime(Math.round(at + 0.3 * (d.plannedFinishAt - at))) };
      return afterProgress(d, at);
    }
    case 'requestSupplement':
      setStatus(d, 'supplement_requested', at);
      d.supplementPeriods = [...d.supplementPeriods, { requestedAt: at, completedAt: null }];
      // Applicants answer whenever they like, nights and weekends included.
      return { kind: 'completeSupplement', at: at + Math.round(d.fate.supplementHours * 3_600_000) };
    case 'completeSupplement': {
      setStatus(d, 'in_progress', at);
      d.supplementPeriods = d.supplementPeriods.map((p) => (p.completedAt === null ? { ...p, completedAt: at } : p));
      d.plannedFinishAt = Math.max(d.plannedFinishAt ?? at, addOfficeMinutes(at, 60));
      return afterProgress(d, at);
    }
    case 'apologise': {
      // The apology slip (phiếu xin lỗi và hẹn lại) names a new date; it never makes the dossier on time.
      const finish = Math.max(d.plannedFinishAt ?? at, at);
      d.apologyIssuedAt = at;
      d.rescheduledDueAt = addWorkingDays(nextOfficeTime(finish), 1);
      return { kind: 'finish', at: finish };
    }
    case 'finish':
      setStatus(d, d.fate.refused ? 'refused' : 'resolved', at);
      d.finishedAt = at;
      d.eResultIssued = d.procedure.resultRequiresDocument && d.fate.eResult;
      return d.fate.refused ? null : { kind: 'return', at: addOfficeMinutes(at, d.fate.returnDelayOfficeMinutes) };
    case 'return':
      setStatus(d, 'returned', at);
      d.returnedAt = at;
      d.rating = d.fate.rating;
      d.feedbackCount = d.fate.feedback ? 1 : 0;
      return null;
  }
}

function receive(d: SimDossier, at: number): NextStep {
  setStatus(d, 'received', at);
  d.receivedAt = at;
  // The deadline runs from the next office moment: a dossier received at night starts counting next morning.
  d.dueAt = addWorkingDays(nextOfficeTime(at), d.procedure.timeLimitWorkingDays);
  d.syncedToNationalPortal = d.fate.synced;
  if (d.paymentChannel === 'offline') d.paidAt = at;
  return { kind: 'start', at: addOfficeMinutes(at, d.fate.startDelayOfficeMinutes) };
}

function afterProgress(d: SimDossier, at: number): NextStep {
  const finish = Math.max(d.plannedFinishAt ?? at, at);
  if (d.fate.late && d.apologyIssuedAt === null && d.dueAt !== null && d.dueAt < finish)
    return { kind: 'apologise', at: Math.max(d.dueAt, at) };
  return { kind: 'finish', at: finish };
}

function setStatus(d: SimDossier, status: SimDossier['status'], at: number): void {
  d.status = status;
  d.statusChangedAt = at;
}

function sampleFate(random: Random, channel: Channel): DossierFate {
  const rated = random.chance(0.3);
  const ratingDraw = random.next();
  return {
    receptionDelayOfficeMinutes: random.exponential(45),
    startDelayOfficeMinutes: random.exponential(20),
    progress: random.between(0.1, 0.95),
    late: random.chance(LATE_SHARE),
    latenessOfficeMinutes: OFFICE_MINUTES_PER_DAY * random.between(0.2, 5),
    supplement: random.chance(SUPPLEMENT_SHARE),
    supplementHours: random.between(4, 96),
    refused: random.chance(REFUSED_SHARE),
    eResult: random.chance(0.7),
    // An online e-result is handed over at once; a paper one waits for the applicant to come by.
    returnDelayOfficeMinutes: channel === 'online' ? random.exponential(60) : random.between(0, 2 * OFFICE_MINUTES_PER_DAY),
    rating: rated ? RATINGS[ratingDraw < 0.6 ? 0 : ratingDraw < 0.95 ? 1 : 2]! : null,
    feedback: random.chance(0.01),
    synced: random.chance(0.97),
  };
}
