import { describe, expect, it } from 'vitest';
import { loadWorkingCalendar } from '../calendar/load-calendar';
import { dueAt, dueSoon } from '../calendar/due-date';
import { loadMetricCatalogue } from '../metrics/load-metric-catalogue';
import { dueSoonHorizon } from './dossier-sla';
import { evaluateRules } from './evaluate-rules';
import { dossierReadPlan, metricRequests } from './rule-reads';
import { loadRules } from './load-rules';
import { rollupMetricSamples } from './rollup-metrics';
import type { AlertRule } from './rule.schema';
import { at, makeRule, makeSlaDossier, makeSnapshot } from './sla-test-support';

const cal = await loadWorkingCalendar();
const metrics = await loadMetricCatalogue();
const shipped = await loadRules(metrics);
const rule = (id: string): AlertRule => shipped.find((r) => r.id === id)!;

describe('evaluateRules: DOS-01 overdue dossiers', () => {
  const dos01 = [rule('DOS-01')];

  it.each([
    ['16:59:59, a second before it is due', '2026-03-10T16:59:59', 0],
    ['17:00:00, the due instant itself (overdue is now > due_at)', '2026-03-10T17:00:00', 0],
    ['17:00:01, with no new data in between', '2026-03-10T17:00:01', 1],
  ])('a dossier due at 17:00, evaluated at %s', (_name, now, expected) => {
    const snapshot = makeSnapshot({ dossiers: [makeSlaDossier({ due_at: at('2026-03-10T17:00') })] });
    expect(evaluateRules(dos01, snapshot, at(now), cal)).toHaveLength(expected);
  });

  it('groups twenty overdue dossiers of one agency into one alert counting them, with their ids', () => {
    const stp = Array.from({ length: 20 }, () => makeSlaDossier({ handling_agency_code: 'STP' }));
    const syt = Array.from({ length: 3 }, () => makeSlaDossier({ handling_agency_code: 'SYT', unit_code: '05455' }));
    const instances = evaluateRules(dos01, makeSnapshot({ dossiers: [...syt, ...stp] }), at('2026-03-11T09:00'), cal);
    expect(instances.map((i) => [i.dedupKey, i.count, i.agencyCode, i.unitCode])).toEqual([
      ['DOS-01|agency=STP', 20, 'STP', '19'],
      ['DOS-01|agency=SYT', 3, 'SYT', '05455'],
    ]);
    expect(instances[0]!.linkedIds).toEqual(stp.map((d) => `dvc/${d.source_id}`).sort());
    expect(instances[0]!.labels).toEqual({ domain: 'dossier', audience: 'agency', agency: 'STP' });
  });

  it.each([
    ['9 overdue a day: warning', 9, '2026-03-19T17:00', 'warning'],
    ['10 per agency: critical', 10, '2026-03-19T17:00', 'critical'],
    ['1 overdue 4 working days (Mon 16 → Fri 20/03): warning', 1, '2026-03-16T17:00', 'warning'],
    ['1 overdue 5 working days (Fri 13 → Fri 20/03): critical', 1, '2026-03-13T17:00', 'critical'],
  ])('escalates per domain.md §4: %s', (_name, count, dueLocal, severity) => {
    const dossiers = Array.from({ length: count }, () => makeSlaDossier({ due_at: at(dueLocal) }));
    const [instance] = evaluateRules(dos01, makeSnapshot({ dossiers }), at('2026-03-20T17:00:01'), cal);
    expect(instance?.severity).toBe(severity);
  });

  it('counts a deadline crossing Tết in working days: due 24/02 for 3 days from Thu 12/02, not 15/02', () => {
    const due = dueAt(cal, at('2026-02-12T10:00'), 3, 'working_day');
    expect(due).toEqual(at('2026-02-24T11:30'));
    const snapshot = makeSnapshot({ dossiers: [makeSlaDossier({ received_at: at('2026-02-12T10:00'), due_at: due })] });
    expect(evaluateRules(dos01, snapshot, at('2026-02-20T10:00'), cal)).toEqual([]);
    expect(evaluateRules(dos01, snapshot, at('2026-02-24T11:30:01'), cal)).toHaveLength(1);
  });

  it('measures how far overdue in working days: Fri 13/02 17:00 to Mon 23/02 17:00 across Tết is 1 day, not 10', () => {
    const snapshot = makeSnapshot({ dossiers: [makeSlaDossier({ due_at: at('2026-02-13T17:00') })] });
    const [monday] = evaluateRules(dos01, snapshot, at('2026-02-23T17:00'), cal);
    expect(monday).toMatchObject({ severity: 'warning', details: { overdueWorkingDays: 1 } });
    const [friday] = evaluateRules(dos01, snapshot, at('2026-02-27T17:00'), cal);
    expect(friday).toMatchObject({ severity: 'critical', details: { overdueWorkingDays: 5 } });
  });

  it('keeps the stored detail still within a working day: whole working days, so a firing alert is not rewritten every tick', () => {
    const snapshot = makeSnapshot({ dossiers: [makeSlaDossier({ due_at: at('2026-02-23T17:00') })] });
    const days = (now: string) => evaluateRules(dos01, snapshot, at(now), cal)[0]?.details;
    expect(days('2026-02-24T08:00')).toEqual({ overdueWorkingDays: 0 });
    expect(days('2026-02-24T16:59')).toEqual({ overdueWorkingDays: 0 });
    expect(days('2026-02-24T17:00')).toEqual({ overdueWorkingDays: 1 });
    expect(days('2026-02-25T16:00')).toEqual({ overdueWorkingDays: 1 });
  });

  it('excludes pauses: a dossier waiting for a supplement is not overdue, and its wait does not count later', () => {
    const requested = { requested_at: at('2026-03-11T07:30'), completed_at: null };
    const waiting = makeSlaDossier({ status: 'supplement_requested', supplement_periods: [requested] });
    expect(evaluateRules(dos01, makeSnapshot({ dossiers: [waiting] }), at('2026-03-20T09:00'), cal)).toEqual([]);
    // Overdue Tue 10/03 17:00, paused Wed 07:30 to Fri 17:00 (3 working days), resumed: on Tue 17/03 17:00 it is
    // 2 working days over (Mon, Tue), not 5.
    const resumed = makeSlaDossier({ supplement_periods: [{ ...requested, completed_at: at('2026-03-13T17:00') }] });
    const [instance] = evaluateRules(dos01, makeSnapshot({ dossiers: [resumed] }), at('2026-03-17T17:00'), cal);
    expect(instance?.details).toEqual({ overdueWorkingDays: 2 });
  });

  it('ignores finished dossiers and dossiers not received', () => {
    const dossiers = [makeSlaDossier({ status: 'resolved' }), makeSlaDossier({ status: 'awaiting_reception', received_at: null })];
    expect(evaluateRules(dos01, makeSnapshot({ dossiers }), at('2026-03-20T09:00'), cal)).toEqual([]);
  });
});

describe('evaluateRules: other dossier rules', () => {
  it('DOS-02 lists dossiers due within 8 working hours: Friday 16:00 for Monday 11:30 is, Friday 09:00 is not', () => {
    const snapshot = makeSnapshot({ dossiers: [makeSlaDossier({ due_at: at('2026-03-16T11:30') })] });
    expect(evaluateRules([rule('DOS-02')], snapshot, at('2026-03-13T16:00'), cal)).toMatchObject([
      { dedupKey: 'DOS-02|agency=STP', severity: 'info', count: 1 },
    ]);
    expect(evaluateRules([rule('DOS-02')], snapshot, at('2026-03-13T09:00'), cal)).toEqual([]);
  });

  it('DOS-03 fires after a working day overdue with no apology: Friday 17:00 due, not over the weekend, Monday 17:00 yes', () => {
    const late = makeSlaDossier({ due_at: at('2026-03-13T17:00') });
    const apologised = makeSlaDossier({ due_at: at('2026-03-13T17:00'), apology_issued_at: at('2026-03-16T08:00') });
    const snapshot = makeSnapshot({ dossiers: [late, apologised] });
    expect(evaluateRules([rule('DOS-03')], snapshot, at('2026-03-15T20:00'), cal)).toEqual([]);
    expect(evaluateRules([rule('DOS-03')], snapshot, at('2026-03-16T16:59'), cal)).toEqual([]);
    expect(evaluateRules([rule('DOS-03')], snapshot, at('2026-03-16T17:00'), cal)).toMatchObject([
      { count: 1, linkedIds: [`dvc/${late.source_id}`] },
    ]);
  });

  it('DOS-05 counts open dossiers asked for supplementation twice or more', () => {
    const period = { requested_at: at('2026-03-03T09:00'), completed_at: at('2026-03-04T09:00') };
    const dossiers = [makeSlaDossier({ supplement_periods: [period] }), makeSlaDossier({ supplement_periods: [period, period] })];
    expect(evaluateRules([rule('DOS-05')], makeSnapshot({ dossiers }), at('2026-03-05T09:00'), cal)).toMatchObject([
      { dedupKey: 'DOS-05|agency=STP', severity: 'info', count: 1 },
    ]);
  });

  it('groups by commune or for the whole province when the rule says so', () => {
    const dossiers = [makeSlaDossier({ unit_code: '05443' }), makeSlaDossier({ unit_code: '05455', handling_agency_code: 'SYT' })];
    const byUnit = makeRule({ id: 'DOS-91', kind: 'dossier_overdue', groupBy: 'unit' });
    const province = makeRule({ id: 'DOS-92', kind: 'dossier_overdue', groupBy: 'province' });
    const instances = evaluateRules([byUnit, province], makeSnapshot({ dossiers }), at('2026-03-11T09:00'), cal);
    expect(instances.map((i) => [i.dedupKey, i.count, i.agencyCode, i.unitCode])).toEqual([
      ['DOS-91|unit=05443', 1, null, '05443'],
      ['DOS-91|unit=05455', 1, null, '05455'],
      ['DOS-92', 2, null, null],
    ]);
  });
});

describe('evaluateRules: metric, no-data and source rules', () => {
  const d2 = metrics.metrics.find((m) => m.id === 'dossier.on_time_resolution')!;
  const THIRTY_DAYS = 30 * 86_400_000;
  const samples = (finishedNotLate: number, finished: number, agencyCode = 'STP') =>
    rollupMetricSamples(d2, THIRTY_DAYS, [{ agencyCode, received: 0, receivedOnline: 0, finished, finishedNotLate }]);

  it.each([
    ['19/20 is exactly 95 %, not below', 19, 20, null],
    ['189/200 = 94,5 %: warning', 189, 200, 'warning'],
    ['9/10 = 90 % is not below 90 %: warning', 9, 10, 'warning'],
    ['89/100: critical', 89, 100, 'critical'],
    ['5/9: under the 10 finished dossiers judged', 5, 9, null],
    ['0/0 is no data, never a breach', 0, 0, null],
  ])('DOS-06: %s', (_name, notLate, finished, severity) => {
    const instances = evaluateRules([rule('DOS-06')], makeSnapshot({ metrics: samples(notLate, finished) }), at('2026-03-11T09:00'), cal);
    expect(instances.map((i) => i.severity)).toEqual(severity ? [severity] : []);
    if (severity)
      expect(instances[0]).toMatchObject({ dedupKey: 'DOS-06|agency=STP', details: { numerator: notLate, denominator: finished } });
  });

  it('metric_no_data breaches while the province has no denominator over the window', () => {
    const noData = makeRule({ id: 'DOS-93', kind: 'metric_no_data', metric: 'dossier.on_time_resolution', window: '30d' });
    expect(evaluateRules([noData], makeSnapshot({ metrics: samples(0, 0) }), at('2026-03-11T09:00'), cal)).toMatchObject([
      { dedupKey: 'DOS-93' },
    ]);
    expect(evaluateRules([noData], makeSnapshot({ metrics: samples(3, 4) }), at('2026-03-11T09:00'), cal)).toEqual([]);
  });

  it.each([
    ['last pull 10:02:30, now 10:10:00: 7,5 min, warning (domain.md §3.5)', '2026-03-11T10:02:30', 'warning', 7.5],
    ['16 min: critical', '2026-03-11T09:54:00', 'critical', 16],
    ['5 min exactly is not over 5', '2026-03-11T10:05:00', null, null],
    ['never pulled is no data, not stale', null, null, null],
  ])('SRC-01: %s', (_name, lastPull, severity, age) => {
    const sources = [{ source: 'dvc', lastSuccessfulPullAt: lastPull ? at(lastPull) : null, maxSourceUpdatedAt: null }];
    const instances = evaluateRules([rule('SRC-01')], makeSnapshot({ sources }), at('2026-03-11T10:10:00'), cal);
    expect(instances.map((i) => [i.dedupKey, i.severity, i.details.pipelineAgeMinutes])).toEqual(
      severity ? [['SRC-01|source=dvc', severity, age]] : [],
    );
  });

  it.each([
    ['Friday 16:30 to Monday 08:00 is one working hour: quiet, not silent', '2026-03-16T08:00', false],
    ['Friday 16:30 to Monday 10:00 is three working hours: silent', '2026-03-16T10:00', true],
  ])('SRC-02 counts working time only: %s', (_name, now, breached) => {
    const sources = [{ source: 'dvc', lastSuccessfulPullAt: at(now), maxSourceUpdatedAt: at('2026-03-13T16:30') }];
    expect(evaluateRules([rule('SRC-02')], makeSnapshot({ sources }), at(now), cal)).toHaveLength(breached ? 1 : 0);
  });

  it('SRC-02: a source that never sent anything is silent', () => {
    expect(evaluateRules([rule('SRC-02')], makeSnapshot(), at('2026-03-16T10:00'), cal)).toMatchObject([
      { dedupKey: 'SRC-02|source=dvc', labels: { source: 'dvc' }, details: { dataAgeMinutes: null } },
    ]);
  });
});

describe('what the engine reads', () => {
  it('dossierReadPlan: overdue rules need dossiers due by now, DOS-02 by its horizon, DOS-05 by request count', () => {
    const now = at('2026-03-13T16:00');
    expect(dossierReadPlan([rule('DOS-01')], now, cal)).toEqual({ dueBefore: now, minSupplementRequests: null });
    expect(dossierReadPlan(shipped, now, cal)).toEqual({ dueBefore: at('2026-03-16T16:30'), minSupplementRequests: 2 });
    expect(dossierReadPlan([rule('DOS-06')], now, cal)).toEqual({ dueBefore: null, minSupplementRequests: null });
  });

  it('dueSoonHorizon moves a horizon landing on a session end to the next opening, where dueSoon still holds', () => {
    const now = at('2026-03-09T11:00'); // 30 + 210 + 240 working minutes end exactly at Tue 11:30
    expect(dueSoonHorizon(cal, now, 8)).toEqual(at('2026-03-10T13:30'));
    expect(dueSoon(cal, now, at('2026-03-10T13:30'), 8)).toBe(true);
    expect(dueSoon(cal, now, at('2026-03-10T13:31'), 8)).toBe(false);
  });

  it('metricRequests lists each metric and window once', () => {
    expect(metricRequests([...shipped, rule('DOS-06')])).toEqual([
      { metricId: 'dossier.on_time_resolution', windowMilliseconds: 30 * 86_400_000 },
    ]);
  });
});
