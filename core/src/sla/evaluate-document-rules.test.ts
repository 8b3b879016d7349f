import { describe, expect, it } from 'vitest';
import { loadWorkingCalendar } from '../calendar/load-calendar';
import { loadMetricCatalogue } from '../metrics/load-metric-catalogue';
import { dueSoonHorizon } from './dossier-sla';
import { documentReadPlan, type SlaDocument } from './evaluate-document-rules';
import { evaluateRules } from './evaluate-rules';
import { loadRules } from './load-rules';
import type { AlertRule } from './rule.schema';
import { at, makeRule, makeSnapshot } from './sla-test-support';

const cal = await loadWorkingCalendar();
const shipped = await loadRules(await loadMetricCatalogue());
const rule = (id: string): AlertRule => shipped.find((r) => r.id === id)!;

let sequence = 0;
/** An open incoming document of STP, assigned, due Tuesday 10/03/2026 17:00; fresh id each call. */
function makeDocument(overrides: Partial<SlaDocument> = {}): SlaDocument {
  sequence += 1;
  return {
    source_system: 'qlvb',
    source_id: `VB${String(sequence).padStart(5, '0')}`,
    direction: 'incoming',
    agency_code: 'STP',
    urgency: 'normal',
    status: 'in_progress',
    deadline_at: at('2026-03-10T17:00'),
    completed_at: null,
    ...overrides,
  };
}

const evaluate = (rules: AlertRule[], documents: SlaDocument[], now: string) =>
  evaluateRules(rules, makeSnapshot({ documents, agencyUnitCodes: new Map([['STP', '19']]) }), at(now), cal);

describe('evaluateRules: DOC-01 incoming documents past their deadline', () => {
  const doc01 = [rule('DOC-01')];

  it.each([
    ['16:59:59, a second before', '2026-03-10T16:59:59', 0],
    ['17:00:00, the deadline itself (overdue is now > deadline_at, as V2)', '2026-03-10T17:00:00', 0],
    ['17:00:01, with no new data in between', '2026-03-10T17:00:01', 1],
  ])('a document due at 17:00, evaluated at %s', (_name, now, expected) => {
    expect(evaluate(doc01, [makeDocument()], now)).toHaveLength(expected);
  });

  it('groups an agency’s overdue documents into one alert counting them, linked by source_system/source_id', () => {
    const stp = Array.from({ length: 3 }, () => makeDocument());
    const sxd = makeDocument({ agency_code: 'SXD' });
    const instances = evaluate(doc01, [...stp, sxd], '2026-03-11T09:00');
    expect(instances.map((i) => [i.dedupKey, i.count, i.agencyCode, i.unitCode, i.severity])).toEqual([
      ['DOC-01|agency=STP', 3, 'STP', '19', 'warning'],
      ['DOC-01|agency=SXD', 1, 'SXD', null, 'warning'],
    ]);
    expect(instances[0]!.linkedIds).toEqual(stp.map((d) => `qlvb/${d.source_id}`).sort());
    expect(instances[0]!.labels).toEqual({ domain: 'document', audience: 'agency_leader', agency: 'STP' });
    expect(instances[0]!.details).toEqual({ maxUrgency: 'normal', overdueWorkingDays: 0 });
  });

  it.each([
    ['normal, 1 working day over: warning', 'normal', '2026-03-11T17:00', 'warning'],
    ['urgent (khẩn): critical at once', 'urgent', '2026-03-10T17:00:01', 'critical'],
    ['flash (hỏa tốc): critical', 'flash', '2026-03-10T17:00:01', 'critical'],
    ['normal, 4 working days over: warning', 'normal', '2026-03-16T17:00', 'warning'],
    ['normal, 5 working days over (Tue 10 → Tue 17/03): critical', 'normal', '2026-03-17T17:00', 'critical'],
  ] as const)('escalates per domain.md §4: %s', (_name, urgency, now, severity) => {
    const [instance] = evaluate(doc01, [makeDocument(), makeDocument({ urgency })], now);
    expect(instance?.severity).toBe(severity);
  });

  it('counts a deadline across Tết in working days: Fri 13/02 17:00 to Mon 23/02 17:00 is 1 day over, not 10', () => {
    const documents = [makeDocument({ deadline_at: at('2026-02-13T17:00') })];
    expect(evaluate(doc01, documents, '2026-02-18T10:00')[0]).toMatchObject({
      severity: 'warning',
      details: { overdueWorkingDays: 0 },
    });
    expect(evaluate(doc01, documents, '2026-02-23T17:00')[0]).toMatchObject({ severity: 'warning', details: { overdueWorkingDays: 1 } });
    expect(evaluate(doc01, documents, '2026-02-27T17:00')[0]).toMatchObject({
      severity: 'critical',
      details: { overdueWorkingDays: 5 },
    });
  });

  it('ignores completed, returned and outgoing documents, and those without a deadline', () => {
    const documents = [
      makeDocument({ status: 'completed', completed_at: at('2026-03-10T18:00') }),
      makeDocument({ status: 'returned' }),
      makeDocument({ direction: 'outgoing', status: 'in_approval' }),
      makeDocument({ deadline_at: null }),
    ];
    expect(evaluate(doc01, documents, '2026-03-20T09:00')).toEqual([]);
  });

  it('groups for the province when asked, with no agency', () => {
    const provincial = makeRule({ id: 'DOC-91', kind: 'document_overdue', groupBy: 'province' });
    const [instance] = evaluate([provincial], [makeDocument(), makeDocument({ agency_code: 'SXD' })], '2026-03-11T09:00');
    expect(instance).toMatchObject({ dedupKey: 'DOC-91', agencyCode: null, unitCode: null, count: 2 });
  });
});

describe('evaluateRules: DOC-04 incoming documents due soon', () => {
  const doc04 = [rule('DOC-04')];

  it('counts working hours over a weekend: due Mon 09:30 is due soon from Fri 13:30 (5.5 h left), not Thu', () => {
    const documents = [makeDocument({ deadline_at: at('2026-03-16T09:30') })];
    expect(evaluate(doc04, documents, '2026-03-12T13:30')).toEqual([]);
    expect(evaluate(doc04, documents, '2026-03-13T13:30')).toMatchObject([{ ruleId: 'DOC-04', severity: 'info', count: 1 }]);
    expect(evaluate(doc04, documents, '2026-03-16T09:30:01')).toEqual([]);
  });

  it('skips Tết: due Mon 23/02 09:30 is due soon on Fri 13/02 at 13:30, the days off between not counted', () => {
    const documents = [makeDocument({ deadline_at: at('2026-02-23T09:30') })];
    expect(evaluate(doc04, documents, '2026-02-13T13:30')).toHaveLength(1);
    expect(evaluate(doc04, documents, '2026-02-12T13:30')).toEqual([]);
  });
});

describe('documentReadPlan', () => {
  it('reads nothing without document rules, up to now for DOC-01, up to the widest horizon with DOC-04', () => {
    const now = at('2026-03-13T13:30');
    expect(documentReadPlan([rule('DOS-01')], now, cal)).toEqual({ deadlineBefore: null });
    expect(documentReadPlan([rule('DOC-01')], now, cal)).toEqual({ deadlineBefore: now });
    expect(documentReadPlan([rule('DOC-01'), rule('DOC-04')], now, cal)).toEqual({ deadlineBefore: dueSoonHorizon(cal, now, 8) });
    expect(dueSoonHorizon(cal, now, 8)).toEqual(at('2026-03-16T14:00'));
  });
});
