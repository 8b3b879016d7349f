import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogue, type Db } from '@ioc/core';
import { openTestDb } from '@ioc/core/testing';
import { startDossierSimulator, type DossierSimulator } from '../sim/dossier-simulator';
import { startFaultyGateway } from '../testing/faulty-gateway';
import { countRows, sameEntries, sourceDossiers, storedDossiers } from '../testing/store-probes';
import { fakeClock, silentLogger, waitFor, WEDNESDAY_MORNING } from '../testing/test-support';
import { startDossierIngest } from './dossier-ingest';

const API_KEY = 'connector-key';

describe('dossier connector against a faulty gateway', () => {
  let db: Db;
  let dispose: () => Promise<void>;
  let sim: DossierSimulator;

  beforeAll(async () => {
    ({ db, dispose } = await openTestDb('pglite'));
    sim = await startDossierSimulator({
      catalogue: await loadCatalogue(),
      apiKey: API_KEY,
      clock: fakeClock(WEDNESDAY_MORNING),
      live: false,
      backlogDays: 0.25,
      logger: silentLogger,
    });
  });
  afterAll(async () => {
    await sim?.stop();
    await dispose?.();
  });

  it('retries 503, 429, reset connections and timeouts, and still stores every record', async () => {
    const gateway = await startFaultyGateway(sim.url, ['http503', 'reset', 'stall', 'http429', 'http503']);
    const ingest = startDossierIngest({
      db,
      sourceUrl: gateway.url,
      apiKey: API_KEY,
      pageSize: 200,
      pollIntervalMilliseconds: 20,
      requestTimeoutMilliseconds: 300,
      retryBaseMilliseconds: 10,
      retryMaxMilliseconds: 50,
      logger: silentLogger,
    });
    try {
      const expected = sourceDossiers(sim.records());
      await waitFor(async () => sameEntries(await storedDossiers(db, 'dvc'), expected), 'every record through the faulty gateway', 90_000);
      expect(gateway.pendingFaults).toBe(0);
      expect(ingest.health().lastError).toBeNull();
    } finally {
      await ingest.stop();
      await gateway.close();
    }
    // 16k records through PGlite while the gateway fails: slow on a loaded two-core machine.
  }, 120_000);

  it('does not retry a refused api key, and says why in its health', async () => {
    const gateway = await startFaultyGateway(sim.url, []);
    const ingest = startDossierIngest({
      db,
      sourceUrl: gateway.url,
      apiKey: 'wrong-key',
      sourceSystem: 'dvc_wrong_key',
      pollIntervalMilliseconds: 20,
      retryBaseMilliseconds: 10,
      retryMaxMilliseconds: 50,
      logger: silentLogger,
    });
    try {
      const error = await waitFor(() => ingest.health().lastError ?? undefined, 'the refusal to show in health');
      expect(error).toMatch(/HTTP 401/);
      // Showing that something does not happen takes waiting past when it would have: retries here come within ~50 ms.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(gateway.requests).toBe(1);
      expect(await countRows(db, "select count(*) as n from dossier where source_system = 'dvc_wrong_key'")).toBe(0);
    } finally {
      await ingest.stop();
      await gateway.close();
    }
  });

  it('stops promptly while the source hangs', async () => {
    const gateway = await startFaultyGateway(sim.url, ['stall']);
    const ingest = startDossierIngest({
      db,
      sourceUrl: gateway.url,
      apiKey: API_KEY,
      sourceSystem: 'dvc_stall',
      requestTimeoutMilliseconds: 60_000,
      logger: silentLogger,
    });
    try {
      await waitFor(() => gateway.requests === 1, 'the hanging request');
      const started = performance.now();
      await ingest.stop();
      expect(performance.now() - started).toBeLessThan(500);
    } finally {
      await gateway.close();
    }
  });
});
