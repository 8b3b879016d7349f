import { z } from 'zod';
import { ALERT_STATES, type AlertState, type AlertStep } from './alert-state';
import { Severity } from './rule.schema';

const AlertStateName = z.enum(ALERT_STATES);

/**
 * What every process hears when an alert changes (state, severity, silencing, count or linked records), after the
 * evaluation that changed it committed: what the live hub pushes at once and what notifications (part 3) read.
 * Linked record ids are left out to keep it small; read them from the `alert` row.
 */
export const AlertChangeSchema = z.object({
  alertId: z.string().min(1),
  ruleId: z.string().min(1),
  dedupKey: z.string().min(1),
  state: AlertStateName,
  /** `inactive` for a new alert. */
  previousState: AlertStateName,
  severity: Severity,
  previousSeverity: Severity.nullable(),
  agencyCode: z.string().nullable(),
  unitCode: z.string().nullable(),
  labels: z.record(z.string(), z.string()),
  count: z.int().nonnegative(),
  silenced: z.boolean(),
  flapCount: z.int().nonnegative(),
  /** Set when this change is to be announced; null for a change shown but not announced (or silenced). */
  notify: z.enum(['firing', 'escalated', 'resolved']).nullable(),
  /** The evaluation instant (ISO). */
  at: z.iso.datetime({ offset: true }),
});
export type AlertChange = z.infer<typeof AlertChangeSchema>;

/** The change an evaluation step makes to a stored alert (`previous` null for a new one). */
export function alertChangeOf(alertId: string, previous: AlertState | null, step: AlertStep & { state: AlertState }): AlertChange {
  const s = step.state;
  return {
    alertId,
    ruleId: s.ruleId,
    dedupKey: s.dedupKey,
    state: s.state,
    previousState: previous?.state ?? 'inactive',
    severity: s.severity,
    previousSeverity: previous?.severity ?? null,
    agencyCode: s.agencyCode,
    unitCode: s.unitCode,
    labels: { ...s.labels },
    count: s.count,
    silenced: s.silenceIds.length > 0,
    flapCount: s.flapCount,
    notify: step.notify,
    at: s.lastEvaluatedAt.toISOString(),
  };
}
