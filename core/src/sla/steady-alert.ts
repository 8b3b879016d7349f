import type { AlertEvaluation, AlertState } from './alert-state';

const sameIds = (a: readonly string[], b: readonly string[]) => a === b || (a.length === b.length && a.every((x, i) => x === b[i]));

/** Flat records (labels, details) with the same keys and values, in any order (no key arrays: called per alert per tick). */
export function sameRecord(a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>): boolean {
  if (a === b) return true;
  let keys = 0;
  for (const k in a) {
    if (!Object.hasOwn(b, k) || a[k] !== b[k]) return false;
    keys++;
  }
  for (const k in b) if (Object.hasOwn(b, k)) keys--;
  return keys === 0;
}

/**
 * Whether `nextAlertState(previous, evaluation, now)` would leave this alert exactly as it is but for
 * `lastEvaluatedAt`: still in breach with the same severity, count, records, details, labels and silences, and
 * either firing with its firing already announced (or not to be), or pending with its `for` not yet elapsed at `now`.
 * Nothing is then recorded, announced or shown as changed, and the store keeps no row change for it
 * (`saveAlertWrites`), so an evaluator may keep the state it has instead of making a new one; most alerts are in this
 * state on most ticks. Anything else (resolving, a rise or fall, one more or one fewer record, a silence starting or
 * ending, a pending alert whose `for` has run) answers false and goes through the state machine.
 */
export function isSteadyAlert(previous: AlertState, e: AlertEvaluation, now: Date): boolean {
  const i = e.instance;
  if (i === null || e.ruleRemoved) return false;
  if (previous.state === 'pending') {
    // At `startedAt + for` it fires: from then on it is a transition, never steady.
    if (now.getTime() - previous.startedAt.getTime() >= e.forMilliseconds) return false;
  } else {
    if (previous.state !== 'firing' || previous.resolvingSince !== null || previous.resolvedAt !== null) return false;
    // Not yet announced and now announceable (a silence just ended): this evaluation announces it.
    if (!previous.notified && e.notify && e.silenceIds.length === 0) return false;
  }
  return (
    i.severity === previous.severity &&
    i.count === previous.count &&
    i.agencyCode === previous.agencyCode &&
    i.unitCode === previous.unitCode &&
    sameIds(i.linkedIds, previous.linkedIds) &&
    sameIds(e.silenceIds, previous.silenceIds) &&
    sameRecord(i.details, previous.details) &&
    sameRecord(i.labels, previous.labels)
  );
}
