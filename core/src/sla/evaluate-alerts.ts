import type { WorkingCalendar } from '../calendar/working-calendar';
import { isActiveState, nextAlertState, type AlertState, type AlertStep } from './alert-state';
import { evaluateRules, type AlertInstance, type SlaSnapshot } from './evaluate-rules';
import type { AlertRule } from './rule.schema';
import { matchingSilences, type Silence } from './silences';
import { isSteadyFiring } from './steady-alert';

export interface AlertTickInput {
  rules: readonly AlertRule[];
  /** The active alerts as stored (pending, firing, resolving); ended ones are ignored. */
  previous: readonly AlertState[];
  snapshot: SlaSnapshot;
  silences: readonly Silence[];
  now: Date;
  calendar: WorkingCalendar;
  /**
   * Leave alerts that stay exactly as they were (`isSteadyFiring`) out of `steps` and list them in `steady`: an
   * evaluator that keeps the previous states itself then makes, compares and stores nothing for them.
   */
  omitSteady?: boolean;
}

/** One alert's step, with the state it came from. */
export interface AlertTickStep extends AlertStep {
  state: AlertState;
  previous: AlertState | null;
}

export interface AlertTick {
  instances: AlertInstance[];
  /** Every alert to store after this evaluation (each active or just ended one), by dedup key. */
  steps: AlertTickStep[];
  /** With `omitSteady`: the previous states of the alerts left unchanged, not in `steps`; else empty. */
  steady: AlertState[];
}

const NO_SILENCES: readonly string[] = Object.freeze([]);

/**
 * One evaluation of every rule at `now`: the rules' instances, then each alert's step through the state machine
 * (every stored active alert and every new breach), silences applied. Pure: the engine stores the steps and sends the
 * changes afterwards, as Grafana's `manager.go` does with `state.go`'s results.
 */
export function evaluateAlerts(input: AlertTickInput): AlertTick {
  const { rules, now } = input;
  const instances = evaluateRules(rules, input.snapshot, now, input.calendar);
  const byRule = new Map(rules.map((r) => [r.id, r]));
  const previous = new Map(input.previous.filter((p) => isActiveState(p.state)).map((p) => [p.dedupKey, p]));
  const breaches = new Map(instances.map((i) => [i.dedupKey, i]));
  // Thousands of alerts on a large rule set: no sorted key list per tick; the few steps are sorted at the end instead.
  const keys = [...previous.keys()];
  for (const key of breaches.keys()) if (!previous.has(key)) keys.push(key);
  // Silences in force now, once per tick; none (the usual case) costs nothing per alert.
  const live = input.silences.filter((s) => s.startsAt <= now && now < s.endsAt);
  const steps: AlertTickStep[] = [];
  const steady: AlertState[] = [];
  for (const key of keys) {
    const prev = previous.get(key) ?? null;
    const instance = breaches.get(key) ?? null;
    const target = instance ?? prev!;
    const rule = byRule.get(target.ruleId);
    const evaluation = {
      instance,
      forMilliseconds: rule?.for ?? 0,
      keepFiringForMilliseconds: rule?.keepFiringFor ?? 0,
      notify: rule?.notify ?? true,
      silenceIds: live.length === 0 ? NO_SILENCES : matchingSilences(live, target, now),
      ruleRemoved: rule === undefined,
    };
    if (input.omitSteady && prev && isSteadyFiring(prev, evaluation)) {
      steady.push(prev);
      continue;
    }
    const step = nextAlertState(prev, evaluation, now);
    if (step.state) steps.push({ ...step, state: step.state, previous: prev });
  }
  steps.sort((a, b) => (a.state.dedupKey < b.state.dedupKey ? -1 : a.state.dedupKey > b.state.dedupKey ? 1 : 0));
  return { instances, steps, steady };
}
