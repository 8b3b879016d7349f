import type { Queryable } from './db';

export type DeliveryKind = 'firing' | 'escalated' | 'resolved';

/** What one contact point did with one notification. */
export interface DeliveryOutcome {
  channel: 'webhook' | 'email';
  /** Which route: the operators' or the leaders' contact point. */
  audience: 'operators' | 'leaders';
  outcome: 'delivered' | 'failed';
  attempts: number;
  error: string | null;
}

/**
 * Claims the right to send the notification `key`: true for the one caller whose insert wins, false for every other
 * process (or a replay) that heard the same change. Cluster-wide "exactly one sender" rests on the primary key.
 */
export async function claimNotification(db: Queryable, key: string, kind: DeliveryKind, claimedAt: Date): Promise<boolean> {
  const res = await db.query(
    `insert into notification_delivery (key, kind, claimed_at) values ($1, $2, $3) on conflict (key) do nothing returning key`,
    [key, kind, claimedAt],
  );
  return res.rows.length === 1;
}

/** Records how each contact point fared once sending `key` has ended. */
export async function finishNotification(
  db: Queryable,
  key: string,
  outcomes: readonly DeliveryOutcome[],
  finishedAt: Date,
): Promise<void> {
  await db.query('update notification_delivery set outcomes = $2::jsonb, finished_at = $3 where key = $1', [
    key,
    JSON.stringify(outcomes),
    finishedAt,
  ]);
}

/** The notifications claimed since `since`, newest first, with their outcomes (for tests and operators). */
export async function recentNotifications(
  db: Queryable,
  since: Date,
): Promise<{ key: string; kind: DeliveryKind; claimedAt: Date; outcomes: DeliveryOutcome[]; finishedAt: Date | null }[]> {
  const res = await db.query<{ key: string; kind: DeliveryKind; claimed_at: Date; outcomes: DeliveryOutcome[]; finished_at: Date | null }>(
    'select key, kind, claimed_at, outcomes, finished_at from notification_delivery where claimed_at >= $1 order by claimed_at desc, key',
    [since],
  );
  return res.rows.map((r) => ({ key: r.key, kind: r.kind, claimedAt: r.claimed_at, outcomes: r.outcomes, finishedAt: r.finished_at }));
}
