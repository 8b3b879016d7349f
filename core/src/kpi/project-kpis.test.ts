import { describe, expect, it } from 'vitest';
import { formatPercentVi } from './kpi-display';
import { isProjectDelayed, type ProjectScheduleFacts } from './project-delay';
import { ZERO_PROJECT_COUNTERS, agencyUpdateCompliance, disbursement, projectUpdateCompliance } from './project-kpis';
import { updateCycleAt, updateCycleOf, updatesInCycle } from './project-update-cycle';
import { sumCounters } from './ratio';

const at = (local: string) => new Date(`${local}+07:00`);
const BILLION = 1_000_000_000;

describe('P2 disbursement', () => {
  it('plans 100, 50, 30, 20, 0 and disbursed 40, 10, 30, 5, 0 (billion VND) → 85/200 = 42,5%', () => {
    const projects = [
      [100, 40],
      [50, 10],
      [30, 30],
      [20, 5],
      [0, 0],
    ].map(([plan = 0, disbursed = 0]) => ({
      ...ZERO_PROJECT_COUNTERS,
      yearPlanVnd: plan * BILLION,
      disbursedYearVnd: disbursed * BILLION,
    }));
    const k = disbursement(sumCounters(ZERO_PROJECT_COUNTERS, projects));
    expect(k).toMatchObject({ numerator: 85 * BILLION, denominator: 200 * BILLION });
    expect(formatPercentVi(k)).toBe('42,5%');
  });

  it('an agency whose plans sum to 0 shows no data', () => {
    expect(disbursement(ZERO_PROJECT_COUNTERS).value).toBeNull();
  });
});

describe('the monthly update cycle [000 Art 6.2]', () => {
  it('March 2026 runs from 10/02 00:00 to 10/03 00:00 province time', () => {
    expect(updateCycleOf('2026-03')).toEqual({ month: '2026-03', start: at('2026-02-10T00:00'), end: at('2026-03-10T00:00') });
  });

  it('January closes a cycle that starts in December', () => {
    expect(updateCycleOf('2026-01').start).toEqual(at('2025-12-10T00:00'));
  });

  it.each([
    ['2026-02-09T23:59:59', '2026-02'],
    ['2026-02-10T00:00:00', '2026-03'],
    ['2026-03-09T23:59:59', '2026-03'],
    ['2026-03-10T00:00:00', '2026-04'],
    ['2025-12-15T08:00:00', '2026-01'],
  ])('at %s the %s cycle is running', (now, month) => {
    expect(updateCycleAt(at(now)).month).toBe(month);
  });
});

describe('P3 and P4 update compliance, March 2026', () => {
  const cycle = updateCycleOf('2026-03');
  const agencies = Array.from({ length: 30 }, (_, i) => `AG${i + 1}`);

  it('24 of 30 agencies updated → 80,0%, and the 6 others are alerted at 10/03 00:00', () => {
    const updates = agencies
      .slice(0, 24)
      .map((key, i) => ({ key, updatedAt: at(`2026-02-${String(10 + (i % 18)).padStart(2, '0')}T09:00`) }));
    const { updated, missing } = updatesInCycle(agencies, updates, cycle);
    const k = agencyUpdateCompliance({ ...ZERO_PROJECT_COUNTERS, agenciesUpdated: updated.length, agenciesObliged: agencies.length });
    expect(formatPercentVi(k)).toBe('80,0%');
    expect(missing).toEqual(['AG25', 'AG26', 'AG27', 'AG28', 'AG29', 'AG30']);
  });

  it('counts an update at the cycle start, not one a second before it or one at its end', () => {
    const updates = [
      { key: 'AG1', updatedAt: at('2026-02-10T00:00:00') },
      { key: 'AG2', updatedAt: at('2026-02-09T23:59:59') },
      { key: 'AG3', updatedAt: at('2026-03-10T00:00:00') },
      { key: 'AG4', updatedAt: at('2026-03-09T23:59:59') },
      { key: 'NOT-OBLIGED', updatedAt: at('2026-03-01T09:00') },
    ];
    expect(updatesInCycle(['AG1', 'AG2', 'AG3', 'AG4', 'AG4'], updates, cycle)).toEqual({
      updated: ['AG1', 'AG4'],
      missing: ['AG2', 'AG3'],
    });
  });

  it('96 of 120 active projects updated → 80,0%', () => {
    expect(formatPercentVi(projectUpdateCompliance({ ...ZERO_PROJECT_COUNTERS, projectsUpdated: 96, activeProjects: 120 }))).toBe('80,0%');
  });

  it('no obliged agency means no data', () => {
    expect(agencyUpdateCompliance(ZERO_PROJECT_COUNTERS).value).toBeNull();
  });
});

describe('isProjectDelayed (P1)', () => {
  const now = at('2026-03-10T09:00');
  const project = (o: Partial<ProjectScheduleFacts>): ProjectScheduleFacts => ({
    stage: 'in_implementation',
    behind_schedule: false,
    planned_completion: '2027-12-31',
    progress_planned_pct: 50,
    progress_actual_pct: 50,
    ...o,
  });

  it.each([
    ['on plan', {}, false],
    ['flagged behind schedule by its agency', { behind_schedule: true }, true],
    ['past its planned completion', { planned_completion: '2026-03-09' }, true],
    ['due to complete today', { planned_completion: '2026-03-10' }, false],
    ['10 points behind plan', { progress_actual_pct: 40 }, false],
    ['10,5 points behind plan', { progress_actual_pct: 39.5 }, true],
    ['progress unknown', { progress_planned_pct: null, progress_actual_pct: null }, false],
    ['suspended and flagged', { stage: 'suspended', behind_schedule: true }, true],
    ['completed late', { stage: 'completed', planned_completion: '2025-01-01' }, false],
    ['terminated and flagged', { stage: 'terminated', behind_schedule: true }, false],
  ] as const)('%s → %s', (_name, o, expected) => {
    expect(isProjectDelayed(project(o), now)).toBe(expected);
  });
});
