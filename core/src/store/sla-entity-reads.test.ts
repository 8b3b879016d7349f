import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadWorkingCalendar } from '../calendar/load-calendar';
import type { DocumentWire } from '../contracts/document';
import type { ProjectWire } from '../contracts/project';
import { BACKENDS, makeDocument, makeProject, openTestDb } from '../testing';
import type { Db } from './db';
import { readSlaDocuments, writeDocumentBatch } from './document.queries';
import { readSlaProjects, writeProjectBatch } from './project.queries';

const cal = await loadWorkingCalendar();
const at = (local: string) => new Date(`${local}+07:00`);

/** An assigned incoming document of STP due Tuesday 10/03/2026 17:00, its id named for what the assertions read. */
const document = (id: string, overrides: Partial<DocumentWire> = {}) =>
  makeDocument({ source_id: id, agency_code: 'STP', deadline_at: '2026-03-10T17:00:00+07:00', status: 'assigned', ...overrides });

/** A non-budget industrial project of SCT, half planned and 45 % done, last updated 02/03/2026. */
const project = (id: string, overrides: Partial<ProjectWire> = {}) =>
  makeProject({
    source_id: id,
    source_updated_at: '2026-03-02T09:00:00+07:00',
    name: 'Cụm công nghiệp',
    sector: 'Công nghiệp',
    funding_kind: 'non_budget',
    investor_name: 'Công ty cổ phần',
    investor_kind: 'enterprise',
    managing_agency_code: 'SCT',
    total_investment_vnd: 300_000_000_000,
    progress_planned_pct: 50,
    progress_actual_pct: 45,
    last_update_at: '2026-03-02T09:00:00+07:00',
    ...overrides,
  });

describe.each(BACKENDS)('SLA reads of documents and projects on %s', (backend) => {
  let db: Db;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ db, dispose } = await openTestDb(backend));
    await writeDocumentBatch(
      db,
      cal,
      'qry',
      [
        document('due-tuesday'),
        document('due-friday', { deadline_at: '2026-03-13T17:00:00+07:00' }),
        document('no-deadline', { deadline_at: null }),
        document('completed', { status: 'completed', completed_at: '2026-03-10T10:00:00+07:00' }),
        document('returned', { status: 'returned' }),
        document('outgoing', { direction: 'outgoing', status: 'in_approval', received_at: null }),
      ],
      null,
    );
    await writeProjectBatch(
      db,
      'qry',
      [
        project('flagged', { behind_schedule: true, managing_agency_code: 'SXD', last_update_at: '2026-01-20T09:00:00+07:00' }),
        project('past-completion', { planned_completion: '2026-03-10' }),
        project('behind-plan', { progress_planned_pct: 60, progress_actual_pct: 49.5 }),
        project('on-plan', { managing_agency_code: 'SXD', last_update_at: null, last_update_kind: null }),
        project('finished', { stage: 'completed', actual_completion: '2026-02-01', behind_schedule: true, managing_agency_code: 'SNV' }),
      ],
      null,
    );
  });
  afterAll(() => dispose());

  const ids = (rows: { source_id: string }[]) => rows.map((r) => r.source_id).sort();

  it('readSlaDocuments: open incoming documents with a deadline by the plan, nothing without a plan', async () => {
    expect(await readSlaDocuments(db, { deadlineBefore: null })).toEqual([]);
    expect(ids(await readSlaDocuments(db, { deadlineBefore: at('2026-03-11T09:00') }))).toEqual(['due-tuesday']);
    const read = await readSlaDocuments(db, { deadlineBefore: at('2026-03-13T17:00') });
    expect(ids(read)).toEqual(['due-friday', 'due-tuesday']);
    // Extending the read up to Wednesday to Friday: only what the wider bound adds.
    expect(ids(await readSlaDocuments(db, { deadlineBefore: at('2026-03-13T17:00') }, undefined, at('2026-03-11T09:00')))).toEqual([
      'due-friday',
    ]);
    expect(await readSlaDocuments(db, { deadlineBefore: at('2026-03-13T16:59') }, undefined, at('2026-03-10T17:00'))).toEqual([]);
    expect(read.find((d) => d.source_id === 'due-friday')).toEqual({
      source_system: 'qry',
      source_id: 'due-friday',
      direction: 'incoming',
      agency_code: 'STP',
      urgency: 'normal',
      status: 'assigned',
      deadline_at: at('2026-03-13T17:00'),
      completed_at: null,
    });
  });

  it('readSlaProjects: active projects that may be delayed, and those of agencies not updated since the plan’s instant', async () => {
    expect(await readSlaProjects(db, { delayedOn: null, updatedBefore: null })).toEqual({ projects: [], agencyLastUpdates: new Map() });
    const delayed = await readSlaProjects(db, { delayedOn: '2026-03-11', updatedBefore: null });
    expect(ids(delayed.projects)).toEqual(['behind-plan', 'flagged', 'past-completion']);
    expect(delayed.projects.find((p) => p.source_id === 'behind-plan')).toMatchObject({
      planned_completion: '2027-12-31',
      progress_planned_pct: 60,
      progress_actual_pct: 49.5,
      last_update_at: at('2026-03-02T09:00'),
    });

    // SXD's newest update (20/01) is before 10/02: both its active projects are read; SCT updated 02/03, SNV has none active.
    const late = await readSlaProjects(db, { delayedOn: null, updatedBefore: at('2026-02-10T00:00') });
    expect(ids(late.projects)).toEqual(['flagged', 'on-plan']);
    expect(late.agencyLastUpdates).toEqual(
      new Map([
        ['SCT', at('2026-03-02T09:00')],
        ['SXD', at('2026-01-20T09:00')],
      ]),
    );
  });
});
