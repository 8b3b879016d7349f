import { z } from 'zod';

/** Dashboards the live hub serves. The wall is the one of [A]; more come as code in `dashboards/`. */
export const DashboardId = z.enum(['wall']);
export type DashboardId = z.infer<typeof DashboardId>;

export const AgencyKpiRow = z.object({
  agencyCode: z.string(),
  received: z.number().int(),
  finished: z.number().int(),
  finishedOnTime: z.number().int(),
  finishedLate: z.number().int(),
  open: z.number().int(),
  overdue: z.number().int(),
});
export type AgencyKpiRow = z.infer<typeof AgencyKpiRow>;

export const KpiTotals = AgencyKpiRow.omit({ agencyCode: true });
export type KpiTotals = z.infer<typeof KpiTotals>;

/** Everything the wall shows, as of `asOf`. `seq` numbers the states; a patch carries the next one. */
export const WallSnapshot = z.object({
  dashboard: z.literal('wall'),
  seq: z.number().int().nonnegative(),
  asOf: z.string(),
  /** The provincial calendar day (YYYY-MM-DD, Asia/Ho_Chi_Minh) the counts are for. */
  day: z.string(),
  rows: z.array(AgencyKpiRow),
  totals: KpiTotals,
  /** When the newest ingested dossier changed at its source; null before the first pull. */
  dataUpdatedAt: z.string().nullable(),
});
export type WallSnapshot = z.infer<typeof WallSnapshot>;

/** The rows that changed since `seq - 1`, and the new totals. Applying it to state `seq - 1` gives state `seq`. */
export const WallPatch = z.object({
  dashboard: z.literal('wall'),
  seq: z.number().int().positive(),
  asOf: z.string(),
  day: z.string(),
  rows: z.array(AgencyKpiRow),
  totals: KpiTotals,
  dataUpdatedAt: z.string().nullable(),
});
export type WallPatch = z.infer<typeof WallPatch>;

/**
 * Client → server: `dashboard:subscribe` with this payload and an ack callback. Strict: a client never names a room,
 * a unit or an agency; the server picks the room from the session's scope, and refuses any other field.
 */
export const SubscribeRequest = z.object({ dashboard: DashboardId }).strict();
export type SubscribeRequest = z.infer<typeof SubscribeRequest>;

export type SubscribeAck = { ok: true; snapshot: WallSnapshot } | { ok: false; error: { code: string; message: string } };

/** `GET /api/dashboards/wall`: the wall's current state within the caller's scope, or one agency of it. */
export const WallQuery = z.object({ agency: z.string().trim().min(2).max(24).optional() }).strict();
export type WallQuery = z.infer<typeof WallQuery>;

/** Server → client before it closes a socket whose session ended (logout, revoked, locked, closed, expired). */
export type SessionEndedEvent = { code: string; message: string };

export { LiveEvents, applyWallPatch } from './live-patch';
