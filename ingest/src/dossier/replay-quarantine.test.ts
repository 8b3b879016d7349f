import { afterEach, describe, expect, it } from 'vitest';
import { listQuarantine, loadCatalogue, seedUnitsFromCatalogue, writeDossierBatch, type Db } from '@ioc/core';
import { BACKENDS, openTestDb } from '@ioc/core/testing';
// The store suite's factory: a valid dossier with fresh ids (tests may reach across packages; code may not).
import { makeDossier } from '../../../core/test/dossier-factory';
import { dossierReplayer, replayQuarantine } from './replay-quarantine';

describe.each(BACKENDS)('replayQuarantine of a dossier refused for its unit code, on %s', (backend) => {
  let dispose: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await dispose?.();
    dispose = undefined;
  });

  const stored = async (db: Db) => (await db.query<{ source_id: string }>('select source_id from dossier order by 1')).rows;

  it('leaves it waiting with the writer’s reason while the code is still unknown, and stores it once the register knows it', async () => {
    const t = await openTestDb(backend);
    dispose = t.dispose;
    await seedUnitsFromCatalogue(t.db, await loadCatalogue());
    const dossier = makeDossier({ source_id: 'new-commune', unit_code: '05999', received_at: '2026-03-10T02:00:00.000Z' });
    await writeDossierBatch(t.db, 'dvc', [dossier], null);
    const [entry] = await listQuarantine(t.db, { source: 'dvc', limit: 10 });
    expect(entry?.reason).toContain('05999');

    const first = await replayQuarantine(t.db, [entry!.id], {
      at: new Date('2026-03-11T02:00:00.000Z'),
      replayers: { dvc: dossierReplayer },
    });
    expect(first.replayed).toEqual([]);
    expect(first.stillFailing).toEqual([{ id: entry!.id, reason: expect.stringContaining('05999') as string }]);
    expect(await stored(t.db)).toEqual([]);
    const waiting = await listQuarantine(t.db, { source: 'dvc', limit: 10 });
    expect(waiting.map((e) => [e.id, e.replayedAt])).toEqual([[entry!.id, null]]);

    // The register learns the commune (the cause is fixed): the same replay now stores it, once.
    await t.db.query(
      `insert into unit (code, valid_from, valid_to, name, level, kind, parent_code) values ('05999', '2025-07-01', null, 'Xã Mới', 'commune', 'xa', '19')`,
    );
    const second = await replayQuarantine(t.db, [entry!.id], {
      at: new Date('2026-03-11T03:00:00.000Z'),
      replayers: { dvc: dossierReplayer },
    });
    expect(second).toEqual({ replayed: [entry!.id], stillFailing: [], skipped: [] });
    expect(await stored(t.db)).toEqual([{ source_id: 'new-commune' }]);
    const third = await replayQuarantine(t.db, [entry!.id], {
      at: new Date('2026-03-11T04:00:00.000Z'),
      replayers: { dvc: dossierReplayer },
    });
    expect(third).toEqual({ replayed: [], stillFailing: [], skipped: [] });
  });
});
