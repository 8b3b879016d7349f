import type { WorkingCalendar } from '../calendar/working-calendar';
import { isActiveState, nextAlertState, type AlertState, type AlertStep } from './alert-state';
import { evaluateEachRule, sortedByDedupKey, type AlertInstance, type SlaSnapshot } from './evaluate-rules';
import type { AlertRule } from './rule.schema';
import { matchingSilences, type Silence } from './silences';
import { isSteadyAlert } from './steady-alert';

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
   * Leave alerts that stay exactly as they were (`isSteadyAlert`) out of `steps` and list them in `steady`: an
   * evaluator that keeps the previous states itself then makes, compares and stores nothing for them.
   */
  omitSteady?: boolean;
  /**
   * With `omitSteady` and `previous` as a map kept between ticks: what this evaluator's last tick found steady
   * (`new SteadyRules()`, given again each tick). An alert steady then, whose rule made the very same instance, is
   * steady again without being looked up or compared (see `SteadyRules`).
   */
  steadyRules?: SteadyRules<S>;
}

/** One alert's step, with the state it came from (the very object of `previous`). */
export interface AlertTickStep<S extends AlertState = AlertState> extends AlertStep {
  state: AlertState;
  previous: S | null;
}

export interface AlertTick<S extends AlertState = AlertState> {
  /** Every instance in breach, sorted by dedup key (made on first read). */
  readonly instances: AlertInstance[];
  instanceCount: number;
  /** Every alert to store after this evaluation (each active or just ended one), by dedup key. */
  steps: AlertTickStep<S>[];
  /** With `omitSteady`: the previous states of the alerts left unchanged (the very objects given), not in `steps`; else empty. */
  steady: S[];
}

/** What one tick found of one rule's alerts, position by position of its instances. */
interface SteadyRule<S> {
  instances: readonly AlertInstance[];
  /** The state the instance at the same position left steady; null when it stepped (or had none). */
  states: readonly (S | null)[];
  /** Until when that steady state holds: a pending one fires at `startedAt + for`; Infinity for a firing one. */
  until: readonly number[];
}

/**
 * What an evaluator's last tick found steady, rule by rule, kept between ticks. An alert is steady again at a later
 * `now`, with no lookup and no comparison (thousands of alerts, most ticks; walking them was a third of a tick in
 * `npm run bench:rules`), when all of these hold:
 * - its rule made the very instance object of then at the same position (an instance is never changed once made,
 *   `groupInstance`), and the alert was steady then;
 * - `previous` is the very map of then, in which the evaluator changed only the alerts it stored (steps), and a
 *   steady alert is no step;
 * - no silence is in force, now or then;
 * - a pending one has not reached its `for` (`until`).
 * A steady alert's fate follows from its state, its instance, the rule, the silences and, for a pending one, `now`
 * only (`isSteadyAlert`): the same inputs give the same answer.
 */
export class SteadyRules<S extends AlertState = AlertState> {
  private previous: ReadonlyMap<string, S> | null = null;
  private readonly byRule = new Map<AlertRule, SteadyRule<S>>();

  /** Starts a tick over `previous`; forgets all when it is another map, or when a silence is in force (`usable` false). */
  begin(previous: ReadonlyMap<string, S>, usable: boolean): void {
    if (usable && previous === this.previous) return;
    this.byRule.clear();
    this.previous = usable ? previous : null;
  }

  last(rule: AlertRule): SteadyRule<S> | undefined {
    return this.byRule.get(rule);
  }

  keep(rule: AlertRule, tick: SteadyRule<S>): void {
    this.byRule.set(rule, tick);
  }
}

const NO_SILENCES: readonly string[] = Object.freeze([]);

function activeByDedupKey<S extends AlertState>(states: readonly S[]): Map<string, S> {
  const active = new Map<string, S>();
  for (const s of states) if (isActiveState(s.state)) active.set(s.dedupKey, s);
  return active;
}

/**
 * One evaluation of every rule at `now`: the rules' instances, then each alert's step through the state machine
 * (every stored active alert and every new breach), silences applied. Pure but for `steadyRules`, the evaluator's own
 * cache: the engine stores the steps and sends the changes afterwards, as Grafana's `manager.go` does with
 * `state.go`'s results.
 */
export function evaluateAlerts<S extends AlertState>(input: AlertTickInput<S>): AlertTick<S> {
  const { rules, now } = input;
  const perRule = evaluateEachRule(rules, input.snapshot, now, input.calendar);
  const byRule = new Map(rules.map((r) => [r.id, r]));
  // Thousands of alerts on a large rule set: plain loops, no sorted key list or pair arrays per tick; the few steps
  // are sorted at the end instead.
  const previous: ReadonlyMap<string, S> =
    input.previous instanceof Map ? (input.previous as ReadonlyMap<string, S>) : activeByDedupKey(input.previous as readonly S[]);
  // Silences in force now, once per tick; none (the usual case) costs nothing per alert.
  const live = input.silences.filter((s) => s.startsAt <= now && now < s.endsAt);
  const t = now.getTime();
  // With a silence in force every alert is looked at, and none is kept as steady: its state may change any time.
  const steadyRules = input.omitSteady && input.previous instanceof Map && live.length === 0 ? input.steadyRules : undefined;
  input.steadyRules?.begin(previous, steadyRules !== undefined);
  const steps: AlertTickStep<S>[] = [];
  const steady: S[] = [];
  /** Steps one alert; true when it is steady (left out). */
  const step = (prev: S | null, instance: AlertInstance | null, rule: AlertRule | undefined): boolean => {
    const target = instance ?? prev!;
    const evaluation = {
      instance,
      forMilliseconds: rule?.for ?? 0,
      keepFiringForMilliseconds: rule?.keepFiringFor ?? 0,
      notify: rule?.notify ?? true,
      silenceIds: live.length === 0 ? NO_SILENCES : matchingSilences(live, target, now),
      ruleRemoved: rule === undefined,
    };
    if (input.omitSteady && prev && isSteadyAlert(prev, evaluation, now)) {
      steady.push(prev);
      return true;
    }
    const next = nextAlertState(prev, evaluation, now);
    if (next.state) steps.push({ ...next, state: next.state, previous: prev });
    return false;
  };
  // Each breach with its alert (dedup keys are unique in a tick: one instance per rule and group), then the alerts
  // left without one, looked for only when there are any: most ticks every alert still breaches, and no key set is made.
  let continued = 0;
  for (let k = 0; k < rules.length; k++) {
    const rule = rules[k]!;
    const instances = perRule[k]!;
    const last = steadyRules?.last(rule);
    const states: (S | null)[] = [];
    const until: number[] = [];
    for (let n = 0; n < instances.length; n++) {
      const instance = instances[n]!;
      if (last !== undefined && last.instances[n] === instance) {
        const kept = last.states[n] ?? null;
        if (kept !== null && t < last.until[n]!) {
          continued++;
          steady.push(kept);
          states.push(kept);
          until.push(last.until[n]!);
          continue;
        }
      }
      const prev = previous.get(instance.dedupKey) ?? null;
      if (prev) continued++;
      const isSteady = step(prev, instance, rule);
      states.push(isSteady ? prev : null);
      until.push(isSteady && prev!.state === 'pending' ? prev!.startedAt.getTime() + rule.for : Infinity);
    }
    steadyRules?.keep(rule, { instances, states, until });
  }
  if (continued < previous.size) {
    const breached = new Set<string>();
    for (const list of perRule) for (const i of list) breached.add(i.dedupKey);
    for (const [key, prev] of previous) if (!breached.has(key)) step(prev, null, byRule.get(prev.ruleId));
  }
  steps.sort((a, b) => (a.state.dedupKey < b.state.dedupKey ? -1 : a.state.dedupKey > b.state.dedupKey ? 1 : 0));
  let instanceCount = 0;
  for (const list of perRule) instanceCount += list.length;
  // Sorted only when asked for: the engine needs the count, and sorting twelve thousand instances was a tenth of a tick.
  let sorted: AlertInstance[] | undefined;
  return {
    get instances() {
      return (sorted ??= sortedByDedupKey(rules, perRule));
    },
    instanceCount,
    steps,
    steady,
  };
}
