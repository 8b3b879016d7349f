import type { Logger } from 'pino';
import { z } from 'zod';
import { formatZodIssues, systemClock, type Clock, type Db } from '@ioc/core';
import type { Bus, DossierBatch } from '../bus/bus';
import { createKafkaClient } from '../bus/kafka-client';
import { KafkaDossierBus } from '../bus/kafka-dossier-bus';
import { kafkaSettings, type KafkaOptions } from '../bus/kafka-settings';
import { SourceSystem } from '../dossier/dossier-source-settings';
import { retryWithBackoff } from '../retry/retry-with-backoff';
import { runDossierWriter } from './dossier-writer';

export interface DossierWritersHealth {
  /** When a batch was last committed to the store. */
  lastWriteAt: Date | null;
  /** The current failure of a write or of the bus; null once writing succeeds again. */
  lastError: string | null;
  /** Valid records handed to the store (new versions and replays alike). */
  recordsTotal: number;
  /** Records sent to quarantine. */
  quarantinedTotal: number;
  /** Kafka partitions this writer holds now (0 without Kafka, and while it is out of the group). */
  partitions: number;
}

export interface DossierWritersRole {
  /** Finishes the batch in hand, leaves the group (others take over at once), resolves when done. */
  stop(): Promise<void>;
  health(): DossierWritersHealth;
}

/** The writer loop on a given bus, with its health; for the starters in this package. */
export function launchDossierWriter(env: {
  db: Db;
  bus: Bus<DossierBatch>;
  logger: Logger;
  clock: Clock;
  signal: AbortSignal;
  retry: { baseMilliseconds: number; maxMilliseconds: number };
  /** Whether a failed bus (a lost broker, a crashed consumer) is joined again; false ends the loop, logged. */
  rejoin: boolean;
}): { done: Promise<void>; health: () => Omit<DossierWritersHealth, 'partitions'> } {
  const state = { lastWriteAt: null as Date | null, lastError: null as string | null, recordsTotal: 0, quarantinedTotal: 0 };
  const run = () =>
    runDossierWriter({
      db: env.db,
      bus: env.bus,
      logger: env.logger,
      signal: env.signal,
      retry: env.retry,
      onWritten: (batch, result) => {
        // Refused by the writer (unit code not valid at the record's date): quarantined too.
        state.recordsTotal += batch.records.length;
        state.quarantinedTotal += batch.rejected.length + result.refused;
        state.lastWriteAt = env.clock.now();
        state.lastError = null;
      },
      onError: (message) => (state.lastError = message),
    });
  const looping = env.rejoin
    ? retryWithBackoff(run, {
        signal: env.signal,
        ...env.retry,
        isRetryable: () => true,
        onRetry: (err, attempt, delayMilliseconds) => {
          // Nothing is lost: what was not committed is delivered again, to this writer or another.
          env.logger.error({ err, attempt, delayMilliseconds }, 'dossier writer lost the bus, joining again');
          state.lastError = `bus: ${err instanceof Error ? err.message : String(err)}`;
        },
      })
    : run();
  const done = looping.catch((err: unknown) => {
    if (env.signal.aborted) return;
    // Without Kafka the batch in hand is gone and its cursor with it: stopping is the only safe thing left.
    env.logger.error({ err }, 'dossier writer stopped unexpectedly');
    state.lastError = `writer stopped: ${err instanceof Error ? err.message : String(err)}`;
  });
  return { done, health: () => ({ ...state }) };
}

export interface DossierWritersOptions {
  db: Db;
  kafka: KafkaOptions;
  /** The consumer group; writers in one group share the partitions (default '<topicPrefix>.writers'). */
  groupId?: string;
  /** Source systems whose topics to write (default ['dvc']). */
  sourceSystems?: string[];
  /** Most records written in one transaction (default 500). */
  maxRecordsPerWrite?: number;
  /** Retry backoff of writes and of rejoining (defaults 200 and 30000). */
  retryBaseMilliseconds?: number;
  retryMaxMilliseconds?: number;
  logger: Logger;
  clock?: Clock;
}

const Settings = z.object({
  groupId: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,200}$/)
    .optional(),
  sourceSystems: z.array(SourceSystem).min(1).default(['dvc']),
  maxRecordsPerWrite: z.number().int().min(1).max(10_000).default(500),
  retryBaseMilliseconds: z.number().int().min(1).default(200),
  retryMaxMilliseconds: z.number().int().min(1).default(30_000),
});

/**
 * The writer role of a scaled-out ingestion: one member of a Kafka consumer group that writes what the connectors
 * published. Start it in as many processes as needed (up to the topic's partition count): they share the partitions,
 * and when one stops or dies the others take its partitions over from the last committed offset. Each consumed slice
 * is written with `writeDossierBatch` (records and quarantine, never the cursor: the connector stored it) and its
 * offsets committed only after the database commit; a failed write is retried, never skipped.
 * Throws at once on invalid options; after that it never throws: failures are retried, logged and shown in `health()`.
 */
export function startDossierWriters(o: DossierWritersOptions): DossierWritersRole {
  const parsed = Settings.safeParse(o);
  if (!parsed.success) throw new Error(`invalid dossier writers options: ${formatZodIssues(parsed.error.issues)}`);
  const s = parsed.data;
  const kafka = kafkaSettings(o.kafka);
  const controller = new AbortController();
  let partitions = 0;
  const bus = new KafkaDossierBus({
    kafka: createKafkaClient(kafka, o.logger),
    settings: kafka,
    logger: o.logger,
    group: {
      groupId: s.groupId ?? `${kafka.topicPrefix}.writers`,
      sourceSystems: s.sourceSystems,
      maxRecordsPerBatch: s.maxRecordsPerWrite,
      onAssignment: (n) => (partitions = n),
    },
  });
  const loop = launchDossierWriter({
    db: o.db,
    bus,
    logger: o.logger,
    clock: o.clock ?? systemClock,
    signal: controller.signal,
    retry: { baseMilliseconds: s.retryBaseMilliseconds, maxMilliseconds: s.retryMaxMilliseconds },
    rejoin: true,
  });
  let stopped: Promise<void> | null = null;
  return {
    stop() {
      stopped ??= (async () => {
        controller.abort(new Error('dossier writers stopped'));
        await loop.done;
        const { recordsTotal, quarantinedTotal } = loop.health();
        o.logger.info({ recordsTotal, quarantinedTotal }, 'dossier writers stopped');
      })();
      return stopped;
    },
    health: () => ({ ...loop.health(), partitions }),
  };
}
