/**
 * Pure helpers shared by the alerts and incidents stores: a list of views replaced by id, with the time (local clock)
 * each one ended, so a resolved or closed item stays on screen for a grace period before it leaves the queue.
 */
export interface Ended {
  /** Local time (ms) the item was first seen ended. */
  [id: string]: number;
}

const SEVERITY_RANK: Record<string, number> = { critical: 2, warning: 1, info: 0 };

/** Most severe first, then newest first (by `at`, an ISO instant); ties by id so the order never flickers. */
export function bySeverityThenNewest<T extends { id: string; severity: string }>(at: (item: T) => string) {
  return (a: T, b: T): number =>
    (SEVERITY_RANK[b.severity] ?? -1) - (SEVERITY_RANK[a.severity] ?? -1) ||
    Date.parse(at(b)) - Date.parse(at(a)) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** The list with `item` in place of the one with its id (or added), sorted. */
export function upsertById<T extends { id: string }>(list: readonly T[], item: T, order: (a: T, b: T) => number): T[] {
  const next = list.filter((x) => x.id !== item.id);
  next.push(item);
  return next.sort(order);
}

/** Marks ids that ended (and forgets ids that came back); returns a new map. */
export function trackEnded<T extends { id: string }>(ended: Ended, list: readonly T[], isEnded: (item: T) => boolean, now: number): Ended {
  const next: Ended = {};
  for (const item of list) if (isEnded(item)) next[item.id] = ended[item.id] ?? now;
  return next;
}

/** Drops the items that ended more than `graceOf(item)` ms before `now`. */
export function withoutExpired<T extends { id: string }>(list: readonly T[], ended: Ended, now: number, graceOf: (item: T) => number): T[] {
  return list.filter((item) => {
    const since = ended[item.id];
    return since === undefined || now - since < graceOf(item);
  });
}
