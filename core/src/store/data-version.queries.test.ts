import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadWorkingCalendar } from '../calendar/load-calendar';
import { makeDossier } from '../../test/dossier-factory';
import { BACKENDS, makeDocument, openTestDb } from '../testing';
import { bumpDataVersion, readDataVersion, readDataVersions } from './data-version.queries';
import type { Db } from './db';
import { writeDocumentBatch } from './document.queries';
import { writeDossierBatch } from './dossier.queries';

const cal = await loadWorkingCalendar();

const dossier = (id: string, version = 1) =>
  makeDossier({
    source_id: id,
    version,
    source_updated_at: '2026-03-09T09:00:00+07:00',
    unit_code: '19',
    received_at: '2026-03-09T09:00:00+07:00',
    time_limit: 1.5,
    time_limit_unit: 'working_day',
    due_at: '2026-03-10T17:00:00+07:00',
    status: 'in_progress',
    status_changed_at: '2026-03-09T09:00:00+07:00',
  });

describe.each(BACKENDS)('data version on %s', (backend) => {
  let db: Db;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ db, dispose } = await openTestDb(backend));
  });
  afterAll(() => dispose());

  it('bumpDataVersion: counts only once committed, and not at all when rolled back', async () => {
    const before = await readDataVersion(db);
    await expect(
      db.transaction(async (tx) => {
        await bumpDataVersion(tx, 'dvc');
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await readDataVersion(db)).toBe(before);

    let inside = '';
    await db.transaction(async (tx) => {
      await bumpDataVersion(tx, 'dvc');
      await bumpDataVersion(tx, 'qlvb');
      inside = await readDataVersion(tx);
    });
    expect(BigInt(inside)).toBe(BigInt(before) + 2n);
    expect(await readDataVersion(db)).toBe(inside);
  });

  it('the dossier and document writers raise it when they store something new, not on a replay', async () => {
    const start = await readDataVersion(db);
    await writeDossierBatch(db, 'dvc', [dossier('D1')], null);
    const afterDossier = await readDataVersion(db);
    expect(BigInt(afterDossier)).toBeGreaterThan(BigInt(start));

    // The same version again changes no row: nothing to announce, nothing for a reader to read again.
    await writeDossierBatch(db, 'dvc', [dossier('D1')], null);
    expect(await readDataVersion(db)).toBe(afterDossier);

    await writeDocumentBatch(db, cal, 'qlvb', [makeDocument({ source_id: 'V1', agency_code: 'STP', status: 'assigned' })], null);
    expect(BigInt(await readDataVersion(db))).toBeGreaterThan(BigInt(afterDossier));
  });

  it('readDataVersions: each kind moves with its own writers, and a write of unknown kind moves every kind', async () => {
    const before = await readDataVersions(db);
    await writeDossierBatch(db, 'dvc', [dossier('D2')], null);
    const afterDossier = await readDataVersions(db);
    expect(afterDossier.of('dossier')).not.toBe(before.of('dossier'));
    expect(afterDossier.of('document')).toBe(before.of('document'));
    expect(afterDossier.of('project', 'kpi')).toBe(before.of('project', 'kpi'));

    await writeDocumentBatch(db, cal, 'qlvb', [makeDocument({ source_id: 'V2', agency_code: 'STP', status: 'assigned' })], null);
    const afterDocument = await readDataVersions(db);
    expect(afterDocument.of('document')).not.toBe(afterDossier.of('document'));
    expect(afterDocument.of('dossier')).toBe(afterDossier.of('dossier'));

    // A source raised with no kind (a writer that does not say what it writes) may have written anything.
    await db.transaction((tx) => bumpDataVersion(tx, 'old-writer'));
    const afterUnknown = await readDataVersions(db);
    for (const kind of ['dossier', 'document', 'project', 'kpi'] as const) expect(afterUnknown.of(kind)).not.toBe(afterDocument.of(kind));
  });
});
