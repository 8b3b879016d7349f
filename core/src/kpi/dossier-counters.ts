import { FINISHED_DOSSIER_STATUSES, OPEN_DOSSIER_STATUSES, type Dossier } from '../contracts/dossier';

/** The per-minute counters a dossier adds to the rollup; ratios are built from these, never stored divided. */
export interface DossierCounters {
  received: number;
  receivedOnline: number;
  finished: number;
  finishedOnTime: number;
}

export interface RollupDelta extends DossierCounters {
  bucket: Date;
  agencyCode: string;
  unitCode: string;
}

type CounterSource = Pick<Dossier, 'status' | 'received_at' | 'finished_at' | 'due_at' | 'channel' | 'handling_agency_code' | 'unit_code'>;

const finishedStatuses: ReadonlySet<string> = new Set(FINISHED_DOSSIER_STATUSES);
const openStatuses: ReadonlySet<string> = new Set(OPEN_DOSSIER_STATUSES);

export function isReceived(d: Pick<Dossier, 'status' | 'received_at'>): boolean {
  return d.received_at !== null && d.status !== 'awaiting_reception' && d.status !== 'refused_at_reception';
}

export function isOpen(d: Pick<Dossier, 'status' | 'received_at'>): boolean {
  return d.received_at !== null && openStatuses.has(d.status);
}

/**
 * Finished early or on time: `finished_at ≤ due_at` (domain.md §2.1). The apology's `rescheduled_due_at` never makes a
 * dossier on time, so it is deliberately ignored. A dossier without a time limit cannot be late.
 */
export function isFinishedOnTime(d: Pick<Dossier, 'finished_at' | 'due_at'>): boolean {
  return d.finished_at !== null && (d.due_at === null || d.finished_at.getTime() <= d.due_at.getTime());
}

/**
 * Overdue (quá hạn): open and `now > due_at`. A dossier waiting for the applicant's supplement has its clock paused
 * [001 Art 6.6, 7.2.c], so it is not overdue while it waits.
 */
export function isOverdue(d: Pick<Dossier, 'status' | 'received_at' | 'due_at'>, now: Date): boolean {
  return isOpen(d) && d.status !== 'supplement_requested' && d.due_at !== null && now.getTime() > d.due_at.getTime();
}

/** Receives one contribution of a dossier state: its minute (epoch milliseconds) and counters. */
export type ContributionVisitor = (
  bucketMilliseconds: number,
  received: number,
  receivedOnline: number,
  finished: number,
  finishedOnTime: number,
) => void;

const MINUTE_MILLISECONDS = 60_000;

/**
 * What one dossier state contributes to the per-minute rollup, +1 received at its receipt minute and +1 finished at
 * its finish minute, handed to `visit` one by one. The writer folds a batch through this without making an object
 * per contribution, which the garbage collector paid for at every batch.
 */
export function visitDossierContributions(d: CounterSource, visit: ContributionVisitor): void {
  if (isReceived(d) && d.received_at) {
    const at = d.received_at.getTime();
    visit(at - (((at % MINUTE_MILLISECONDS) + MINUTE_MILLISECONDS) % MINUTE_MILLISECONDS), 1, d.channel === 'online' ? 1 : 0, 0, 0);
  }
  if (d.finished_at && finishedStatuses.has(d.status)) {
    const at = d.finished_at.getTime();
    visit(at - (((at % MINUTE_MILLISECONDS) + MINUTE_MILLISECONDS) % MINUTE_MILLISECONDS), 0, 0, 1, isFinishedOnTime(d) ? 1 : 0);
  }
}

/** What one dossier state contributes to the per-minute rollup, as rows (`visitDossierContributions`). */
export function dossierContributions(d: CounterSource): RollupDelta[] {
  const out: RollupDelta[] = [];
  visitDossierContributions(d, (bucketMilliseconds, received, receivedOnline, finished, finishedOnTime) =>
    out.push({
      bucket: new Date(bucketMilliseconds),
      agencyCode: d.handling_agency_code,
      unitCode: d.unit_code,
      received,
      receivedOnline,
      finished,
      finishedOnTime,
    }),
  );
  return out;
}

/**
 * The change to the rollup when a dossier goes from `before` (absent when new) to `after`: the new state's
 * contributions minus the old one's, merged per (minute, agency, unit), zero rows dropped. Replaying the same
 * version gives no delta, which is what makes the writer idempotent.
 */
export function rollupDelta(before: CounterSource | null, after: CounterSource): RollupDelta[] {
  const merged = new Map<string, RollupDelta>();
  const add = (row: RollupDelta, sign: 1 | -1) => {
    const key = `${row.bucket.toISOString()}|${row.agencyCode}|${row.unitCode}`;
    const acc = merged.get(key) ?? { ...row, received: 0, receivedOnline: 0, finished: 0, finishedOnTime: 0 };
    acc.received += sign * row.received;
    acc.receivedOnline += sign * row.receivedOnline;
    acc.finished += sign * row.finished;
    acc.finishedOnTime += sign * row.finishedOnTime;
    merged.set(key, acc);
  };
  if (before) for (const row of dossierContributions(before)) add(row, -1);
  for (const row of dossierContributions(after)) add(row, 1);
  return [...merged.values()].filter((r) => r.received || r.receivedOnline || r.finished || r.finishedOnTime);
}
