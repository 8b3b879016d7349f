import type { Logger } from 'pino';
import { systemClock, type Clock, type Db } from '@ioc/core';
import type { DossierBatch } from '../bus/bus';
import { InProcessBus } from '../bus/in-process-bus';
import type { KafkaOptions } from '../bus/kafka-settings';
import { launchDossierWriter, startDossierWriters } from '../writer/start-dossier-writers';
import { dossierSourceSettings, type DossierSourceOptions } from './dossier-source-settings';
import { launchDossierConnector, startDossierConnector } from './start-dossier-connector';

export interface DossierIngestOptions extends DossierSourceOptions {
  db: Db;
  logger: Logger;
  clock?: Clock;
  /**
   * Kafka between the connector and the writer (both in this process; the writer joins the group `groupId`, so
   * writers started elsewhere with `startDossierWriters` share the work). Absent: the in-process bus.
   */
  kafka?: KafkaOptions;
  /** The writers' consumer group with Kafka (default '<topicPrefix>.writers'). */
  groupId?: string;
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
  /**
   * Stops pulling and writing; resolves once both loops ended. Without Kafka, batches not yet written are pulled
   * again next time; with Kafka they wait in the topic.
   */
  stop(): Promise<void>;
  health(): DossierIngestHealth;
}

/** Bounded so that a slow store slows the pull instead of filling memory. */
const BUS_CAPACITY = 4;

/**
 * The dossier pipeline in one process: connector → bus → writer, running until `stop()`. The bus is in-process (the
 * embedded default) unless `kafka` is given. Throws at once on invalid options; after that it never throws: failures
 * are retried, logged and visible in `health()`.
 */
export function startDossierIngest(o: DossierIngestOptions): DossierIngest {
  const s = dossierSourceSettings(o, 'dossier ingest');
  const clock = o.clock ?? systemClock;
  if (o.kafka) {
    const connector = startDossierConnector({ ...o, kafka: o.kafka });
    const writers = startDossierWriters({
      db: o.db,
      kafka: o.kafka,
      sourceSystems: [s.sourceSystem],
      retryBaseMilliseconds: s.retryBaseMilliseconds,
      retryMaxMilliseconds: s.retryMaxMilliseconds,
      logger: o.logger,
      clock,
      ...(o.groupId === undefined ? {} : { groupId: o.groupId }),
    });
    return combined(
      async () => void (await Promise.all([connector.stop(), writers.stop()])),
      () => ({ pull: connector.health(), write: writers.health() }),
    );
  }

  const controller = new AbortController();
  const bus = new InProcessBus<DossierBatch>(BUS_CAPACITY);
  const retry = { baseMilliseconds: s.retryBaseMilliseconds, maxMilliseconds: s.retryMaxMilliseconds };
  const env = { db: o.db, bus, logger: o.logger, clock, signal: controller.signal };
  const connector = launchDossierConnector(s, env);
  const writer = launchDossierWriter({ ...env, retry, rejoin: false });
  return combined(
    async () => {
      controller.abort(new Error('dossier ingest stopped'));
      await Promise.all([connector.done, writer.done]);
      const { recordsTotal, quarantinedTotal } = writer.health();
      o.logger.info({ recordsTotal, quarantinedTotal }, 'dossier ingest stopped');
    },
    () => ({ pull: connector.health(), write: writer.health() }),
  );
}

function combined(
  stop: () => Promise<void>,
  parts: () => {
    pull: { lastSuccessAt: Date | null; lastError: string | null };
    write: { lastError: string | null; recordsTotal: number; quarantinedTotal: number };
  },
): DossierIngest {
  let stopped: Promise<void> | null = null;
  return {
    stop: () => (stopped ??= stop()),
    health() {
      const { pull, write } = parts();
      return {
        lastSuccessAt: pull.lastSuccessAt,
        lastError: write.lastError ?? pull.lastError,
        recordsTotal: write.recordsTotal,
        quarantinedTotal: write.quarantinedTotal,
      };
    },
  };
}
