import type { WallPatch, WallSnapshot } from './live';

/*
 * The runtime half of the live contract that the browser needs. It imports nothing but types, on purpose: zod
 * probes `new Function('')` when schemas load, and the web app's Content-Security-Policy forbids eval.
 */

/** Socket event names, one place for server and web. */
export const LiveEvents = {
  subscribe: 'dashboard:subscribe',
  unsubscribe: 'dashboard:unsubscribe',
  patch: 'dashboard:patch',
  /** The session ended; the server closes the socket right after. Payload: `SessionEndedEvent`. */
  sessionEnded: 'session:ended',
} as const;

/** Applies a patch to a snapshot: replace the changed rows, keep the rest. Pure; used by the web store and tests. */
export function applyWallPatch(state: WallSnapshot, patch: WallPatch): WallSnapshot {
  const byCode = new Map(state.rows.map((r) => [r.agencyCode, r]));
  for (const r of patch.rows) byCode.set(r.agencyCode, r);
  return {
    ...state,
    seq: patch.seq,
    asOf: patch.asOf,
    day: patch.day,
    totals: patch.totals,
    dataUpdatedAt: patch.dataUpdatedAt,
    rows: [...byCode.values()],
  };
}
