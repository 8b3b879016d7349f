import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DossierRecord, listQuarantine, loadCatalogue, writeDossierBatch, type Catalogue, type Db } from '@ioc/core';
import { BACKENDS, openTestDb } from '@ioc/core/testing';
import { startDossierSimulator, type DossierSimulator } from '../sim/dossier-simulator';
import { countRows, rollupSnapshot, rollupTotals, sameEntries, sourceDossiers, storedDossiers } from '../testing/store-probes';
import { fakeClock, pullAllPages, silentLogger, waitFor, WEDNESDAY_MORNING } from '../testing/test-support';
import { startDossierIngest, type DossierIngest } from './dossier-ingest';
import { validateDossierItems } from './validate-dossier-items';

const API_KEY = 'pipeline-key';
let catalogue: Catalogue;
beforeAll(async () => {
  catalogue = await loadCatalogue();
});

function simulator(malformedEvery?: number): Promise<DossierSimulator> {
  // Half a day of history: last night's online submissions and this morning's desk traffic, ~1,500 dossiers.
  return startDossierSimulator({
    catalogue,
    apiKey: API_KEY,
    clock: fakeClock(WEDNESDAY_MORNING),
    live: false,
    backlogDays: 0.5,
    logger: silentLogger,
    ...(malformedEvery ? { malformedEvery } : {}),
  });
}

function ingest(db: Db, sim: DossierSimulator): DossierIngest {
  return startDossierIngest({ db, sourceUrl: sim.url, apiKey: API_KEY, pollIntervalMilliseconds: 20, pageSize: 200, logger: silentLogger });
}

/** Waits until the store holds exactly the simulator's current dossiers (ids, versions, statuses). */
async function converged(db: Db, sim: DossierSimulator, source = 'dvc'): Promise<void> {
  const expected = sourceDossiers(sim.records());
  await waitFor(
    async () => sameEntries(await storedDossiers(db, source), expected),
    `the store to hold the simulator's ${expected.size} dossiers`,
  );
}

const versionPairs = (sim: DossierSimulator) => sim.records().map((r) => `${r.source_id}@${r.version}`);

describe.each(BACKENDS)('dossier ingest on %s', (backend) => {
  let db: Db;
  let dispose: () => Promise<void>;
  let sim: DossierSimulator;
  let running: DossierIngest;
  const versionsIngested = new Set<string>();

  beforeAll(async () => {
    ({ db, dispose } = await openTestDb(backend));
    sim = await simulator();
  });
  afterAll(async () => {
    await running?.stop();
    await sim?.stop();
    await dispose?.();
  });

  it('stores exactly the simulator records, with rollups counting each received and finished dossier once', async () => {
    running = ingest(db, sim);
    await converged(db, sim);
    versionPairs(sim).forEach((v) => versionsIngested.add(v));
    expect(sim.step(50)).toBeGreaterThan(0);
    await converged(db, sim);
    versionPairs(sim).forEach((v) => versionsIngested.add(v));

    const records = sim.records();
    const totals = await rollupTotals(db);
    expect(totals.received).toBe(records.filter((r) => r.received_at != null).length);
    expect(totals.finished).toBe(records.filter((r) => r.finished_at != null).length);
    expect(await countRows(db, 'select count(*) as n from dossier_event')).toBe(versionsIngested.size);
    expect(running.health()).toMatchObject({ lastError: null, quarantinedTotal: 0 });
    expect(running.health().lastSuccessAt).toBeInstanceOf(Date);
  });

  it('changes no counter when the same batch is written again, twice', async () => {
    const page = validateDossierItems(sim.records().slice(0, 200)).records;
    const before = await rollupSnapshot(db);
    for (let i = 0; i < 2; i += 1) {
      const result = await writeDossierBatch(db, 'dvc', page, null);
      expect(result).toMatchObject({ accepted: 0, unchanged: 200 });
    }
    expect(await rollupSnapshot(db)).toEqual(before);
    expect(await countRows(db, 'select count(*) as n from dossier_event')).toBe(versionsIngested.size);
  });

  it('resumes from the checkpoint after a restart and pulls nothing twice', async () => {
    await running.stop();
    const rollupsBefore = await rollupSnapshot(db);
    running = ingest(db, sim);
    await waitFor(() => running.health().lastSuccessAt !== null, 'the first pull after the restart');
    expect(await rollupSnapshot(db)).toEqual(rollupsBefore);

    const changed = sim.step(10);
    await converged(db, sim);
    versionPairs(sim).forEach((v) => versionsIngested.add(v));
    await waitFor(() => running.health().recordsTotal >= changed, 'the restarted ingest to count its records');
    // Pulled again from the start, it would have handed every record to the store, not just the changed ones.
    expect(running.health().recordsTotal).toBe(changed);
    expect(await countRows(db, 'select count(*) as n from dossier_event')).toBe(versionsIngested.size);
    const records = sim.records();
    expect((await rollupTotals(db)).received).toBe(records.filter((r) => r.received_at != null).length);
  });

  it('quarantines malformed records with a reason naming the field, while the rest of their pages land', async () => {
    const faulty = await simulator(7);
    const store = await openTestDb(backend);
    const pipeline = ingest(store.db, faulty);
    try {
      const served = await pullAllPages(faulty.url, API_KEY, 500);
      const { records: valid, rejected } = validateDossierItems(served);
      expect(rejected.length).toBeGreaterThan(100);
      const expected = new Map(valid.map((d) => [d.source_id, `${d.version}/${d.status}`]));
      await waitFor(async () => sameEntries(await storedDossiers(store.db, 'dvc'), expected), 'every valid record to land');
      await waitFor(
        async () => (await countRows(store.db, 'select count(*) as n from quarantine')) === rejected.length,
        'every rejected record in quarantine',
      );

      const rows = await listQuarantine(store.db, { source: 'dvc', limit: 10_000 });
      expect(rows).toHaveLength(rejected.length);
      for (const row of rows) {
        expect(row.reason).toMatch(/^(status: .*got "bogus"|unit_code: .*got "TN-\d{5}"|received_at: .*got "hôm qua")/);
        expect(row.sourceId).toBe((row.raw as { source_id: string }).source_id);
        expect(row.seenCount).toBe(1);
      }
      expect(new Set(rows.map((r) => r.sourceId))).toEqual(new Set(rejected.map((r) => r.sourceId)));
      expect(pipeline.health().quarantinedTotal).toBe(rejected.length);

      // Seeing the same bad payloads again counts sightings instead of adding rows.
      await writeDossierBatch(store.db, 'dvc', [], null, rejected);
      const again = await listQuarantine(store.db, { source: 'dvc', limit: 10_000 });
      expect(again).toHaveLength(rejected.length);
      expect(again.every((r) => r.seenCount === 2)).toBe(true);
      expect(DossierRecord.safeParse(again[0]!.raw).success).toBe(false);
    } finally {
      await pipeline.stop();
      await faulty.stop();
      await store.dispose();
    }
  });
});
