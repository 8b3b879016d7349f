import type { Arrival } from './minute-arrivals';
import { createRandom, HashTag, hashWords, type Random, type WeightedPicker } from './prng';
import type { Procedure } from './procedures';
import type { Channel, Rating, SimDossier } from './sim-dossier';
import { addOfficeMinutes, addWorkingDays, DAY_MILLISECONDS, nextOfficeTime, OFFICE_MINUTES_PER_DAY, toProvinceIso } from './working-time';

/**
 * The life of a simulated dossier (domain.md §2.1): awaiting_reception (online) → received → in_progress
 * (⇄ supplement_requested) → resolved → returned, or refused. The whole life is planned when the dossier is handed
 * in, from a random source seeded by the dossier's own arrival (its id), so its state at any instant is the same in
 * every run: the steps planned up to that instant. Each step's instant follows from the instant of the one before.
 */

/** About 92% finish on time; supplement waits push a few more past their deadline. */
const LATE_SHARE = 0.07;
const SUPPLEMENT_SHARE = 0.1;
const REFUSED_SHARE = 0.02;
const RATINGS: readonly Rating[] = ['very_satisfied', 'satisfied', 'dissatisfied'];
/** Tails of the waiting times are cut here (an exponential has none), so that a dossier's life has a known bound. */
const MAX_WAIT_OFFICE_MINUTES = OFFICE_MINUTES_PER_DAY;
const MAX_LATENESS_OFFICE_DAYS = 5;
const MAX_SUPPLEMENT_HOURS = 96;
/** Wards (phường) are denser than rural communes (xã): they get twice the share of applicants. */
export const WARD_WEIGHT = 2;

/** Decided at creation: every later draw of this dossier comes from here. */
interface DossierFate {
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

export interface PlanContext {
  seed: number;
  procedures: WeightedPicker<Procedure>;
  communes: WeightedPicker<string>;
}

/**
 * An upper bound of the time from the creation of the dossier `arrival` brings to its last step, from its first
 * draws only (procedure and fate: cheap, no steps planned). A dossier created earlier than this before an instant is
 * certainly finished by then: the back-fill plans the others only.
 */
export function lifetimeBoundOf(ctx: PlanContext, arrival: Arrival): number {
  const random = dossierRandom(ctx.seed, arrival);
  const procedure = ctx.procedures.pick(random);
  ctx.communes.pick(random);
  return lifetimeBound(procedure.timeLimitWorkingDays, sampleFate(random, arrival.channel));
}

/** The longest life any dossier of `procedure` can have (the bound with every capped wait at its cap). */
export function longestLifetimeMilliseconds(procedure: Procedure): number {
  return lifetimeBound(procedure.timeLimitWorkingDays, {
    receptionDelayOfficeMinutes: MAX_WAIT_OFFICE_MINUTES,
    startDelayOfficeMinutes: MAX_WAIT_OFFICE_MINUTES,
    late: true,
    latenessOfficeMinutes: MAX_LATENESS_OFFICE_DAYS * OFFICE_MINUTES_PER_DAY,
    supplement: true,
    returnDelayOfficeMinutes: 2 * OFFICE_MINUTES_PER_DAY,
  });
}

/**
 * Office days of each wait in turn (reception, start, the time limit, lateness, the office hour after a supplement,
 * return, one for rounding), as weeks of five with a weekend's margin, plus the supplement's calendar hours.
 */
function lifetimeBound(
  timeLimitWorkingDays: number,
  f: Pick<
    DossierFate,
    'receptionDelayOfficeMinutes' | 'startDelayOfficeMinutes' | 'late' | 'latenessOfficeMinutes' | 'supplement' | 'returnDelayOfficeMinutes'
  >,
): number {
  const officeMinutes =
    f.receptionDelayOfficeMinutes + f.startDelayOfficeMinutes + (f.late ? f.latenessOfficeMinutes : 0) + f.returnDelayOfficeMinutes;
  const officeDays = timeLimitWorkingDays + officeMinutes / OFFICE_MINUTES_PER_DAY + (f.supplement ? 1 : 0) + 1;
  const calendarDays = Math.ceil(officeDays / 5) * 7 + 3 + (f.supplement ? MAX_SUPPLEMENT_HOURS / 24 : 0);
  return calendarDays * DAY_MILLISECONDS;
}

/**
 * The dossier that `arrival` brings, with its whole life planned and nothing of it applied yet; null when its last
 * step is before `keepFrom` (the back-fill plans many dossiers only to find them finished long ago).
 */
export function planDossier(ctx: PlanContext, arrival: Arrival, keepFrom = -Infinity): SimDossier | null {
  const random = dossierRandom(ctx.seed, arrival);
  const procedure = ctx.procedures.pick(random);
  const commune = ctx.communes.pick(random);
  const agencyCode = procedure.handler.kind === 'department' ? procedure.handler.agencyCode : `UBND-${commune}`;
  const channel = arrival.channel;
  const fate = sampleFate(random, channel);
  const online = channel === 'online';
  // Every draw happens whatever the branch, so that the order of draws never depends on an earlier outcome.
  const organisation = random.chance(procedure.organisationShare);
  const paysOnline = random.chance(0.75);
  const nationalPortal = random.chance(0.4);
  const digitisedAtDesk = random.chance(0.85);
  const reused = random.chance(0.3);
  const personalStore = random.chance(0.15);
  const vneid = random.chance(0.6);
  const postedDaysEarlier = random.between(1, 3);
  const fee = procedure.feeVnd !== null;
  const paidOnline = fee && online && paysOnline;
  const paymentChannel = !fee ? 'none' : paidOnline ? (nationalPortal ? 'national_portal' : 'provincial_portal') : 'offline';
  const life = planLife(arrival.at, procedure, fate, channel);
  if (life.stepAt[life.stepAt.length - 1]! < keepFrom) return null;
  const local = toProvinceIso(arrival.at);
  const rank = String(arrival.index).padStart(3, '0');
  return {
    sourceId: `dvc-${local.slice(0, 16).replace(/\D/g, '')}-${rank}`,
    minute: arrival.minute,
    index: arrival.index,
    dossierCode: `${agencyCode}-${local.slice(2, 10).replaceAll('-', '')}-${local.slice(11, 16).replace(':', '')}${rank}`,
    procedure,
    agencyCode,
    unitCode: commune,
    applicantKind: organisation ? 'organisation' : 'citizen',
    channel,
    submittedAt: channel === 'postal' ? arrival.at - Math.round(postedDaysEarlier * DAY_MILLISECONDS) : arrival.at,
    paymentChannel,
    inputDigitised: online || digitisedAtDesk,
    reusedDigitalData: reused,
    fromPersonalStore: online && personalStore,
    vneidAuthenticated: online && vneid,
    ...life,
    syncedAtReception: fate.synced,
    outcome: fate.refused ? 'refused' : 'resolved',
    eResultIssued: procedure.resultRequiresDocument && fate.eResult,
    rating: fate.rating,
    feedbackCount: fate.feedback ? 1 : 0,
    stepsApplied: 0,
    touches: 0,
    version: 0,
    updatedAt: arrival.at,
    wire: null,
  };
}

type PlannedLife = Pick<
  SimDossier,
  | 'createdAt'
  | 'receivedAt'
  | 'dueAt'
  | 'startedAt'
  | 'supplementRequestedAt'
  | 'supplementCompletedAt'
  | 'apologisedAt'
  | 'rescheduledDueAt'
  | 'finishedAt'
  | 'returnedAt'
  | 'stepAt'
>;

/** The instant of each step, each computed from the one before. */
function planLife(createdAt: number, procedure: Procedure, fate: DossierFate, channel: Channel): PlannedLife {
  const steps = new StepInstants();
  const created = steps.next(createdAt);
  // At a desk or by post, the dossier enters the system when it is received; online, an officer receives it later.
  const receivedAt = channel === 'online' ? steps.next(addOfficeMinutes(created, fate.receptionDelayOfficeMinutes)) : created;
  // The deadline runs from the next office moment: a dossier received at night starts counting next morning.
  const dueAt = addWorkingDays(nextOfficeTime(receivedAt), procedure.timeLimitWorkingDays);
  const startedAt = steps.next(addOfficeMinutes(receivedAt, fate.startDelayOfficeMinutes));
  const finish = fate.late
    ? addOfficeMinutes(Math.max(dueAt, startedAt), fate.latenessOfficeMinutes)
    : dueAt > startedAt
      ? nextOfficeTime(Math.round(startedAt + fate.progress * (dueAt - startedAt)))
      : addOfficeMinutes(startedAt, 30);
  let plannedFinishAt = Math.max(finish, startedAt + 60_000);
  let cursor = startedAt;

  let supplementRequestedAt: number | null = null;
  let supplementCompletedAt: number | null = null;
  if (fate.supplement) {
    supplementRequestedAt = steps.next(nextOfficeTime(Math.round(startedAt + 0.3 * (plannedFinishAt - startedAt))));
    // Applicants answer whenever they like, nights and weekends included.
    supplementCompletedAt = steps.next(supplementRequestedAt + Math.round(fate.supplementHours * 3_600_000));
    plannedFinishAt = Math.max(plannedFinishAt, addOfficeMinutes(supplementCompletedAt, 60));
    cursor = supplementCompletedAt;
  }

  const finishAt = Math.max(plannedFinishAt, cursor);
  let apologisedAt: number | null = null;
  let rescheduledDueAt: number | null = null;
  if (fate.late && dueAt < finishAt) {
    // The apology slip names a new date; it never makes the dossier on time.
    apologisedAt = steps.next(Math.max(dueAt, cursor));
    rescheduledDueAt = addWorkingDays(nextOfficeTime(finishAt), 1);
  }
  const finishedAt = steps.next(finishAt);
  const returnedAt = fate.refused ? null : steps.next(addOfficeMinutes(finishedAt, fate.returnDelayOfficeMinutes));
  return {
    createdAt: created,
    receivedAt,
    dueAt,
    startedAt,
    supplementRequestedAt,
    supplementCompletedAt,
    apologisedAt,
    rescheduledDueAt,
    finishedAt,
    returnedAt,
    stepAt: steps.all,
  };
}

class StepInstants {
  readonly all: number[] = [];

  /**
   * The instant of the next step at or after `ms`: even milliseconds, at least 2 ms after the previous step. So a
   * dossier changes at most once per millisecond, never on the floor's odd milliseconds, and in whole milliseconds as
   * on the wire (a cursor read back must match a change exactly).
   */
  next(ms: number): number {
    const whole = Math.ceil(ms);
    const at = Math.max(whole + (whole & 1), (this.all[this.all.length - 1] ?? -Infinity) + 2);
    this.all.push(at);
    return at;
  }
}

function dossierRandom(seed: number, arrival: Arrival): Random {
  return createRandom(hashWords(seed, HashTag.dossier, arrival.minute, arrival.index));
}

function sampleFate(random: Random, channel: Channel): DossierFate {
  const rated = random.chance(0.3);
  const ratingDraw = random.next();
  return {
    receptionDelayOfficeMinutes: wait(random, 45),
    startDelayOfficeMinutes: wait(random, 20),
    progress: random.between(0.1, 0.95),
    late: random.chance(LATE_SHARE),
    latenessOfficeMinutes: OFFICE_MINUTES_PER_DAY * random.between(0.2, MAX_LATENESS_OFFICE_DAYS),
    supplement: random.chance(SUPPLEMENT_SHARE),
    supplementHours: random.between(4, MAX_SUPPLEMENT_HOURS),
    refused: random.chance(REFUSED_SHARE),
    eResult: random.chance(0.7),
    // An online e-result is handed over at once; a paper one waits for the applicant to come by.
    returnDelayOfficeMinutes: channel === 'online' ? wait(random, 60) : random.between(0, 2 * OFFICE_MINUTES_PER_DAY),
    rating: rated ? RATINGS[ratingDraw < 0.6 ? 0 : ratingDraw < 0.95 ? 1 : 2]! : null,
    feedback: random.chance(0.01),
    synced: random.chance(0.97),
  };
}

function wait(random: Random, meanOfficeMinutes: number): number {
  return Math.min(random.exponential(meanOfficeMinutes), MAX_WAIT_OFFICE_MINUTES);
}
