import { describe, expect, it } from 'vitest';
import { loadWorkingCalendar } from '../calendar/load-calendar';
import { loadMetricCatalogue } from '../metrics/load-metric-catalogue';
import { nextAlertState, type AlertEvaluation, type AlertState } from './alert-state';
import { evaluateAlerts } from './evaluate-alerts';
import type { AlertInstance } from './evaluate-rules';
import { loadRules } from './load-rules';
import { at, makeSlaDossier, makeSnapshot } from './sla-test-support';
import { isSteadyFiring } from './steady-alert';

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

describe('isSteadyFiring', () => {
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
    ['pending, `for` not yet elapsed', firing({ state: 'pending', firedAt: null }), breach({ forMilliseconds: 3_600_000 }), false],
    ['resolving, breached again (a flap)', firing({ state: 'resolving', resolvingSince: T0 }), breach(), false],
  ])('%s', (_name, previous, evaluation, steady) => {
    expect(isSteadyFiring(previous, evaluation)).toBe(steady);
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
