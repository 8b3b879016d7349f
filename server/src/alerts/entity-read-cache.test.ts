import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  loadMetricCatalogue,
  loadRules,
  loadWorkingCalendar,
  readDataVersions,
  writeDocumentBatch,
  writeDossierBatch,
  type Db,
} from '@ioc/core';
import { BACKENDS, makeDocument } from '@ioc/core/testing';
import { makeDossier, openAlertTestStore } from './alert-test-support';
import { EntityReadCache } from './entity-read-cache';

const calendar = await loadWorkingCalendar();
// DOS-01 and DOC-01: the cache reads dossiers and documents for them.
const rules = (await loadRules(await loadMetricCatalogue())).filter((r) => r.id === 'DOS-01' || r.id === 'DOC-01');
const NOW = new Date('2026-03-10T17:00:01+07:00');
const LOOK_AHEAD = 15 * 60_000;

describe.each(BACKENDS)('EntityReadCache on %s', (backend) => {
  let db: Db;
  let dispose: () => Promise<void>;
  let cache: EntityReadCache;
  const signal = new AbortController().signal;
  const read = async (now = NOW) => cache.read(await readDataVersions(db), now, signal);
  const ids = (rows: { source_id: string }[]) => rows.map((r) => r.source_id).sort();

  beforeEach(async () => {
    ({ db, dispose } = await openAlertTestStore(backend));
    cache = new EntityReadCache(db, rules, calendar, LOOK_AHEAD);
  });
  afterEach(() => dispose());

  it('after a write, reads only what changed: unchanged rows stay the same objects, a finished one leaves, a new one joins', async () => {
    const a = makeDossier({ source_id: 'A', due_at: '2026-03-10T08:00:00+07:00' });
    const b = makeDossier({ source_id: 'B', due_at: '2026-03-10T09:00:00+07:00' });
    await writeDossierBatch(db, 'dvc', [a, b], null);
    const first = (await read()).reads;
    expect(ids(first.dossiers)).toEqual(['A', 'B']);

    // A is finished (a new version) and C arrives, overdue.
    const done = NOW;
    await writeDossierBatch(
      db,
      'dvc',
      [
        { ...a, version: 2, status: 'resolved', finished_at: done, status_changed_at: done, source_updated_at: done },
        makeDossier({ source_id: 'C', due_at: '2026-03-10T10:00:00+07:00' }),
      ],
      null,
    );
    const second = await read();
    expect(second.reused).toBe(false);
    expect(ids(second.reads.dossiers)).toEqual(['B', 'C']);
    expect(second.reads.dossiers.find((d) => d.source_id === 'B')).toBe(first.dossiers.find((d) => d.source_id === 'B'));

    // B gets a new version with an apology slip: read again, with it.
    await writeDossierBatch(db, 'dvc', [{ ...b, version: 2, apology_issued_at: NOW, source_updated_at: NOW }], null);
    const third = (await read()).reads;
    expect(third.dossiers.find((d) => d.source_id === 'B')).toMatchObject({ apology_issued_at: NOW });
    expect(third.dossiers.find((d) => d.source_id === 'C')).toBe(second.reads.dossiers.find((d) => d.source_id === 'C'));
  });

  it('after another kind’s write, keeps the very array of a kind that did not change', async () => {
    await writeDossierBatch(db, 'dvc', [makeDossier({ source_id: 'A', due_at: '2026-03-10T08:00:00+07:00' })], null);
    const late = makeDocument({ source_id: 'L', agency_code: 'STP', deadline_at: '2026-03-09T17:00:00+07:00', status: 'assigned' });
    await writeDocumentBatch(db, calendar, 'qlvb', [late], null);
    const first = (await read()).reads;
    expect(ids(first.documents)).toEqual(['L']);

    const another = makeDocument({ source_id: 'M', agency_code: 'STP', deadline_at: '2026-03-10T11:00:00+07:00', status: 'assigned' });
    await writeDocumentBatch(db, calendar, 'qlvb', [another], null);
    const second = (await read()).reads;
    expect(second.dossiers).toBe(first.dossiers);
    expect(ids(second.documents)).toEqual(['L', 'M']);
    expect(second.documents.find((d) => d.source_id === 'L')).toBe(first.documents.find((d) => d.source_id === 'L'));
  });
});
