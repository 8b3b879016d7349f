import { describe, expect, it } from 'vitest';
import { loadWorkingCalendar } from '../calendar/load-calendar';
import { loadMetricCatalogue } from '../metrics/load-metric-catalogue';
import { evaluateRules, type AlertInstance } from './evaluate-rules';
import { loadRules } from './load-rules';
import type { AlertRule, DossierRule } from './rule.schema';
import { at, makeSlaDossier, makeSnapshot } from './sla-test-support';

const cal = await loadWorkingCalendar();
const shipped = await loadRules(await loadMetricCatalogue());
const rule = (id: string) => shipped.find((r) => r.id === id)! as DossierRule;
const copy = (base: DossierRule, id: string, fields: Partial<DossierRule> = {}): AlertRule => ({ ...base, id, ...fields }) as AlertRule;

/** The bench's shape: the shipped dossier rules, then copies grouped per agency and per commune, another severity. */
const rules: AlertRule[] = [
  rule('DOS-01'),
  rule('DOS-02'),
  rule('DOS-03'),
  rule('DOS-05'),
  copy(rule('DOS-01'), 'BR-001', { groupBy: 'unit' }),
  copy(rule('DOS-01'), 'BR-002', { severity: 'critical', labels: { domain: 'dossier', audience: 'leader' } }),
  copy(rule('DOS-03'), 'BR-003', { groupBy: 'unit', afterWorkingDays: 2 }),
  copy(rule('DOS-02'), 'BR-004', { groupBy: 'province' }),
];

/** Each rule evaluated on its own: what the shared groupings must reproduce. */
const oneByOne = (snapshot: ReturnType<typeof makeSnapshot>, now: Date): AlertInstance[] =>
  rules
    .flatMap((r) => evaluateRules([r], snapshot, now, cal))
    .sort((a, b) => (a.dedupKey < b.dedupKey ? -1 : a.dedupKey > b.dedupKey ? 1 : 0));

const summary = (instances: readonly AlertInstance[]) => instances.map((i) => [i.dedupKey, i.severity, i.count, i.linkedIds]);

describe('evaluateRules: dossier rules sharing a grouping', () => {
  const stp = [
    makeSlaDossier({ due_at: at('2026-03-10T17:00') }),
    makeSlaDossier({ due_at: at('2026-03-09T17:00') }),
    makeSlaDossier({ due_at: at('2026-03-11T10:00'), unit_code: '05455' }),
  ];
  const syt = [makeSlaDossier({ handling_agency_code: 'SYT', unit_code: '05455', due_at: at('2026-03-06T17:00') })];

  it('gives every rule the instances it gets evaluated alone, across groupings, thresholds and severities', () => {
    const snapshot = makeSnapshot({ dossiers: [...stp, ...syt] });
    const now = at('2026-03-11T09:00');
    const together = evaluateRules(rules, snapshot, now, cal);
    expect(together).toEqual(oneByOne(snapshot, now));
    expect(summary(together.filter((i) => i.ruleId === 'BR-002'))).toEqual([
      ['BR-002|agency=STP', 'critical', 2, [`dvc/${stp[0]!.source_id}`, `dvc/${stp[1]!.source_id}`].sort()],
      ['BR-002|agency=SYT', 'critical', 1, [`dvc/${syt[0]!.source_id}`]],
    ]);
    expect(together.find((i) => i.dedupKey === 'BR-002|agency=STP')!.labels).toEqual({
      domain: 'dossier',
      audience: 'leader',
      agency: 'STP',
    });
  });

  it('fires at 17:00:01 on the very snapshot that was quiet at 16:59:59: nothing computed for one instant is reused at the next', () => {
    const due = makeSlaDossier({ due_at: at('2026-03-10T17:00') });
    const snapshot = makeSnapshot({ dossiers: [due] });
    const before = evaluateRules(rules, snapshot, at('2026-03-10T16:59:59'), cal);
    expect(before.filter((i) => i.ruleId === 'DOS-01' || i.ruleId === 'BR-001')).toEqual([]);
    const after = evaluateRules(rules, snapshot, at('2026-03-10T17:00:01'), cal);
    expect(summary(after.filter((i) => i.ruleId === 'DOS-01' || i.ruleId === 'BR-001'))).toEqual([
      ['BR-001|unit=05443', 'warning', 1, [`dvc/${due.source_id}`]],
      ['DOS-01|agency=STP', 'warning', 1, [`dvc/${due.source_id}`]],
    ]);
    expect(after).toEqual(oneByOne(snapshot, at('2026-03-10T17:00:01')));
  });

  it('follows a dossier’s new event between evaluations, and never changes what an earlier evaluation returned', () => {
    const now = at('2026-03-12T15:00');
    const first = evaluateRules(rules, makeSnapshot({ dossiers: [...stp, ...syt] }), now, cal);
    const firstStp = first.find((i) => i.dedupKey === 'DOS-01|agency=STP')!;
    const idsBefore = [...firstStp.linkedIds];
    expect(firstStp.count).toBe(3);

    // The same data again: equal answers, and the unchanged ids are the very array already held.
    const again = evaluateRules(rules, makeSnapshot({ dossiers: [...stp, ...syt] }), now, cal);
    expect(again).toEqual(first);
    expect(again.find((i) => i.dedupKey === 'DOS-01|agency=STP')!.linkedIds).toBe(firstStp.linkedIds);

    // One dossier finishes and another gets its apology slip: the next evaluation sees both, the earlier one is intact.
    const [finished, apologised, open] = stp;
    const changed = [{ ...finished!, status: 'resolved' as const }, { ...apologised!, apology_issued_at: at('2026-03-11T08:00') }, open!];
    const next = evaluateRules(rules, makeSnapshot({ dossiers: [...changed, ...syt] }), now, cal);
    expect(next).toEqual(oneByOne(makeSnapshot({ dossiers: [...changed, ...syt] }), now));
    expect(summary(next.filter((i) => i.dedupKey === 'DOS-01|agency=STP' || i.dedupKey === 'DOS-03|agency=STP'))).toEqual([
      ['DOS-01|agency=STP', 'warning', 2, [`dvc/${apologised!.source_id}`, `dvc/${open!.source_id}`].sort()],
      ['DOS-03|agency=STP', 'warning', 1, [`dvc/${open!.source_id}`]],
    ]);
    expect(firstStp.linkedIds).toEqual(idsBefore);
    expect(firstStp.count).toBe(3);
  });
});
