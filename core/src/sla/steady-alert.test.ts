import { describe, expect, it } from 'vitest';
import { loadWorkingCalendar } from '../calendar/load-calendar';
import { loadMetricCatalogue } from '../metrics/load-metric-catalogue';
import { isActiveState, nextAlertState, type AlertEvaluation, type AlertState } from './alert-state';
import { evaluateAlerts, SteadyRules, type AlertTickInput } from './evaluate-alerts';
import type { AlertInstance } from './evaluate-rules';
import { loadRules } from './load-rules';
import type { Silence } from './silences';
import { at, makeRule, makeSlaDossier, makeSnapshot } from './sla-test-support';
import { isSteadyAlert } from './steady-alert';

const T0 = at('2026-03-10T17:00');
const NOW = at('2026-03-10T17:30');

function instance(o: Partial<AlertInstance> = {}): AlertInstance {
  return {
    ruleId: 'DOS-01',
    dedupKey: 'DOS-01|agency=STP',
    severity: 'warning',
    agencyCode: 'STP',
    unitCode: '19',
    labels: { domain: 'dossier', agency: 'STP' },
    count: 2,
    linkedIds: ['dvc/1', 'dvc/2'],
    details: { overdueWorkingDays: 1 },
    ...o,
  };
}

function firing(o: Partial<AlertState> = {}): AlertState {
  return {
    ...instance(),
    alertId: 'a1',
    state: 'firing',
    startedAt: T0,
    firedAt: T0,
    resolvingSince: null,
    resolvedAt: null,
    lastEvaluatedAt: T0,
    flapCount: 0,
    notified: true,
    silenceIds: [],
    ...o,
  };
}

const breach = (o: Partial<AlertEvaluation> = {}): AlertEvaluation => ({
  instance: instance(),
  forMilliseconds: 0,
  keepFiringForMilliseconds: 15 * 60_000,
  notify: true,
  silenceIds: [],
  ...o,
});

describe('isSteadyAlert', () => {
  // Every case is checked against the state machine itself: steady exactly when nextAlertState changes nothing but
  // the evaluation instant, records no transition and announces nothing.
  it.each<[string, AlertState, AlertEvaluation, boolean]>([
    ['the same breach again', firing(), breach(), true],
    [
      'the same breach, labels and details in another key order',
      firing(),
      breach({ instance: instance({ labels: { agency: 'STP', domain: 'dossier' }, details: { overdueWorkingDays: 1 } }) }),
      true,
    ],
    ['the same breach, already silenced by the same silence', firing({ silenceIds: ['s1'] }), breach({ silenceIds: ['s1'] }), true],
    ['silenced and never announced, still silenced', firing({ notified: false, silenceIds: ['s1'] }), breach({ silenceIds: ['s1'] }), true],
    ['a list-only rule, never announced', firing({ notified: false }), breach({ notify: false }), true],
    ['one more record', firing(), breach({ instance: instance({ count: 3, linkedIds: ['dvc/1', 'dvc/2', 'dvc/3'] }) }), false],
    ['another record in place of one', firing(), breach({ instance: instance({ linkedIds: ['dvc/1', 'dvc/9'] }) }), false],
    ['overdue a little longer (details)', firing(), breach({ instance: instance({ details: { overdueWorkingDays: 2 } }) }), false],
    ['a rise to critical', firing(), breach({ instance: instance({ severity: 'critical' }) }), false],
    ['a fall to info', firing(), breach({ instance: instance({ severity: 'info' }) }), false],
    ['another unit', firing(), breach({ instance: instance({ unitCode: '05443' }) }), false],
    ['a silence starts', firing(), breach({ silenceIds: ['s1'] }), false],
    ['a silence ends before its firing was announced', firing({ notified: false, silenceIds: ['s1'] }), breach(), false],
    ['the breach clears', firing(), breach({ instance: null }), false],
    ['the rule was removed', firing(), breach({ ruleRemoved: true }), false],
    ['pending, `for` not yet elapsed', firing({ state: 'pending', firedAt: null }), breach({ forMilliseconds: 3_600_000 }), true],
    [
      'pending, `for` not yet elapsed, one more record',
      firing({ state: 'pending', firedAt: null }),
      breach({ forMilliseconds: 3_600_000, instance: instance({ count: 3, linkedIds: ['dvc/1', 'dvc/2', 'dvc/3'] }) }),
      false,
    ],
    ['pending, `for` elapsed exactly now', firing({ state: 'pending', firedAt: null }), breach({ forMilliseconds: 30 * 60_000 }), false],
    [
      'pending, the breach clears',
      firing({ state: 'pending', firedAt: null }),
      breach({ forMilliseconds: 3_600_000, instance: null }),
      false,
    ],
    [
      'pending, a silence starts',
      firing({ state: 'pending', firedAt: null }),
      breach({ forMilliseconds: 3_600_000, silenceIds: ['s1'] }),
      false,
    ],
    ['resolving, breached again (a flap)', firing({ state: 'resolving', resolvingSince: T0 }), breach(), false],
  ])('%s', (_name, previous, evaluation, steady) => {
    expect(isSteadyAlert(previous, evaluation, NOW)).toBe(steady);
    const step = nextAlertState(previous, evaluation, NOW);
    if (!steady) return;
    expect(step).toMatchObject({ transition: null, notify: null, changed: false });
    expect({ ...step.state, lastEvaluatedAt: null }).toEqual({ ...previous, lastEvaluatedAt: null });
  });
});

describe('evaluateAlerts with omitSteady', () => {
  it('leaves out exactly the alerts that stay as they were, and steps every other one as without it', async () => {
    const calendar = await loadWorkingCalendar();
    const rules = (await loadRules(await loadMetricCatalogue())).filter((r) => r.id === 'DOS-01' || r.id === 'DOS-02');
    const stp = [makeSlaDossier({ due_at: at('2026-03-10T08:00') }), makeSlaDossier({ due_at: at('2026-03-10T09:00') })];
    const syt = makeSlaDossier({ handling_agency_code: 'SYT', unit_code: '05455', due_at: at('2026-03-10T10:00') });
    const first = evaluateAlerts({
      rules,
      previous: [],
      snapshot: makeSnapshot({ dossiers: [...stp, syt] }),
      silences: [],
      now: at('2026-03-10T10:00:30'),
      calendar,
      omitSteady: true,
    });
    expect(first.steady).toEqual([]);
    const previous = first.steps.map((s, n) => ({ ...s.state, alertId: `a${n}` }));

    // 30 s later SYT gets a second overdue dossier; STP's alert is unchanged (its worst is still 0.25 working days).
    const input = {
      rules,
      previous,
      snapshot: makeSnapshot({ dossiers: [...stp, syt, makeSlaDossier({ handling_agency_code: 'SYT', due_at: at('2026-03-09T17:00') })] }),
      silences: [],
      now: at('2026-03-10T10:01'),
      calendar,
    };
    const full = evaluateAlerts(input);
    const lean = evaluateAlerts({ ...input, omitSteady: true });
    expect(full.steady).toEqual([]);
    expect(lean.instances).toEqual(full.instances);
    expect(lean.steady.map((s) => s.dedupKey)).toEqual(['DOS-01|agency=STP']);
    expect(lean.steady[0]).toBe(previous.find((p) => p.dedupKey === 'DOS-01|agency=STP'));
    expect(lean.steps).toEqual(full.steps.filter((s) => s.state.dedupKey !== 'DOS-01|agency=STP'));
    expect(lean.steps.map((s) => [s.state.dedupKey, s.state.count])).toEqual([['DOS-01|agency=SYT', 2]]);
  });
});

describe('evaluateAlerts with steadyRules', () => {
  it('steps every alert exactly as an evaluation without them, tick after tick', async () => {
    const calendar = await loadWorkingCalendar();
    const dos01 = (await loadRules(await loadMetricCatalogue())).filter((r) => r.id === 'DOS-01');
    // Pending for 30 minutes before it fires: held steady meanwhile, it must still fire on time.
    const slow = makeRule({ id: 'TFOR-01', kind: 'dossier_overdue', groupBy: 'agency', for: '30m', keepFiringFor: '15m' });
    const rules = [...dos01, slow];
    const stp = makeSlaDossier({ due_at: at('2026-03-10T08:00') });
    const syt = makeSlaDossier({ handling_agency_code: 'SYT', unit_code: '05455', due_at: at('2026-03-10T09:00') });
    const late = makeSlaDossier({ handling_agency_code: 'SYT', unit_code: '05455', due_at: at('2026-03-10T09:30') });
    const silence: Silence = {
      id: 's1',
      kind: 'silence',
      ruleIds: ['DOS-01'],
      agencyCodes: [],
      labels: {},
      startsAt: at('2026-03-10T11:00'),
      endsAt: at('2026-03-10T11:20'),
      reason: 'thử',
    };
    // Every 5 minutes from 10:00 to 12:00; SYT's second dossier arrives in a new read at 10:40.
    const early = [stp, syt];
    const later = [stp, syt, late];
    // The lean evaluator keeps one map and changes in it only what it stores, as the engine does; the full one
    // steps every alert each tick.
    let lean = new Map<string, AlertState>();
    let full = new Map<string, AlertState>();
    const steadyRules = new SteadyRules();
    const apply = (into: Map<string, AlertState>, steps: { state: AlertState }[]) => {
      for (const { state } of steps)
        if (isActiveState(state.state)) into.set(state.dedupKey, { ...state, alertId: state.alertId ?? state.dedupKey });
        else into.delete(state.dedupKey);
    };
    const kept: number[] = [];
    for (let minute = 0; minute <= 120; minute += 5) {
      const now = new Date(at('2026-03-10T10:00').getTime() + minute * 60_000);
      const input: AlertTickInput = {
        rules,
        previous: full,
        snapshot: makeSnapshot({ dossiers: minute < 40 ? early : later }),
        silences: [silence],
        now,
        calendar,
      };
      // At 11:40 the lean evaluator reads its alerts afresh (a new map with equal states), as after a failed write.
      if (minute === 100) lean = new Map([...lean].map(([k, v]) => [k, { ...v }]));
      const a = evaluateAlerts({ ...input, previous: lean, omitSteady: true, steadyRules });
      const b = evaluateAlerts(input);
      // What is stored and announced: every step that records or shows a change, its state but for the instant.
      const stored = (steps: typeof b.steps) =>
        steps
          .filter((s) => s.transition !== null || s.changed || s.notify !== null)
          .map(({ state, transition, notify }) => ({ state: { ...state, lastEvaluatedAt: null }, transition, notify }));
      expect(stored(a.steps), `at +${minute} min`).toEqual(stored(b.steps));
      apply(lean, a.steps);
      apply(full, b.steps);
      const strip = (m: Map<string, AlertState>) =>
        [...m.values()].map((s) => ({ ...s, lastEvaluatedAt: null })).sort((x, y) => (x.dedupKey < y.dedupKey ? -1 : 1));
      expect(strip(lean), `at +${minute} min`).toEqual(strip(full));
      kept.push(a.steady.length);
      full = new Map(full);
    }
    // The slow rule fired at its `for` (30 minutes after 10:00), and the silence marked DOS-01 and then let it go.
    expect(lean.get('TFOR-01|agency=STP')).toMatchObject({ state: 'firing', firedAt: at('2026-03-10T10:30') });
    expect(lean.get('DOS-01|agency=SYT')).toMatchObject({ state: 'firing', count: 2, silenceIds: [] });
    expect(kept.some((n) => n > 0)).toBe(true);
  });
});
