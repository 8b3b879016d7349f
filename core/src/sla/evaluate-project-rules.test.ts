import { describe, expect, it } from 'vitest';
import { loadWorkingCalendar } from '../calendar/load-calendar';
import { loadMetricCatalogue } from '../metrics/load-metric-catalogue';
import { lastClosedUpdateCycle, projectAgencyLastUpdates, projectReadPlan, type SlaProject } from './evaluate-project-rules';
import { evaluateRules } from './evaluate-rules';
import { loadRules, parseRuleFiles, RuleFileError } from './load-rules';
import type { AlertRule } from './rule.schema';
import { at, makeSnapshot } from './sla-test-support';

const cal = await loadWorkingCalendar();
const metrics = await loadMetricCatalogue();
const shipped = await loadRules(metrics);
const rule = (id: string): AlertRule => shipped.find((r) => r.id === id)!;
const TZ = 'Asia/Ho_Chi_Minh';

let sequence = 0;
/** An active project of SXD on schedule, last updated Thursday 05/02/2026 (in the cycle that closed on 10/02). */
function makeProject(overrides: Partial<SlaProject> = {}): SlaProject {
  sequence += 1;
  return {
    source_system: 'csdldt',
    source_id: `DA${String(sequence).padStart(5, '0')}`,
    managing_agency_code: 'SXD',
    stage: 'in_implementation',
    behind_schedule: false,
    planned_completion: '2027-12-31',
    progress_planned_pct: 40,
    progress_actual_pct: 35,
    last_update_at: at('2026-02-05T10:00'),
    ...overrides,
  };
}

/** Every project given is the province's whole list, as the store's per-agency figures would be. */
const evaluate = (rules: AlertRule[], projects: SlaProject[], now: string) =>
  evaluateRules(
    rules,
    makeSnapshot({ projects, projectAgencyLastUpdates: projectAgencyLastUpdates(projects), agencyUnitCodes: new Map([['SXD', '19']]) }),
    at(now),
    cal,
  );

describe('evaluateRules: PRJ-02 agencies that missed the monthly update before the 10th [000 Art 6.2]', () => {
  const prj02 = [rule('PRJ-02')];

  it.each([
    ['on the 9th, the March cycle still running', '2026-03-09T23:59:59', 0],
    ['at 00:00 on the 10th, the deadline', '2026-03-10T00:00', 1],
    ['on the 11th, with no new data', '2026-03-11T08:00', 1],
  ])('an agency last updated 05/02: %s', (_name, now, expected) => {
    expect(evaluate(prj02, [makeProject(), makeProject()], now)).toHaveLength(expected);
  });

  it('fires once per agency, counting and linking its active projects, warning, then critical on the 20th', () => {
    const sxd = [makeProject(), makeProject({ last_update_at: null })];
    const completed = makeProject({ stage: 'completed' });
    const [eleventh] = evaluate(prj02, [...sxd, completed], '2026-03-11T08:00');
    expect(eleventh).toMatchObject({
      dedupKey: 'PRJ-02|agency=SXD',
      agencyCode: 'SXD',
      unitCode: '19',
      severity: 'warning',
      count: 2,
      details: { cycle: '2026-03', lastUpdateAt: at('2026-02-05T10:00').toISOString() },
    });
    expect(eleventh!.linkedIds).toEqual(sxd.map((p) => `csdldt/${p.source_id}`).sort());
    expect(evaluate(prj02, sxd, '2026-03-19T23:59')[0]?.severity).toBe('warning');
    expect(evaluate(prj02, sxd, '2026-03-20T00:00')[0]?.severity).toBe('critical');
  });

  it('does not fire for an agency that updated in the cycle, nor for one that updates late, nor one with no active project', () => {
    const inCycle = makeProject({ managing_agency_code: 'STP', last_update_at: at('2026-02-10T00:00') });
    const late = makeProject({ managing_agency_code: 'SYT', last_update_at: at('2026-03-12T09:00') });
    const onlyCompleted = makeProject({ managing_agency_code: 'SNV', stage: 'completed', last_update_at: null });
    const lastCycleOnly = makeProject({ managing_agency_code: 'SCT', last_update_at: at('2026-02-09T23:59:59') });
    const instances = evaluate([rule('PRJ-02')], [inCycle, late, onlyCompleted, lastCycleOnly], '2026-03-12T10:00');
    expect(instances.map((i) => i.dedupKey)).toEqual(['PRJ-02|agency=SCT']);
  });

  it('counts one update of any active project for the agency, as P3 does', () => {
    const projects = [makeProject(), makeProject({ last_update_at: at('2026-03-01T09:00') })];
    expect(evaluate([rule('PRJ-02')], projects, '2026-03-11T08:00')).toEqual([]);
  });

  it('takes the cycle in calendar days across Tết and year ends: on 11/01/2027 the January cycle began 10/12/2026', () => {
    expect(lastClosedUpdateCycle(at('2027-01-11T00:00'), TZ)).toMatchObject({ month: '2027-01', start: at('2026-12-10T00:00') });
    const projects = [makeProject({ last_update_at: at('2026-12-09T16:00') })];
    expect(evaluate([rule('PRJ-02')], projects, '2027-01-09T12:00')).toEqual([]);
    expect(evaluate([rule('PRJ-02')], projects, '2027-01-10T00:00')).toHaveLength(1);
    // Tết 2026 (14–22/02) changes nothing: the cycle is calendar days, and the deadline is still 00:00 on 10/03.
    expect(evaluate([rule('PRJ-02')], [makeProject({ last_update_at: at('2026-02-13T16:00') })], '2026-03-11T08:00')).toEqual([]);
  });
});

describe('evaluateRules: PRJ-04 the reminder before the 10th', () => {
  it('reminds from 00:00 on the 7th the agencies with no update yet in the running cycle, as information', () => {
    const projects = [makeProject(), makeProject({ managing_agency_code: 'STP', last_update_at: at('2026-02-15T09:00') })];
    expect(evaluate([rule('PRJ-04')], projects, '2026-03-06T23:59:59')).toEqual([]);
    expect(evaluate([rule('PRJ-04')], projects, '2026-03-07T00:00').map((i) => [i.dedupKey, i.severity])).toEqual([
      ['PRJ-04|agency=SXD', 'info'],
    ]);
    // From the 10th on it is PRJ-02's, and the reminder looks at the next cycle, not due yet.
    expect(evaluate([rule('PRJ-04')], projects, '2026-03-10T00:00')).toEqual([]);
  });
});

describe('evaluateRules: PRJ-01 projects behind schedule [000 Art 4.2]', () => {
  const prj01 = [rule('PRJ-01')];

  it('fires for P1’s three conditions, grouped per managing agency, and ignores finished and on-schedule projects', () => {
    const flagged = makeProject({ behind_schedule: true });
    const pastCompletion = makeProject({ planned_completion: '2026-03-10' });
    const behindPlan = makeProject({ progress_planned_pct: 60, progress_actual_pct: 49 });
    const others = [
      makeProject({ progress_planned_pct: 60, progress_actual_pct: 50 }),
      makeProject({ planned_completion: '2026-03-11' }),
      makeProject({ stage: 'completed', behind_schedule: true }),
      makeProject({ stage: 'terminated', planned_completion: '2020-01-01' }),
    ];
    const [instance, ...rest] = evaluate(prj01, [flagged, pastCompletion, behindPlan, ...others], '2026-03-11T09:00');
    expect(rest).toEqual([]);
    expect(instance).toMatchObject({
      dedupKey: 'PRJ-01|agency=SXD',
      severity: 'warning',
      count: 3,
      details: { maxDaysPastPlannedCompletion: 1 },
    });
    expect(instance!.linkedIds).toEqual([flagged, pastCompletion, behindPlan].map((p) => `csdldt/${p.source_id}`).sort());
  });

  it('is critical once a project is more than 12 months past its planned completion', () => {
    const projects = [makeProject({ planned_completion: '2025-03-10' })];
    expect(evaluate(prj01, projects, '2026-03-10T12:00')[0]).toMatchObject({
      severity: 'warning',
      details: { maxDaysPastPlannedCompletion: 365 },
    });
    expect(evaluate(prj01, projects, '2026-03-11T00:00')[0]?.severity).toBe('critical');
  });

  it('follows the date with one read kept across ticks: the same instance all day, the next day as it is then', () => {
    const projects = [makeProject({ planned_completion: '2025-03-10' }), makeProject({ planned_completion: '2026-03-11' })];
    const snapshot = makeSnapshot({ projects, projectAgencyLastUpdates: projectAgencyLastUpdates(projects) });
    const [morning] = evaluateRules(prj01, snapshot, at('2026-03-10T09:00'), cal);
    expect(morning).toMatchObject({ severity: 'warning', count: 1, details: { maxDaysPastPlannedCompletion: 365 } });
    expect(evaluateRules(prj01, snapshot, at('2026-03-10T23:59:59'), cal)[0]).toBe(morning);
    expect(evaluateRules(prj01, snapshot, at('2026-03-11T00:00'), cal)[0]).toMatchObject({
      severity: 'critical',
      count: 1,
      details: { maxDaysPastPlannedCompletion: 366 },
    });
    expect(evaluateRules(prj01, snapshot, at('2026-03-12T00:00'), cal)[0]).toMatchObject({ count: 2 });
    // PRJ-02 on the same read: the deadline at 00:00 on the 10th.
    const prj02 = [rule('PRJ-02')];
    expect(evaluateRules(prj02, snapshot, at('2026-03-09T23:59:59'), cal)).toEqual([]);
    expect(evaluateRules(prj02, snapshot, at('2026-03-10T00:00'), cal)).toMatchObject([{ dedupKey: 'PRJ-02|agency=SXD', count: 2 }]);
  });
});

describe('projectReadPlan', () => {
  it('reads nothing without project rules; the date for PRJ-01; the latest window start for PRJ-02 and its reminder', () => {
    expect(projectReadPlan([rule('DOS-01')], at('2026-03-11T08:00'), TZ)).toEqual({ delayedOn: null, updatedBefore: null });
    expect(projectReadPlan([rule('PRJ-01')], at('2026-03-11T08:00'), TZ)).toEqual({ delayedOn: '2026-03-11', updatedBefore: null });
    expect(projectReadPlan([rule('PRJ-02'), rule('PRJ-04')], at('2026-03-05T08:00'), TZ)).toEqual({
      delayedOn: null,
      updatedBefore: at('2026-01-10T00:00'),
    });
    expect(projectReadPlan([rule('PRJ-02'), rule('PRJ-04')], at('2026-03-08T08:00'), TZ)).toEqual({
      delayedOn: null,
      updatedBefore: at('2026-02-10T00:00'),
    });
  });
});

describe('document and project rule files', () => {
  const issuesOf = (file: string, text: string): string[] => {
    try {
      parseRuleFiles([{ file, text }], metrics);
    } catch (err) {
      if (err instanceof RuleFileError) return err.issues.map((i) => `${i.file}:${i.line}:${i.column} ${i.path}: ${i.message}`);
      throw err;
    }
    return [];
  };
  const file = (rule: string) => `schemaVersion: 1
rules:
  - id: PRJ-09
    name: { vi: Dự án thử, en: Test project rule }
    basis: '[000 Art 6.2]'
${rule}
    sop:
      - { vi: Gọi cơ quan, en: Call the agency }
`;

  it('name the line of a condition the kind cannot compute, and of a bad reminder', () => {
    const wrongCondition = file(`    kind: project_update_missed
    severity: warning
    escalate:
      - severity: critical
        when: { urgencyAtLeast: urgent }`);
    expect(issuesOf('project.yaml', wrongCondition)).toEqual([
      'project.yaml:10:17 rules.0.escalate.0.when: Unrecognized key: "urgencyAtLeast"',
    ]);
    const badReminder = file(`    kind: project_update_missed
    remindDaysBefore: 0
    severity: info`);
    expect(issuesOf('project.yaml', badReminder)).toEqual([
      'project.yaml:7:23 rules.0.remindDaysBefore: Too small: expected number to be >=1',
    ]);
    const documentTypo = file(`    kind: document_due_soon
    withinWorkingHour: 8
    severity: info`).replace('PRJ-09', 'DOC-09');
    expect(issuesOf('document.yaml', documentTypo)).toEqual([
      'document.yaml:3:5 rules.0.withinWorkingHours: Invalid input: expected number, received undefined',
      'document.yaml:7:5 rules.0: Unrecognized key: "withinWorkingHour"',
    ]);
  });
});
