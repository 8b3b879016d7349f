import { afterAll, beforeAll, expect, it } from 'vitest';
import { DossierRecord, listQuarantine, loadCatalogue, writeDossierBatch, type Catalogue, type Db } from '@ioc/core';
import { openTestDb, type BackendName } from '@ioc/core/testing';
import { startDossierSimulator, type DossierSimulator } from '../sim/dossier-simulator';
import { countRows, rollupSnapshot, rollupTotals, sameEntries, sourceDossiers, storedDossiers } from '../testing/store-probes';
import { fakeClock, pullAllPages, silentLogger, waitFor, WEDNESDAY_MORNING } from '../testing/test-support';
import { testKafka } from '../../test/kafka-test-broker';
import type { KafkaOptions } from '../bus/kafka-settings';
import { startDossierIngest, type DossierIngest } from './dossier-ingest';
import { validateDossierItems } from './validate-dossier-items';

const API_KEY = 'pipeline-key';
let catalogue: Catalogue | undefined;

async function simulator(malformedEvery?: number): Promise<DossierSimulator> {
  catalogue ??= await loadCatalogue();
  // Half a day of history: last night's online submissions and this morning's desk traffic.
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

export type Transport = 'in-process' | 'kafka';

/** Kafka options for a new pipeline (fresh topics), or none for the in-process bus. */
async function transportOptions(transport: Transport): Promise<{ kafka?: KafkaOptions }> {
  return transport === 'kafka' ? { kafka: await testKafka() } : {};
}

function ingest(db: Db, sim: DossierSimulator, transport: { kafka?: KafkaOptions }): DossierIngest {
  return startDossierIngest({
    db,
    sourceUrl: sim.url,
    apiKey: API_KEY,
    pollIntervalMilliseconds: 20,
    // The default page (500 records). It also sets the size of Kafka writes on the test broker, which hands a writer
    // one producer request's share of a partition per fetch: smaller pages make many small transactions.
    pageSize: 500,
    logger: silentLogger,
    ...transport,
  });
}

/**
 * Long enough for a Kafka writer to join its group (the mock broker waits 3 s before the first assignment) on a
 * loaded two-core machine.
 */
const CONVERGE_MILLISECONDS = 45_000;

/** Waits until the store holds exactly the simulator's current dossiers (ids, versions, statuses). */
async function converged(db: Db, sim: DossierSimulator, source = 'dvc'): Promise<void> {
  const expected = sourceDossiers(sim.records());
  await waitFor(
    async () => sameEntries(await storedDossiers(db, source), expected),
    `the store to hold the simulator's ${expected.size} dossiers`,
    CONVERGE_MILLISECONDS,
  );
}

const versionPairs = (sim: DossierSimulator) => sim.records().map((r) => `${r.source_id}@${r.version}`);

/**
 * What the dossier pipeline must do whatever its bus and store, declared inside a `describe` of the calling test file:
 * store exactly the source's records, count each once, change nothing on replay, resume without pulling twice, and
 * quarantine bad records while their pages land.
 */
export function dossierPipelineSuite(transport: Transport, backend: BackendName): void {
  let db: Db;
  let opened: Awaited<ReturnType<typeof openTestDb>> | undefined;
  let sim: DossierSimulator;
  let running: DossierIngest;
  /** One set of topics and one writer group across the restart, so that the second run resumes the first. */
  let bus: Promise<{ kafka?: KafkaOptions }>;
  const versionsIngested = new Set<string>();

  beforeAll(async () => {
    // Awaited by the tests that start a pipeline, so that a missing broker fails them, each saying why, rather than
    // failing this hook, which would only mark them skipped.
    bus = transportOptions(transport);
    void bus.catch(() => undefined);
    opened = await openTestDb(backend);
    db = opened.db;
    sim = await simulator();
  });
  afterAll(async () => {
    await running?.stop();
    await sim?.stop();
    await opened?.dispose();
  });

  it('stores exactly the simulator records, with rollups counting each received and finished dossier once', async () => {
    running = ingest(db, sim, await bus);
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
    running = ingest(db, sim, await bus);
    await waitFor(() => running.health().lastSuccessAt !== null, 'the first pull after the restart');
    expect(await rollupSnapshot(db)).toEqual(rollupsBefore);

    const changed = sim.step(10);
    await converged(db, sim);
    versionPairs(sim).forEach((v) => versionsIngested.add(v));
    await waitFor(() => running.health().recordsTotal >= changed, 'the restarted ingest to count its records', CONVERGE_MILLISECONDS);
    // Pulled again from the start, it would have handed every record to the store, not just the changed ones.
    expect(running.health().recordsTotal).toBe(changed);
    expect(await countRows(db, 'select count(*) as n from dossier_event')).toBe(versionsIngested.size);
    const records = sim.records();
    expect((await rollupTotals(db)).received).toBe(records.filter((r) => r.received_at != null).length);
  });

  it('quarantines malformed records with a reason naming the field, while the rest of their pages land', async () => {
    const faulty = await simulator(7);
    const store = await openTestDb(backend);
    const pipeline = ingest(store.db, faulty, await transportOptions(transport));
    try {
      const served = await pullAllPages(faulty.url, API_KEY, 500);
      const { records: valid, rejected } = validateDossierItems(served);
      expect(rejected.length).toBeGreaterThan(100);
      const expected = new Map(valid.map((d) => [d.source_id, `${d.version}/${d.status}`]));
      await waitFor(
        async () => sameEntries(await storedDossiers(store.db, 'dvc'), expected),
        'every valid record to land',
        CONVERGE_MILLISECONDS,
      );
      await waitFor(
        async () => (await countRows(store.db, 'select count(*) as n from quarantine')) === rejected.length,
        'every rejected record in quarantine',
        CONVERGE_MILLISECONDS,
      );

      const rows = await listQuarantine(store.db, { source: 'dvc', limit: 10_000 });
      expect(rows).toHaveLength(rejected.length);
      for (const row of rows) {
        expect(row.reason).toMatch(/^(status: .*got "bogus"|unit_code: .*got "TN-\d{5}"|received_at: .*got "hôm qua")/);
        expect(row.sourceId).toBe((row.raw as { source_id: string }).source_id);
        // Kafka delivers at least once: a consumer starved of heartbeats under load gets a batch again, a real second
        // sighting. Never a second row (checked above and below); in process, exactly one sighting.
        if (transport === 'in-process') expect(row.seenCount).toBe(1);
        else expect(row.seenCount).toBeGreaterThanOrEqual(1);
      }
      const firstSeen = new Map(rows.map((r) => [r.id, r.seenCount]));
      expect(new Set(rows.map((r) => r.sourceId))).toEqual(new Set(rejected.map((r) => r.sourceId)));
      expect(pipeline.health().quarantinedTotal).toBe(rejected.length);

      // Seeing the same bad payloads again counts sightings instead of adding rows.
      await writeDossierBatch(store.db, 'dvc', [], null, rejected);
      const again = await listQuarantine(store.db, { source: 'dvc', limit: 10_000 });
      expect(again).toHaveLength(rejected.length);
      expect(again.every((r) => r.seenCount === firstSeen.get(r.id)! + 1)).toBe(true);
      expect(DossierRecord.safeParse(again[0]!.raw).success).toBe(false);
    } finally {
      await pipeline.stop();
      await faulty.stop();
      await store.dispose();
    }
  });
}
