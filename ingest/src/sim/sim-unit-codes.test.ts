import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DocumentRecord,
  KpiSampleRecord,
  ProjectRecord,
  dayNumberOf,
  loadCatalogue,
  loadWorkingCalendar,
  seedUnitsFromCatalogue,
  writeDocumentBatch,
  writeKpiSampleBatch,
  writeProjectBatch,
  type Db,
} from '@ioc/core';
import { BACKENDS, openTestDb } from '@ioc/core/testing';
import type { z } from 'zod';
import { documentWorld } from './document-world';
import { kpiFeedWorld } from './kpi-feed-world';
import { projectWorld } from './project-world';
import { wireAt, type SimEntity, type SimWorld } from './versioned-world';

const catalogue = await loadCatalogue();
const calendar = await loadWorkingCalendar();
const at = (iso: string) => Date.parse(iso);

/** The versions up to `untilMs` of the first `limit` records of `world`, parsed as the pipeline parses them. */
function versionsOf<E extends SimEntity, T>(world: SimWorld<E>, untilMs: number, schema: z.ZodType<T>, limit = Infinity): T[] {
  return world
    .entitiesUpTo(untilMs)
    .slice(0, limit)
    .flatMap((e) => e.times.flatMap((t, k) => (t <= untilMs ? [schema.parse(wireAt(world, e, k + 1))] : [])));
}

// The writers refuse a record whose unit code the register does not know on its date; the pipeline tests count on
// the simulators never sending one, from the first day of the current units (1 July 2025) on.
describe.each(BACKENDS)('simulated records and the unit register on %s', (backend) => {
  let db: Db;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ db, dispose } = await openTestDb(backend));
    await seedUnitsFromCatalogue(db, catalogue);
  });
  afterAll(() => dispose());

  it('the project world names only communes valid on each update date in its first months (from July 2025)', async () => {
    // Its first three months: the world runs for years, the register's boundary is at the start.
    const projects = versionsOf(projectWorld({ catalogue, calendar, seed: 7 }), at('2025-10-01T00:00:00+07:00'), ProjectRecord);
    expect(projects.some((p) => p.last_update_at! < new Date('2025-08-01T00:00:00+07:00'))).toBe(true);
    const result = await writeProjectBatch(db, 'csdldt', projects, null);
    expect(result.refusals).toEqual([]);
    expect(result.accepted).toBe(projects.length);
  });

  it('the KPI feed names only the province and communes valid at each sample, on 1 July 2025 and later', async () => {
    for (const day of ['2025-07-01', '2026-03-11']) {
      const firstDay = dayNumberOf(calendar, at(`${day}T12:00:00+07:00`));
      const samples = versionsOf(kpiFeedWorld({ catalogue, calendar, seed: 7, firstDay }), at(`${day}T23:59:00+07:00`), KpiSampleRecord);
      expect(new Set(samples.map((s) => s.unit_code))).toContain('19');
      const result = await writeKpiSampleBatch(db, 'kpi', samples, null);
      expect(result.refusals).toEqual([]);
    }
  });

  it('the document world never names a lead unit the register refuses', async () => {
    const firstDay = dayNumberOf(calendar, at('2026-03-11T12:00:00+07:00'));
    const world = documentWorld({ catalogue, calendar, seed: 7, firstDay });
    const documents = versionsOf(world, at('2026-03-11T23:59:00+07:00'), DocumentRecord, 1000);
    expect(documents.some((d) => d.lead_unit_code !== null)).toBe(true);
    const result = await writeDocumentBatch(db, calendar, 'qlvb', documents, null);
    expect(result.refusals).toEqual([]);
  });
});
