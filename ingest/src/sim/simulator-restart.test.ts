import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadCatalogue, type Catalogue, type Db } from '@ioc/core';
import { openTestDb } from '@ioc/core/testing';
import { startDossierIngest, type DossierIngest } from '../dossier/dossier-ingest';
import { countRows, sameEntries, sourceDossiers, storedDossiers } from '../testing/store-probes';
import { fakeClock, silentLogger, waitFor, WEDNESDAY_MORNING } from '../testing/test-support';
import { startDossierSimulator, type DossierSimulator } from './dossier-simulator';

/**
 * `npm start` twice on the same data folder: the IOC keeps what it pulled and its cursor, the simulator starts
 * afresh. A real dossier system would have gone on meanwhile and would serve the changes since the cursor; so must
 * the simulator, or the store ends with records no source serves, or versions from another world.
 */
const API_KEY = 'restart-key';
let catalogue: Catalogue;
let db: Db;
let dispose: () => Promise<void>;

beforeAll(async () => {
  catalogue = await loadCatalogue();
  ({ db, dispose } = await openTestDb('pglite'));
});
afterAll(async () => {
  await dispose?.();
});

function simulator(clock: ReturnType<typeof fakeClock>): Promise<DossierSimulator> {
  return startDossierSimulator({ catalogue, apiKey: API_KEY, clock, live: false, backlogDays: 0.25, logger: silentLogger });
}

function ingest(sim: DossierSimulator): DossierIngest {
  return startDossierIngest({
    db,
    sourceUrl: sim.url,
    apiKey: API_KEY,
    pollIntervalMilliseconds: 20,
    pageSize: 1000,
    logger: silentLogger,
  });
}

async function converged(sim: DossierSimulator): Promise<Map<string, string>> {
  const expected = sourceDossiers(sim.records());
  await waitFor(
    async () => sameEntries(await storedDossiers(db, 'dvc'), expected),
    `the store to hold the simulator's ${expected.size} dossiers`,
  );
  return expected;
}

it('after a restart 20 minutes later the store holds exactly what the new simulator serves, pulled from the old cursor', async () => {
  const clock = fakeClock(WEDNESDAY_MORNING);
  const first = await simulator(clock);
  let pipeline = ingest(first);
  let before: Map<string, string>;
  try {
    before = await converged(first);
  } finally {
    await pipeline.stop();
    await first.stop();
  }

  clock.advance(20 * 60_000);
  const second = await simulator(clock);
  pipeline = ingest(second);
  try {
    const after = await converged(second);
    expect(await countRows(db, "select count(*) as n from dossier where source_system = 'dvc'")).toBe(after.size);
    // The same world 20 minutes on: every dossier of the first run is still there, none went back in time.
    for (const [id, state] of before) expect(Number(after.get(id)?.split('/')[0]), id).toBeGreaterThanOrEqual(Number(state.split('/')[0]));
    const changed = [...after].filter(([id, state]) => before.get(id) !== state).length;
    expect(changed).toBeGreaterThan(100);
    // Resumed from the stored cursor: what changed in those 20 minutes, not the whole back-fill again.
    await waitFor(() => pipeline.health().recordsTotal >= changed, 'the second ingest to count its records');
    expect(pipeline.health().recordsTotal).toBe(changed);
  } finally {
    await pipeline.stop();
    await second.stop();
  }
});
