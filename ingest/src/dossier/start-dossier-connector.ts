import type { Logger } from 'pino';
import { systemClock, type Clock, type Db } from '@ioc/core';
import type { Bus, DossierBatch } from '../bus/bus';
import { createKafkaClient } from '../bus/kafka-client';
import { KafkaDossierBus } from '../bus/kafka-dossier-bus';
import { kafkaSettings, type KafkaOptions } from '../bus/kafka-settings';
import { RequestRateLimiter } from '../retry/request-rate-limiter';
import { runDossierConnector } from './dossier-connector';
import { dossierSourceSettings, type DossierSourceOptions, type DossierSourceSettings } from './dossier-source-settings';

export interface DossierConnectorHealth {
  /** When a page last came back from the source (pipeline freshness, domain.md §3.5). */
  lastSuccessAt: Date | null;
  /** The current failure of the pull or the publish; null once they succeed again. */
  lastError: string | null;
  /** Valid records published (on Kafka: acknowledged by the broker, cursor stored). */
  recordsTotal: number;
  /** Rejected records published on their way to quarantine. */
  quarantinedTotal: number;
}

export interface DossierConnectorRole {
  /** Stops pulling; resolves once the loop ended. */
  stop(): Promise<void>;
  health(): DossierConnectorHealth;
}

/** The connector loop on a given bus, with its health; for the starters of this folder. */
export function launchDossierConnector(
  s: DossierSourceSettings,
  env: { db: Db; bus: Bus<DossierBatch>; logger: Logger; clock: Clock; signal: AbortSignal },
): { done: Promise<void>; health: () => DossierConnectorHealth } {
  const state: DossierConnectorHealth = { lastSuccessAt: null, lastError: null, recordsTotal: 0, quarantinedTotal: 0 };
  const done = runDossierConnector({
    db: env.db,
    sourceSystem: s.sourceSystem,
    sourceUrl: s.sourceUrl,
    apiKey: s.apiKey,
    pageSize: s.pageSize,
    pollIntervalMilliseconds: s.pollIntervalMilliseconds,
    requestTimeoutMilliseconds: s.requestTimeoutMilliseconds,
    retry: { baseMilliseconds: s.retryBaseMilliseconds, maxMilliseconds: s.retryMaxMilliseconds },
    limiter: new RequestRateLimiter({ requestsPerSecond: s.maxRequestsPerSecond }),
    bus: env.bus,
    logger: env.logger,
    clock: env.clock,
    signal: env.signal,
    onPulled: () => {
      state.lastSuccessAt = env.clock.now();
      state.lastError = null;
    },
    onPublished: (batch) => {
      state.recordsTotal += batch.records.length;
      state.quarantinedTotal += batch.rejected.length;
      state.lastError = null;
    },
    onError: (message) => (state.lastError = message),
  }).catch((err: unknown) => {
    // The loop handles every expected failure itself; reaching here is a bug, and the pull has stopped.
    env.logger.error({ err }, 'dossier connector stopped unexpectedly');
    state.lastError = `connector stopped: ${err instanceof Error ? err.message : String(err)}`;
  });
  return { done, health: () => ({ ...state }) };
}

export interface DossierConnectorOptions extends DossierSourceOptions {
  /** Holds the checkpoint (the connector's cursor). */
  db: Db;
  kafka: KafkaOptions;
  logger: Logger;
  clock?: Clock;
}

/**
 * The connector role of a scaled-out ingestion: pulls the dossier system and publishes each page to Kafka, storing
 * its cursor once the broker acknowledged the page. Writers (`startDossierWriters`, in this process or others) store
 * the records. Run one connector per source system: two would pull the same pages (harmless, but wasted).
 * Throws at once on invalid options; after that it never throws: failures are retried, logged and shown in `health()`.
 */
export function startDossierConnector(o: DossierConnectorOptions): DossierConnectorRole {
  const s = dossierSourceSettings(o, 'dossier connector');
  const kafka = kafkaSettings(o.kafka);
  const controller = new AbortController();
  const bus = new KafkaDossierBus({
    kafka: createKafkaClient(kafka, o.logger),
    settings: kafka,
    logger: o.logger,
  });
  const loop = launchDossierConnector(s, { db: o.db, bus, logger: o.logger, clock: o.clock ?? systemClock, signal: controller.signal });
  let stopped: Promise<void> | null = null;
  return {
    stop() {
      stopped ??= (async () => {
        controller.abort(new Error('dossier connector stopped'));
        await loop.done;
        await bus.close().catch((err: unknown) => o.logger.warn({ err }, 'kafka producer disconnect failed'));
        const { recordsTotal, quarantinedTotal } = loop.health();
        o.logger.info({ recordsTotal, quarantinedTotal }, 'dossier connector stopped');
      })();
      return stopped;
    },
    health: loop.health,
  };
}
