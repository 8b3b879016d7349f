import { describe, expect, it } from 'vitest';
import { nextAlertState, resolveDelayMilliseconds, type AlertEvaluation, type AlertState } from './alert-state';
import type { AlertInstance } from './evaluate-rules';
import { at } from './sla-test-support';

const T0 = at('2026-03-10T17:00');
const MINUTE = 60_000;
const plus = (minutes: number) => new Date(T0.getTime() + minutes * MINUTE);

function instance(o: Partial<AlertInstance> = {}): AlertInstance {
  return {
    ruleId: 'DOS-01',
    dedupKey: 'DOS-01|agency=STP',
    severity: 'warning',
    agencyCode: 'STP',
    unitCode: '19',
    labels: { agency: 'STP' },
    count: 1,
    linkedIds: ['dvc/1'],
    details: {},
    ...o,
  };
}

function stored(o: Partial<AlertState> = {}): AlertState {
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
  keepFiringForMilliseconds: 0,
  notify: true,
  silenceIds: [],
  ...o,
});
const clear = (o: Partial<AlertEvaluation> = {}): AlertEvaluation => breach({ instance: null, ...o });
const TEN = 10 * MINUTE;

describe('nextAlertState', () => {
  it.each<[string, AlertState | null, AlertEvaluation, number, { state: string | null; reason: string | null; notify: string | null }]>([
    // A new breach.
    ['no alert + breach, no `for`: fires at once', null, breach(), 0, { state: 'firing', reason: 'breach', notify: 'firing' }],
    [
      'no alert + breach, for 10m: pending',
      null,
      breach({ forMilliseconds: TEN }),
      0,
      { state: 'pending', reason: 'breach', notify: null },
    ],
    ['no alert, no breach: nothing', null, clear(), 0, { state: null, reason: null, notify: null }],
    [
      'an ended alert + breach: a new alert',
      stored({ state: 'resolved' }),
      breach(),
      0,
      { state: 'firing', reason: 'breach', notify: 'firing' },
    ],
    // `for`: the breach must hold that long, measured from `startedAt` to the evaluation instant.
    [
      'pending 9 min of for 10m: still pending',
      stored({ state: 'pending', firedAt: null, notified: false }),
      breach({ forMilliseconds: TEN }),
      9,
      { state: 'pending', reason: null, notify: null },
    ],
    [
      'pending 10 min of for 10m: fires',
      stored({ state: 'pending', firedAt: null, notified: false }),
      breach({ forMilliseconds: TEN }),
      10,
      { state: 'firing', reason: 'for_elapsed', notify: 'firing' },
    ],
    [
      'pending, cleared: inactive, never announced',
      stored({ state: 'pending', firedAt: null, notified: false }),
      clear({ forMilliseconds: TEN }),
      9,
      { state: 'inactive', reason: 'cleared', notify: null },
    ],
    // Firing.
    ['firing, same breach: nothing to record', stored(), breach(), 1, { state: 'firing', reason: null, notify: null }],
    [
      'firing, severity rises: escalated',
      stored(),
      breach({ instance: instance({ severity: 'critical' }) }),
      1,
      { state: 'firing', reason: 'severity_changed', notify: 'escalated' },
    ],
    [
      'firing, severity falls: recorded, not announced',
      stored({ severity: 'critical' }),
      breach(),
      1,
      { state: 'firing', reason: 'severity_changed', notify: null },
    ],
    ['firing, cleared, no keepFiringFor: resolved', stored(), clear(), 1, { state: 'resolved', reason: 'cleared', notify: 'resolved' }],
    [
      'firing, cleared, keepFiringFor 10m: resolving, still firing outside',
      stored(),
      clear({ keepFiringForMilliseconds: TEN }),
      1,
      { state: 'resolving', reason: 'cleared', notify: null },
    ],
    // Resolving: flapping damped.
    [
      'resolving 9 of 10 min clear: still resolving',
      stored({ state: 'resolving', resolvingSince: T0 }),
      clear({ keepFiringForMilliseconds: TEN }),
      9,
      { state: 'resolving', reason: null, notify: null },
    ],
    [
      'resolving 10 of 10 min clear: resolved',
      stored({ state: 'resolving', resolvingSince: T0 }),
      clear({ keepFiringForMilliseconds: TEN }),
      10,
      { state: 'resolved', reason: 'resolve_delay_elapsed', notify: 'resolved' },
    ],
    [
      'resolving, breach again: a flap, firing without a new announcement',
      stored({ state: 'resolving', resolvingSince: T0 }),
      breach({ keepFiringForMilliseconds: TEN }),
      3,
      { state: 'firing', reason: 'refired', notify: null },
    ],
    [
      'after one flap the delay is 20 min: 10 min clear is not enough',
      stored({ state: 'resolving', resolvingSince: T0, flapCount: 1 }),
      clear({ keepFiringForMilliseconds: TEN }),
      10,
      { state: 'resolving', reason: null, notify: null },
    ],
    [
      'after one flap, 20 min clear resolves',
      stored({ state: 'resolving', resolvingSince: T0, flapCount: 1 }),
      clear({ keepFiringForMilliseconds: TEN }),
      20,
      { state: 'resolved', reason: 'resolve_delay_elapsed', notify: 'resolved' },
    ],
    // Silences: the state moves, nothing is announced.
    ['a silenced breach fires, unannounced', null, breach({ silenceIds: ['s1'] }), 0, { state: 'firing', reason: 'breach', notify: null }],
    [
      'firing, silence begins: recorded',
      stored(),
      breach({ silenceIds: ['s1'] }),
      1,
      { state: 'firing', reason: 'silenced', notify: null },
    ],
    [
      'firing unannounced, silence ends: announced now',
      stored({ notified: false, silenceIds: ['s1'] }),
      breach(),
      1,
      { state: 'firing', reason: 'unsilenced', notify: 'firing' },
    ],
    [
      'firing unannounced, resolved: no resolution to announce',
      stored({ notified: false, silenceIds: ['s1'] }),
      clear({ silenceIds: ['s1'] }),
      1,
      { state: 'resolved', reason: 'cleared', notify: null },
    ],
    [
      'firing announced, resolved while silenced: not announced',
      stored(),
      clear({ silenceIds: ['s1'] }),
      1,
      { state: 'resolved', reason: 'cleared', notify: null },
    ],
    [
      'firing, escalated while silenced: not announced',
      stored({ silenceIds: ['s1'] }),
      breach({ instance: instance({ severity: 'critical' }), silenceIds: ['s1'] }),
      1,
      { state: 'firing', reason: 'severity_changed', notify: null },
    ],
    // A list-only rule (DOS-02) and a removed rule.
    ['a list-only rule fires, never announced', null, breach({ notify: false }), 0, { state: 'firing', reason: 'breach', notify: null }],
    [
      'the rule was removed: resolved at once, whatever keepFiringFor',
      stored(),
      clear({ keepFiringForMilliseconds: TEN, ruleRemoved: true }),
      1,
      { state: 'resolved', reason: 'rule_removed', notify: 'resolved' },
    ],
    [
      'the rule was removed while pending: inactive',
      stored({ state: 'pending', firedAt: null, notified: false }),
      clear({ ruleRemoved: true }),
      1,
      { state: 'inactive', reason: 'rule_removed', notify: null },
    ],
  ])('%s', (_name, previous, evaluation, minutes, expected) => {
    const step = nextAlertState(previous, evaluation, plus(minutes));
    expect({ state: step.state?.state ?? null, reason: step.transition?.reason ?? null, notify: step.notify }).toEqual(expected);
    if (step.state) expect(step.state.lastEvaluatedAt).toEqual(plus(minutes));
  });

  it('keeps the times of each state: started, fired, resolving since, resolved', () => {
    const pending = nextAlertState(null, breach({ forMilliseconds: TEN }), plus(0)).state!;
    const firing = nextAlertState(pending, breach({ forMilliseconds: TEN }), plus(10)).state!;
    const resolving = nextAlertState(firing, clear({ keepFiringForMilliseconds: TEN }), plus(15)).state!;
    const resolved = nextAlertState(resolving, clear({ keepFiringForMilliseconds: TEN }), plus(25)).state!;
    expect([pending, firing, resolving, resolved].map((s) => [s.state, s.startedAt, s.firedAt, s.resolvingSince, s.resolvedAt])).toEqual([
      ['pending', plus(0), null, null, null],
      ['firing', plus(0), plus(10), null, null],
      ['resolving', plus(0), plus(10), plus(15), null],
      ['resolved', plus(0), plus(10), null, plus(25)],
    ]);
  });

  it('counts flaps and keeps the alert: one id, one announcement of firing and one of resolution', () => {
    const keep = { keepFiringForMilliseconds: TEN };
    let s: AlertState = { ...nextAlertState(null, breach(keep), plus(0)).state!, alertId: 'a1' };
    const notes: (string | null)[] = [];
    for (const [minute, breached] of [
      [1, false],
      [3, true],
      [4, false],
      [6, true],
      [7, false],
      [37, false],
    ] as const) {
      const step = nextAlertState(s, breached ? breach(keep) : clear(keep), plus(minute));
      notes.push(step.notify);
      s = step.state!;
    }
    expect(s).toMatchObject({ alertId: 'a1', state: 'resolved', flapCount: 2, resolvedAt: plus(37) });
    expect(notes).toEqual([null, null, null, null, null, 'resolved']);
  });

  it('marks a count or linked-record change as changed without a transition', () => {
    const step = nextAlertState(stored(), breach({ instance: instance({ count: 2, linkedIds: ['dvc/1', 'dvc/2'] }) }), plus(1));
    expect(step).toMatchObject({ transition: null, notify: null, changed: true, state: { count: 2 } });
    expect(nextAlertState(stored(), breach(), plus(1)).changed).toBe(false);
  });

  it('caps the resolve delay at 4 × keepFiringFor', () => {
    expect([0, 1, 2, 3, 9].map((flaps) => resolveDelayMilliseconds(TEN, flaps) / MINUTE)).toEqual([10, 20, 30, 40, 40]);
  });
});
