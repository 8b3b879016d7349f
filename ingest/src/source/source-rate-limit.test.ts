import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogue, loadWorkingCalendar, type Catalogue, type Db } from '@ioc/core';
import { openTestDb } from '@ioc/core/testing';
import { startDocumentIngest } from '../document/document-ingest';
import { startDossierIngest } from '../dossier/dossier-ingest';
import { startDocumentSimulator } from '../sim/document-simulator';
import { startDossierSimulator } from '../sim/dossier-simulator';
import { startFaultyGateway } from '../testing/faulty-gateway';
import { fakeClock, silentLogger, waitFor, WEDNESDAY_MORNING } from '../testing/test-support';

// The per-source rate limit, wired into both pipelines: a source that keeps failing is retried at once (1–2 ms
// backoff), yet the requests reaching it keep to the budget. The bucket's arithmetic is tested with a fake timer in
// request-rate-limiter.test.ts; here the budget is spent in real time.

const API_KEY = 'rate-limit-key';
const REQUESTS_PER_SECOND = 10;
const REQUESTS = 15;
/** 15 requests at 10 a second, the first at once: the 15th goes 1.4 s after the first, not before. */
const LEAST_MILLISECONDS = ((REQUESTS - 1) * 1000) / REQUESTS_PER_SECOND;
/** Timers may fire a millisecond early; without the limit the 15 failing requests take a few milliseconds. */
const TIMER_SLACK_MILLISECONDS = 50;

describe('the per-source request limit', () => {
  let catalogue: Catalogue;
  let db: Db;
  let dispose: () => Promise<void>;

  beforeAll(async () => {
    catalogue = await loadCatalogue();
    ({ db, dispose } = await openTestDb('postgres'));
  });
  afterAll(async () => {
    await dispose?.();
  });

  const pipelines = [
    {
      name: 'dossier',
      simulate: () =>
        startDossierSimulator({
          catalogue,
          apiKey: API_KEY,
          clock: fakeClock(WEDNESDAY_MORNING),
          live: false,
          backlogDays: 0.1,
          logger: silentLogger,
        }),
      ingest: (sourceUrl: string) => Promise.resolve(startDossierIngest({ db, sourceUrl, apiKey: API_KEY, ...FAST, logger: silentLogger })),
    },
    {
      name: 'document',
      simulate: () =>
        startDocumentSimulator({ catalogue, apiKey: API_KEY, clock: fakeClock(WEDNESDAY_MORNING), backlogDays: 1, logger: silentLogger }),
      ingest: async (sourceUrl: string) =>
        startDocumentIngest({ db, sourceUrl, apiKey: API_KEY, ...FAST, calendar: await loadWorkingCalendar(), logger: silentLogger }),
    },
  ];
  const FAST = {
    pollIntervalMilliseconds: 0,
    retryBaseMilliseconds: 1,
    retryMaxMilliseconds: 2,
    maxRequestsPerSecond: REQUESTS_PER_SECOND,
  };

  it.each(pipelines)('keeps the $name pipeline to its requests per second through a run of failures', async (pipeline) => {
    const sim = await pipeline.simulate();
    // Failures only, while the test counts: without the limit they are retried within milliseconds.
    const gateway = await startFaultyGateway(
      sim.url,
      Array.from({ length: REQUESTS + 5 }, () => 'http503' as const),
    );
    const ingest = await pipeline.ingest(gateway.url);
    try {
      await waitFor(() => gateway.requests >= 1, 'the first request');
      const first = performance.now();
      await waitFor(() => gateway.requests >= REQUESTS, `${REQUESTS} requests`, 10_000);
      expect(performance.now() - first).toBeGreaterThanOrEqual(LEAST_MILLISECONDS - TIMER_SLACK_MILLISECONDS);
      // Past the failures the pipeline goes on: the limit slows it, never stops it.
      await waitFor(() => ingest.health().recordsTotal > 0, 'records to be stored after the failures', 10_000);
    } finally {
      await ingest.stop();
      await gateway.close();
      await sim.stop();
    }
  });
});
