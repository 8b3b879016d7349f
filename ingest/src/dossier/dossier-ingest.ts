import type { Logger } from 'pino';
import { z } from 'zod';
import { formatZodIssues, systemClock, type Clock, type Db } from '@ioc/core';
import type { DossierBatch } from '../bus/bus';
import { InProcessBus } from '../bus/in-process-bus';
import { runDossierWriter } from '../writer/dossier-writer';
import { runDossierConnector } from './dossier-connector';

export interface DossierIngestOptions {
  db: Db;
  /** Base URL of the dossier system, e.g. what `ioc simulate dossier` prints. */
  sourceUrl: string;
  apiKey: string;
  /** Pause after catching up before asking again (default 500). */
  pollIntervalMilliseconds?: number;
  /** Records per page, 1–1000 (default 500). */
  pageSize?: number;
  logger: Logger;
  /** The `source_system` of stored rows and the checkpoint's key (default 'dvc'). */
  sourceSystem?: string;
  /** Per request, headers and body (default 10000). */
  requestTimeoutMilliseconds?: number;
  /** Retry backoff (defaults 200 and 30000). */
  retryBaseMilliseconds?: number;
  retryMaxMilliseconds?: number;
  clock?: Clock;
}

export interface DossierIngestHealth {
  /** When a page last came back from the source (pipeline freshness, domain.md §3.5). */
  lastSuccessAt: Date | null;
  /** The current failure, write errors first; null once pulls and writes succeed again. */
  lastError: string | null;
  /** Valid records this ingest handed to the store (new versions and replays alike). */
  recordsTotal: number;
  /** Records this ingest sent to quarantine. */
  quarantinedTotal: number;
}

export interface DossierIngest {
  /** Stops pulling and writing; resolves once both loops ended. Batches not yet written are pulled again next time. */
  stop(): Promise<void>;
  health(): DossierIngestHealth;
}

const Settings = z.object({
  sourceUrl: z.url({ protocol: /^https?$/ }),
  apiKey: z.string().min(1),
  pollIntervalMilliseconds: z.number().int().min(0).default(500),
  pageSize: z.number().int().min(1).max(1000).default(500),
  sourceSystem: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,31}$/)
    .default('dvc'),
  requestTimeoutMilliseconds: z.number().int().min(1).default(10_000),
  retryBaseMilliseconds: z.number().int().min(1).default(200),
  retryMaxMilliseconds: z.number().int().min(1).default(30_000),
});

/** Bounded so that a slow store slows the pull instead of filling memory. */
const BUS_CAPACITY = 4;

/**
 * The dossier pipeline: connector → in-process bus → writer, running until `stop()`. Throws at once on invalid
 * options; after that it never throws: failures are retried, logged and visible in `health()`.
 */
export function startDossierIngest(o: DossierIngestOptions): DossierIngest {
  const parsed = Settings.safeParse(o);
  if (!parsed.success) throw new Error(`invalid dossier ingest options: ${formatZodIssues(parsed.error.issues)}`);
  const s = parsed.data;
  const clock = o.clock ?? systemClock;
  const controller = new AbortController();
  const bus = new InProcessBus<DossierBatch>(BUS_CAPACITY);
  const retry = { baseMilliseconds: s.retryBaseMilliseconds, maxMilliseconds: s.retryMaxMilliseconds };
  const state = {
    lastSuccessAt: null as Date | null,
    pullError: null as string | null,
    writeError: null as string | null,
    recordsTotal: 0,
    quarantinedTotal: 0,
  };

  const connector = runDossierConnector({
    db: o.db,
    sourceSystem: s.sourceSystem,
    sourceUrl: s.sourceUrl,
    apiKey: s.apiKey,
    pageSize: s.pageSize,
    pollIntervalMilliseconds: s.pollIntervalMilliseconds,
    requestTimeoutMilliseconds: s.requestTimeoutMilliseconds,
    retry,
    bus,
    logger: o.logger,
    signal: controller.signal,
    onPulled: () => {
      state.lastSuccessAt = clock.now();
      state.pullError = null;
    },
    onError: (message) => (state.pullError = message),
  }).catch((err: unknown) => {
    // The loop handles every expected failure itself; reaching here is a bug, and the pull has stopped.
    o.logger.error({ err }, 'dossier connector stopped unexpectedly');
    state.pullError = `connector stopped: ${err instanceof Error ? err.message : String(err)}`;
  });

  const writer = runDossierWriter({
    db: o.db,
    bus,
    logger: o.logger,
    signal: controller.signal,
    retry,
    onWritten: (batch) => {
      state.recordsTotal += batch.records.length;
      state.quarantinedTotal += batch.rejected.length;
      state.writeError = null;
    },
    onError: (message) => (state.writeError = message),
  }).catch((err: unknown) => {
    o.logger.error({ err }, 'dossier writer stopped unexpectedly');
    state.writeError = `writer stopped: ${err instanceof Error ? err.message : String(err)}`;
  });

  let stopped: Promise<void> | null = null;
  return {
    stop() {
      stopped ??= (async () => {
        controller.abort(new Error('dossier ingest stopped'));
        await Promise.all([connector, writer]);
        o.logger.info({ recordsTotal: state.recordsTotal, quarantinedTotal: state.quarantinedTotal }, 'dossier ingest stopped');
      })();
      return stopped;
    },
    health: () => ({
      lastSuccessAt: state.lastSuccessAt,
      lastError: state.writeError ?? state.pullError,
      recordsTotal: state.recordsTotal,
      quarantinedTotal: state.quarantinedTotal,
    }),
  };
}
