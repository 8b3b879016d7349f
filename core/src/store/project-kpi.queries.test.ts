import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KpiSampleRecord, type KpiSampleWire } from '../contracts/kpi-sample';
import { ProjectRecord, type ProjectWire } from '../contracts/project';
import { agencyUpdateCompliance, disbursement, projectUpdateCompliance } from '../kpi/project-kpis';
import { updateCycleOf } from '../kpi/project-update-cycle';
import { BACKENDS, makeKpiSample, makeProject, openTestDb } from '../testing';
import type { Db } from './db';
import { kpiSampleTotals, writeKpiSampleBatch } from './kpi-sample.queries';
import { projectCounters, projectUpdateCounts, writeProjectBatch } from './project.queries';

/** A project of SXD last updated 20/02/2026, 40 of the 100 planned for this year disbursed. */
const project = (overrides: Partial<ProjectWire> = {}) =>
  makeProject({
    source_updated_at: '2026-02-20T09:00:00+07:00',
    year_plan_vnd: 100,
    disbursed_year_vnd: 40,
    last_update_at: '2026-02-20T09:00:00+07:00',
    ...overrides,
  });

/** A hotline sample of 05443 on 11/03/2026: 9 answered of 10. */
const sample = (overrides: Partial<KpiSampleWire> = {}) =>
  makeKpiSample({ source_updated_at: '2026-03-11T10:05:00+07:00', ts: '2026-03-11T10:00:00+07:00', ...overrides });

describe.each(BACKENDS)('project and KPI-sample stores on %s', (backend) => {
  let db: Db;
  let dispose: () => Promise<void>;
  beforeAll(async () => ({ db, dispose } = await openTestDb(backend)));
  afterAll(() => dispose());

  it('projectCounters gives P2, P3 and P4 of the March 2026 cycle from the stored projects and updates', async () => {
    const march = updateCycleOf('2026-03');
    const updated = project();
    const stale = project({ last_update_at: '2026-01-20T09:00:00+07:00', year_plan_vnd: 100, disbursed_year_vnd: 45 });
    const lateOne = project({ managing_agency_code: 'SNNMT', last_update_at: '2026-03-10T08:00:00+07:00' });
    await writeProjectBatch(db, 'csdl', [updated, stale, lateOne], null);
    const c = await projectCounters(db, new Date('2026-03-10T00:00:00+07:00'), march);
    expect(disbursement(c.get('SXD')!)).toMatchObject({ numerator: 85, denominator: 200 });
    expect(projectUpdateCompliance(c.get('SXD')!)).toMatchObject({ numerator: 1, denominator: 2 });
    // SNNMT updated on the 10th: after the deadline, so not in the March cycle [000 Art 6.2].
    expect(agencyUpdateCompliance(c.get('SNNMT')!)).toMatchObject({ numerator: 0, denominator: 1 });
    expect(agencyUpdateCompliance(c.get('SXD')!)).toMatchObject({ numerator: 1, denominator: 1 });
  });

  it('writeProjectBatch counts a new monthly update once, and not a correction nor a replay', async () => {
    const p = project({ managing_agency_code: 'SCT' });
    const correction = ProjectRecord.parse({ ...JSON.parse(JSON.stringify(p)), version: 2, name: 'Đường liên xã (sửa tên)' });
    const april = ProjectRecord.parse({
      ...JSON.parse(JSON.stringify(p)),
      version: 3,
      source_updated_at: '2026-03-05T09:00:00+07:00',
      last_update_at: '2026-03-05T09:00:00+07:00',
    });
    await writeProjectBatch(db, 'csdl', [p, correction, april], null);
    const replay = await writeProjectBatch(db, 'csdl', [p, correction, april], null);
    expect(replay.accepted).toBe(0);
    const counts = await projectUpdateCounts(db, new Date('2026-02-01T00:00:00+07:00'), new Date('2026-04-01T00:00:00+07:00'));
    expect(counts.get('SCT')).toBe(2);
    expect((await db.query("select count(*)::int as n from project_update where agency_code = 'SCT'")).rows[0]).toEqual({ n: 3 });
  });

  it('writeKpiSampleBatch sums numerators and denominators, moves a corrected sample, and ignores replays', async () => {
    const a = sample();
    const b = sample({ numerator: 5, denominator: 10 });
    await writeKpiSampleBatch(db, 'kpi', [a, b], null);
    const corrected = KpiSampleRecord.parse({ ...JSON.parse(JSON.stringify(a)), version: 2, numerator: 10 });
    await writeKpiSampleBatch(db, 'kpi', [corrected, a, b], null);
    await writeKpiSampleBatch(db, 'kpi', [corrected, a, b], null);
    const totals = await kpiSampleTotals(db, new Date('2026-03-11T00:00:00+07:00'), new Date('2026-03-12T00:00:00+07:00'));
    expect(totals).toEqual([{ metricId: 'hotline.answered', scopeCode: '05443', numerator: 15, denominator: 20, samples: 2 }]);
    expect((await db.query('select count(*)::int as n from kpi_sample')).rows[0]).toEqual({ n: 3 });
  });
});
