import { describe, expect, it } from 'vitest';
import { loadWorkingCalendar } from '../calendar/load-calendar';
import { loadMetricCatalogue } from '../metrics/load-metric-catalogue';
import { alertChangeOf, AlertChangeSchema } from './alert-change';
import { isActiveState, type AlertState } from './alert-state';
import { evaluateAlerts, type AlertTickStep } from './evaluate-alerts';
import type { SlaSnapshot } from './evaluate-rules';
import { loadRules } from './load-rules';
import type { AlertRule } from './rule.schema';
import type { Silence } from './silences';
import { at, makeRule, makeSlaDossier, makeSnapshot } from './sla-test-support';

const cal = await loadWorkingCalendar();
const shipped = await loadRules(await loadMetricCatalogue());
const rule = (id: string): AlertRule => shipped.find((r) => r.id === id)!;

/** Plays evaluations in order the way the engine does: the stored active alerts feed the next evaluation. */
function play(rules: readonly AlertRule[], ticks: readonly { now: Date; snapshot: SlaSnapshot; silences?: Silence[] }[]) {
  let stored: AlertState[] = [];
  let nextId = 1;
  const log: AlertTickStep[][] = [];
  for (const t of ticks) {
    const { steps } = evaluateAlerts({
      rules,
      previous: stored,
      snapshot: t.snapshot,
      silences: t.silences ?? [],
      now: t.now,
      calendar: cal,
    });
    const saved = steps.map((s) => ({ ...s, state: { ...s.state, alertId: s.state.alertId ?? `a${nextId++}` } }));
    stored = saved.map((s) => s.state).filter((s) => isActiveState(s.state));
    log.push(saved);
  }
  return { log, stored };
}

const transitions = (log: AlertTickStep[][]) =>
  log.flatMap((steps) =>
    steps.filter((s) => s.transition).map((s) => `${s.state.dedupKey} ${s.transition!.fromState}→${s.transition!.toState}`),
  );

describe('evaluateAlerts', () => {
  it('fires DOS-01 for a dossier due at 17:00 at 17:00:01, with no new event: 16:59:59 → nothing', () => {
    const snapshot = makeSnapshot({ dossiers: [makeSlaDossier({ due_at: at('2026-03-10T17:00') })] });
    const { log } = play(
      [rule('DOS-01')],
      [
        { now: at('2026-03-10T16:59:59'), snapshot },
        { now: at('2026-03-10T17:00:01'), snapshot },
      ],
    );
    expect(log[0]).toEqual([]);
    expect(log[1]).toMatchObject([
      { state: { dedupKey: 'DOS-01|agency=STP', state: 'firing', firedAt: at('2026-03-10T17:00:01') }, notify: 'firing' },
    ]);
  });

  it.each([
    ['a 9-minute breach of a "for 10m" rule never fires', 9, []],
    ['a 10-minute breach fires at minute 10', 10, [at('2026-03-10T17:10:30')]],
  ])('%s', (_name, breachMinutes, firedAt) => {
    // Evaluated every minute from 17:00:30; the dossier is overdue from 17:00 and seen overdue for `breachMinutes`.
    const forTen = makeRule({ id: 'DOS-90', kind: 'dossier_overdue', for: '10m' });
    const dossier = makeSlaDossier({ due_at: at('2026-03-10T17:00') });
    const ticks = Array.from({ length: 15 }, (_, m) => ({
      now: new Date(at('2026-03-10T17:00:30').getTime() + m * 60_000),
      snapshot: makeSnapshot({ dossiers: m <= breachMinutes ? [dossier] : [] }),
    }));
    const { log } = play([forTen], ticks);
    const fired = log.flat().filter((s) => s.transition?.toState === 'firing');
    expect(fired.map((s) => s.state.firedAt)).toEqual(firedAt);
    expect(transitions(log).at(-1)).toBe(breachMinutes >= 10 ? 'DOS-90|agency=STP firing→resolved' : 'DOS-90|agency=STP pending→inactive');
  });

  it('a silenced rule still fires and resolves but does not notify; when the silence ends it notifies', () => {
    const snapshot = makeSnapshot({ dossiers: [makeSlaDossier()] });
    const silence: Silence = {
      id: 's1',
      kind: 'silence',
      ruleIds: ['DOS-01'],
      agencyCodes: ['STP'],
      labels: {},
      startsAt: at('2026-03-11T08:00'),
      endsAt: at('2026-03-11T10:00'),
      reason: 'đã báo cáo lãnh đạo',
    };
    const { log } = play(
      [rule('DOS-01')],
      [
        { now: at('2026-03-11T09:00'), snapshot, silences: [silence] },
        { now: at('2026-03-11T09:30'), snapshot, silences: [silence] },
        { now: at('2026-03-11T10:00'), snapshot, silences: [silence] },
      ],
    );
    expect(log.map((steps) => [steps[0]?.state.state, steps[0]?.state.silenceIds, steps[0]?.notify])).toEqual([
      ['firing', ['s1'], null],
      ['firing', ['s1'], null],
      ['firing', [], 'firing'],
    ]);
    expect(log[2]![0]!.transition?.reason).toBe('unsilenced');
  });

  it('a maintenance window on a label silences only what carries it', () => {
    const sources = [{ source: 'dvc', lastSuccessfulPullAt: at('2026-03-11T09:00'), maxSourceUpdatedAt: at('2026-03-11T09:00') }];
    const maintenance: Silence = {
      id: 'm1',
      kind: 'maintenance',
      ruleIds: [],
      agencyCodes: [],
      labels: { source: 'dvc' },
      startsAt: at('2026-03-11T09:00'),
      endsAt: at('2026-03-11T12:00'),
      reason: 'nâng cấp Cổng DVC',
    };
    const snapshot = makeSnapshot({ sources, dossiers: [makeSlaDossier()] });
    const { log } = play([rule('SRC-01'), rule('DOS-01')], [{ now: at('2026-03-11T10:00'), snapshot, silences: [maintenance] }]);
    expect(log[0]!.map((s) => [s.state.dedupKey, s.state.severity, s.state.silenceIds, s.notify])).toEqual([
      ['DOS-01|agency=STP', 'warning', [], 'firing'],
      ['SRC-01|source=dvc', 'critical', ['m1'], null],
    ]);
  });

  it('DOS-02 is listed, never notified', () => {
    const snapshot = makeSnapshot({ dossiers: [makeSlaDossier({ due_at: at('2026-03-16T11:30') })] });
    const { log } = play([rule('DOS-02')], [{ now: at('2026-03-13T16:00'), snapshot }]);
    expect(log[0]).toMatchObject([{ state: { state: 'firing', severity: 'info' }, notify: null }]);
  });

  it('escalates DOS-01 to critical when the tenth dossier of the agency becomes overdue, and says so once', () => {
    const nine = Array.from({ length: 9 }, () => makeSlaDossier({ due_at: at('2026-03-10T11:30') }));
    const tenth = makeSlaDossier({ due_at: at('2026-03-10T17:00') });
    const snapshot = makeSnapshot({ dossiers: [...nine, tenth] });
    const { log } = play(
      [rule('DOS-01')],
      [
        { now: at('2026-03-10T16:00'), snapshot },
        { now: at('2026-03-10T17:00:01'), snapshot },
        { now: at('2026-03-10T17:05'), snapshot },
      ],
    );
    expect(log.map((steps) => [steps[0]?.state.count, steps[0]?.state.severity, steps[0]?.notify])).toEqual([
      [9, 'warning', 'firing'],
      [10, 'critical', 'escalated'],
      [10, 'critical', null],
    ]);
  });

  it('resolves the alerts of a rule that was removed', () => {
    const snapshot = makeSnapshot({ dossiers: [makeSlaDossier()] });
    const first = play([rule('DOS-01')], [{ now: at('2026-03-11T09:00'), snapshot }]);
    const { steps } = evaluateAlerts({
      rules: [],
      previous: first.stored,
      snapshot,
      silences: [],
      now: at('2026-03-11T09:01'),
      calendar: cal,
    });
    expect(steps.map((s) => [s.state.state, s.transition?.reason])).toEqual([['resolved', 'rule_removed']]);
  });

  it('describes each change in the wire contract', () => {
    const { log } = play([rule('DOS-01')], [{ now: at('2026-03-11T09:00'), snapshot: makeSnapshot({ dossiers: [makeSlaDossier()] }) }]);
    const step = log[0]![0]!;
    const change = alertChangeOf(step.state.alertId!, step.previous, step);
    expect(AlertChangeSchema.parse(change)).toEqual({
      alertId: 'a1',
      ruleId: 'DOS-01',
      dedupKey: 'DOS-01|agency=STP',
      state: 'firing',
      previousState: 'inactive',
      severity: 'warning',
      previousSeverity: null,
      agencyCode: 'STP',
      unitCode: '19',
      labels: { domain: 'dossier', audience: 'agency', agency: 'STP' },
      count: 1,
      silenced: false,
      flapCount: 0,
      notify: 'firing',
      at: '2026-03-11T02:00:00.000Z',
    });
  });
});
