import type { AlertDetails, AlertInstance } from './evaluate-rules';
import { severityRank, type Severity } from './rule.schema';

/** An alert is active while `pending`, `firing` or `resolving`; `resolved` and `inactive` end it (its row is history). */
export const ACTIVE_ALERT_STATES = ['pending', 'firing', 'resolving'] as const;
export const ALERT_STATES = ['inactive', ...ACTIVE_ALERT_STATES, 'resolved'] as const;
export type AlertStateName = (typeof ALERT_STATES)[number];
export type ActiveAlertStateName = (typeof ACTIVE_ALERT_STATES)[number];

export const isActiveState = (s: AlertStateName): s is ActiveAlertStateName => (ACTIVE_ALERT_STATES as readonly string[]).includes(s);

/** One alert's state: what the `alert` table keeps per row. */
export interface AlertState {
  /** Assigned when first stored; null for an alert this evaluation creates. */
  alertId: string | null;
  ruleId: string;
  dedupKey: string;
  state: AlertStateName;
  severity: Severity;
  agencyCode: string | null;
  unitCode: string | null;
  labels: Readonly<Record<string, string>>;
  /** As of the last breach: a resolving or resolved alert keeps what it last counted. */
  count: number;
  linkedIds: readonly string[];
  details: AlertDetails;
  /** The first breach (pending began; equal to `firedAt` for a rule without `for`). */
  startedAt: Date;
  firedAt: Date | null;
  /** When the condition last cleared while firing; null unless `resolving`. */
  resolvingSince: Date | null;
  /** When it ended: resolved, or (for a pending alert that never fired) inactive. */
  resolvedAt: Date | null;
  lastEvaluatedAt: Date;
  /** Times it went from `resolving` back to `firing`. */
  flapCount: number;
  /** Whether its firing was announced; only then is its resolution announced. */
  notified: boolean;
  /** The silences and maintenance windows that match it now; silenced when not empty. */
  silenceIds: readonly string[];
}

/** The rule's verdict on one alert at one instant, with what the state machine needs of the rule. */
export interface AlertEvaluation {
  /** The breach at `now`, or null when the condition does not hold. */
  instance: AlertInstance | null;
  forMilliseconds: number;
  keepFiringForMilliseconds: number;
  /** The rule notifies at all (`false`: list only, DOS-02). */
  notify: boolean;
  silenceIds: readonly string[];
  /** The rule is gone from the rule files: the alert ends now, whatever its timing. */
  ruleRemoved?: boolean;
}

export type TransitionReason =
  | 'breach'
  | 'for_elapsed'
  | 'cleared'
  | 'refired'
  | 'resolve_delay_elapsed'
  | 'rule_removed'
  | 'severity_changed'
  | 'silenced'
  | 'unsilenced';

/** One row of `alert_transition`: a change of state, of severity, or of silencing. */
export interface AlertTransition {
  at: Date;
  fromState: AlertStateName;
  toState: AlertStateName;
  fromSeverity: Severity | null;
  toSeverity: Severity;
  reason: TransitionReason;
}

/** What is announced: `firing` once per alert, `escalated` when its severity rises, `resolved` if `firing` was. */
export type NotificationKind = 'firing' | 'escalated' | 'resolved';

export interface AlertStep {
  /** The next state; null when there is nothing to keep (no alert, no breach). */
  state: AlertState | null;
  transition: AlertTransition | null;
  notify: NotificationKind | null;
  /** Something a viewer sees changed: state, severity, silencing, count or linked records. */
  changed: boolean;
}

/** Each flap lengthens the resolve delay by one more `keepFiringFor`, up to this many times it. */
export const MAX_RESOLVE_DELAY_FACTOR = 4;

/** How long a firing alert's condition must stay clear before it resolves. */
export const resolveDelayMilliseconds = (keepFiringForMilliseconds: number, flapCount: number): number =>
  keepFiringForMilliseconds * Math.min(1 + flapCount, MAX_RESOLVE_DELAY_FACTOR);

const NOTHING: AlertStep = { state: null, transition: null, notify: null, changed: false };

const sameIds = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * The alert state machine, after Grafana's ngalert `state.go`: the next state follows from the previous one, the
 * rule's verdict and the evaluation instant `now` only (no clock is read, nothing is stored or sent here).
 *
 * | from      | breach at `now`                               | no breach at `now`                                     |
 * |-----------|-----------------------------------------------|--------------------------------------------------------|
 * | (none)    | `for` = 0: firing; else pending               | nothing                                                |
 * | pending   | held `for` since `startedAt`: firing; else pending | inactive (it never fired; the row ends)           |
 * | firing    | firing (severity, count, ids follow the breach) | `resolve delay` = 0: resolved; else resolving        |
 * | resolving | firing again, `flapCount + 1`                 | clear for the resolve delay: resolved; else resolving  |
 *
 * Flapping is damped: a firing alert whose condition clears stays `resolving` (still firing to the outside) for the
 * resolve delay, `keepFiringFor × min(1 + flapCount, 4)`; a breach within it is a flap that returns it to `firing`
 * without a pending period and without a new announcement, and each flap lengthens the next delay. After
 * `resolved`, a new breach is a new alert. A rule that was removed ends its alerts at once.
 *
 * Silences never hold back a transition: a silenced alert changes state like any other and is marked silenced, but
 * is not announced. A silence that ends while the alert still fires lets its `firing` be announced then; a resolution
 * is announced only when its firing was. Severity follows the breach: a rise while firing is announced (`escalated`),
 * a fall is only recorded.
 */
export function nextAlertState(previous: AlertState | null, evaluation: AlertEvaluation, now: Date): AlertStep {
  const prev = previous && isActiveState(previous.state) ? previous : null;
  const { instance } = evaluation;
  if (!prev && !instance) return NOTHING;
  const t = now.getTime();
  const silenced = evaluation.silenceIds.length > 0;
  const mayNotify = evaluation.notify && !silenced;

  let name: AlertStateName;
  let reason: TransitionReason | null = null;
  let flapCount = prev?.flapCount ?? 0;
  if (!prev) {
    name = evaluation.forMilliseconds === 0 ? 'firing' : 'pending';
    reason = 'breach';
  } else if (prev.state === 'pending') {
    if (!instance) [name, reason] = ['inactive', evaluation.ruleRemoved ? 'rule_removed' : 'cleared'];
    else if (t - prev.startedAt.getTime() >= evaluation.forMilliseconds) [name, reason] = ['firing', 'for_elapsed'];
    else name = 'pending';
  } else if (instance) {
    name = 'firing';
    if (prev.state === 'resolving') [reason, flapCount] = ['refired', flapCount + 1];
  } else {
    const delay = evaluation.ruleRemoved ? 0 : resolveDelayMilliseconds(evaluation.keepFiringForMilliseconds, prev.flapCount);
    const clearSince = prev.state === 'resolving' ? (prev.resolvingSince ?? now).getTime() : t;
    if (t - clearSince >= delay)
      [name, reason] = [
        'resolved',
        evaluation.ruleRemoved ? 'rule_removed' : prev.state === 'firing' ? 'cleared' : 'resolve_delay_elapsed',
      ];
    else [name, reason] = ['resolving', prev.state === 'resolving' ? null : 'cleared'];
  }

  const fromSeverity = prev?.severity ?? null;
  const severity = instance?.severity ?? prev!.severity;
  let notify: NotificationKind | null = null;
  if (name === 'firing' && mayNotify) {
    if (!prev?.notified) notify = 'firing';
    else if (fromSeverity !== null && severityRank(severity) > severityRank(fromSeverity)) notify = 'escalated';
  }
  if (name === 'resolved' && prev?.notified && mayNotify) notify = 'resolved';

  const breach = instance ?? prev!;
  const state: AlertState = {
    alertId: prev?.alertId ?? null,
    ruleId: breach.ruleId,
    dedupKey: breach.dedupKey,
    state: name,
    severity,
    agencyCode: breach.agencyCode,
    unitCode: breach.unitCode,
    labels: breach.labels,
    count: breach.count,
    linkedIds: breach.linkedIds,
    details: breach.details,
    startedAt: prev?.startedAt ?? now,
    firedAt: prev?.firedAt ?? (name === 'firing' ? now : null),
    resolvingSince: name === 'resolving' ? (prev?.resolvingSince ?? now) : null,
    resolvedAt: name === 'resolved' || name === 'inactive' ? now : null,
    lastEvaluatedAt: now,
    flapCount,
    notified: (prev?.notified ?? false) || notify === 'firing',
    silenceIds: evaluation.silenceIds,
  };

  const wasSilenced = (prev?.silenceIds.length ?? 0) > 0;
  if (reason === null && fromSeverity !== severity) reason = 'severity_changed';
  if (reason === null && prev && wasSilenced !== silenced) reason = silenced ? 'silenced' : 'unsilenced';
  const transition: AlertTransition | null =
    reason === null ? null : { at: now, fromState: prev?.state ?? 'inactive', toState: name, fromSeverity, toSeverity: severity, reason };
  const changed = transition !== null || !prev || prev.count !== state.count || !sameIds(prev.linkedIds, state.linkedIds);
  return { state, transition, notify, changed };
}
