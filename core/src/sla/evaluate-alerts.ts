import type { WorkingCalendar } from '../calendar/working-calendar';
import { isActiveState, nextAlertState, type AlertState, type AlertStep } from './alert-state';
import { evaluateRules, type AlertInstance, type SlaSnapshot } from './evaluate-rules';
import type { AlertRule } from './rule.schema';
import { matchingSilences, type Silence } from './silences';
import { isSteadyFiring } from './steady-alert';

export interface AlertTickInput<S extends AlertState = AlertState> {
  rules: readonly AlertRule[];
  /**
   * The active alerts as stored (pending, firing, resolving); ended ones are ignored. Or a map of exactly the active
   * ones by dedup key, taken as it is: an evaluator that keeps such a map between ticks spares building one per tick.
   */
  previous: readonly S[] | ReadonlyMap<string, S>;
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

/** One alert's step, with the state it came from (the very object of `previous`). */
export interface AlertTickStep<S extends AlertState = AlertState> extends AlertStep {
  state: AlertState;
  previous: S | null;
}

export interface AlertTick<S extends AlertState = AlertState> {
  instances: AlertInstance[];
  /** Every alert to store after this evaluation (each active or just ended one), by dedup key. */
  steps: AlertTickStep<S>[];
  /** With `omitSteady`: the previous states of the alerts left unchanged (the very objects given), not in `steps`; else empty. */
  steady: S[];
}

const NO_SILENCES: readonly string[] = Object.freeze([]);

function activeByDedupKey<S extends AlertState>(states: readonly S[]): Map<string, S> {
  const active = new Map<string, S>();
  for (const s of states) if (isActiveState(s.state)) active.set(s.dedupKey, s);
  return active;
}

/**
 * One evaluation of every rule at `now`: the rules' instances, then each alert's step through the state machine
 * (every stored active alert and every new breach), silences applied. Pure: the engine stores the steps and sends the
 * changes afterwards, as Grafana's `manager.go` does with `state.go`'s results.
 */
export function evaluateAlerts<S extends AlertState>(input: AlertTickInput<S>): AlertTick<S> {
  const { rules, now } = input;
  const instances = evaluateRules(rules, input.snapshot, now, input.calendar);
  const byRule = new Map(rules.map((r) => [r.id, r]));
  // Thousands of alerts on a large rule set: plain loops, no sorted key list or pair arrays per tick; the few steps
  // are sorted at the end instead.
  const previous: ReadonlyMap<string, S> =
    input.previous instanceof Map ? (input.previous as ReadonlyMap<string, S>) : activeByDedupKey(input.previous as readonly S[]);
  // Silences in force now, once per tick; none (the usual case) costs nothing per alert.
  const live = input.silences.filter((s) => s.startsAt <= now && now < s.endsAt);
  const steps: AlertTickStep<S>[] = [];
  const steady: S[] = [];
  const step = (prev: S | null, instance: AlertInstance | null) => {
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
      return;
    }
    const next = nextAlertState(prev, evaluation, now);
    if (next.state) steps.push({ ...next, state: next.state, previous: prev });
  };
  // Each breach with its alert (dedup keys are unique in a tick: one instance per rule and group), then the alerts
  // left without one, looked for only when there are any: most ticks every alert still breaches, and no key set is made.
  let continued = 0;
  for (const instance of instances) {
    const prev = previous.get(instance.dedupKey) ?? null;
    if (prev) continued++;
    step(prev, instance);
  }
  if (continued < previous.size) {
    const breached = new Set<string>();
    for (const i of instances) breached.add(i.dedupKey);
    for (const [key, prev] of previous) if (!breached.has(key)) step(prev, null);
  }
  steps.sort((a, b) => (a.state.dedupKey < b.state.dedupKey ? -1 : a.state.dedupKey > b.state.dedupKey ? 1 : 0));
  return { instances, steps, steady };
}
