import type { Logger } from 'pino';
import { z } from 'zod';
import { formatZodIssues, systemClock, type Clock, type Db, type VersionedRecord } from '@ioc/core';
import type { Bus, RecordBatch } from '../bus/bus';
import { InProcessBus } from '../bus/in-process-bus';
import { KafkaBatchBus } from '../bus/kafka-batch-bus';
import { createKafkaClient } from '../bus/kafka-client';
import { kafkaSettings, type KafkaOptions } from '../bus/kafka-settings';
import { recordCodec } from '../bus/record-message-codec';
import { RequestRateLimiter } from '../retry/request-rate-limiter';
import { launchRecordWriter } from '../writer/record-writer';
import { startRecordWriters } from '../writer/start-record-writers';
import { launchSourceConnector } from './source-connector';
import { SourceSystem } from './source-system-name';
import type { SourceSystemSpec } from './source-system-spec';

export type { SourceSystemSpec, SourceWriteResult } from './source-system-spec';

export interface SourceIngestOptions<T> {
  db: Db;
  logger: Logger;
  clock?: Clock;
  sourceUrl: string;
  apiKey: string;
  /** Pause after catching up (default: the system's, else 1000). */
  pollIntervalMilliseconds?: number;
  /** Records per page, 1–1000 (default 500). */
  pageSize?: number;
  /** The `source_system` of stored rows, the checkpoint's key and the Kafka topic's middle (default: the system's own). */
  sourceSystem?: string;
  /** Per request, headers and body (default 10000). */
  requestTimeoutMilliseconds?: number;
  /** Retry backoff of pulls, publishes and writes (defaults 200 and 30000). */
  retryBaseMilliseconds?: number;
  retryMaxMilliseconds?: number;
  /** Default: a bounded in-process bus. A durable bus (Kafka) makes the connector store its cursor at publish. */
  bus?: Bus<RecordBatch<T>>;
  /**
   * Kafka between connector and writer instead of `bus`: the connector publishes to `<prefix>.<source>.records` and
   * stores its cursor once the broker acknowledged; the writer joins the consumer group `groupId`, so writers started
   * elsewhere with `startRecordWriters` share the partitions.
   */
  kafka?: KafkaOptions;
  /** The writers' consumer group with Kafka (default: see `startRecordWriters`). */
  groupId?: string;
  /** 'connector': pull and publish only, the writers run elsewhere (needs `kafka`). Default 'all'. */
  role?: 'all' | 'connector';
  /** Requests per second this pipeline may make to the source, retries included (default 5). */
  maxRequestsPerSecond?: number;
}

export interface SourceIngestHealth {
  /** When a page last came back from the source (pipeline freshness, domain.md §3.5). */
  lastSuccessAt: Date | null;
  /** The current failure, write errors first; null once pulls and writes succeed again. */
  lastError: string | null;
  /**
   * Valid records written (new versions and replays alike); for a connector alone, those the broker acknowledged.
   */
  recordsTotal: number;
  /** Records sent to quarantine (for a connector alone: rejected records published). */
  quarantinedTotal: number;
}

export interface SourceIngest {
  /**
   * Stops pulling and writing; resolves once both loops ended. Without Kafka, batches not yet written are pulled again
   * next time; with Kafka they wait in the topic.
   */
  stop(): Promise<void>;
  health(): SourceIngestHealth;
}

const Settings = z.object({
  sourceUrl: z.url({ protocol: /^https?$/ }),
  apiKey: z.string().min(1),
  pollIntervalMilliseconds: z.number().int().min(0).optional(),
  pageSize: z.number().int().min(1).max(1000).default(500),
  sourceSystem: SourceSystem.optional(),
  requestTimeoutMilliseconds: z.number().int().min(1).default(10_000),
  retryBaseMilliseconds: z.number().int().min(1).default(200),
  retryMaxMilliseconds: z.number().int().min(1).default(30_000),
  role: z.enum(['all', 'connector']).default('all'),
  maxRequestsPerSecond: z.number().positive().max(1000).default(5),
});

/** Bounded so that a slow store slows the pull instead of filling memory. */
const BUS_CAPACITY = 4;

/**
 * Connector → bus → writer for one source system, running until `stop()`: pulls pages from the stored checkpoint,
 * validates each record (bad ones go to quarantine with their batch), and writes each page in one transaction (with
 * its cursor on the in-process bus), so a crash re-pulls at most what was not written and a replay changes nothing.
 * The bus is in-process (the embedded default) unless `kafka` or `bus` is given. Throws at once on invalid options;
 * after that it never throws: failures are retried, logged and shown in `health()`.
 */
export function startSourceIngest<T extends VersionedRecord>(spec: SourceSystemSpec<T>, o: SourceIngestOptions<T>): SourceIngest {
  const parsed = Settings.safeParse(o);
  if (!parsed.success) throw new Error(`invalid ${spec.label} ingest options: ${formatZodIssues(parsed.error.issues)}`);
  const s = parsed.data;
  const source = s.sourceSystem ?? spec.defaultSourceSystem;
  const clock = o.clock ?? systemClock;
  if (o.kafka && o.bus) throw new Error(`invalid ${spec.label} ingest options: give kafka or bus, not both`);
  if (s.role === 'connector' && !o.kafka) throw new Error(`invalid ${spec.label} ingest options: role connector needs kafka`);
  const kafka = o.kafka ? kafkaSettings(o.kafka) : null;
  const bus: Bus<RecordBatch<T>> =
    o.bus ??
    (kafka
      ? new KafkaBatchBus({
          codec: recordCodec(spec.schema, spec.wire),
          kafka: createKafkaClient(kafka, o.logger),
          settings: kafka,
          logger: o.logger,
        })
      : new InProcessBus<RecordBatch<T>>(BUS_CAPACITY));
  const controller = new AbortController();
  const signal = controller.signal;
  const retry = { baseMilliseconds: s.retryBaseMilliseconds, maxMilliseconds: s.retryMaxMilliseconds };
  const connector = launchSourceConnector(spec, {
    db: o.db,
    source,
    sourceUrl: s.sourceUrl,
    apiKey: s.apiKey,
    pageSize: s.pageSize,
    requestTimeoutMilliseconds: s.requestTimeoutMilliseconds,
    pollIntervalMilliseconds: s.pollIntervalMilliseconds ?? spec.pollIntervalMilliseconds ?? 1000,
    retry,
    limiter: new RequestRateLimiter({ requestsPerSecond: s.maxRequestsPerSecond }),
    bus,
    logger: o.logger,
    clock,
    signal,
  });
  // Without Kafka the writer reads the in-process queue (or the given bus); stopping on a bus failure is then the only
  // safe thing left. With Kafka it is a consumer-group member of its own, which rejoins the group when it loses the
  // broker, unless the writers run elsewhere.
  const writer = kafka ? null : launchRecordWriter(spec, { db: o.db, bus, logger: o.logger, clock, signal, retry, rejoin: false });
  const writers =
    kafka && s.role === 'all'
      ? startRecordWriters(spec, {
          db: o.db,
          kafka,
          sourceSystem: source,
          retryBaseMilliseconds: s.retryBaseMilliseconds,
          retryMaxMilliseconds: s.retryMaxMilliseconds,
          logger: o.logger,
          clock,
          ...(o.groupId === undefined ? {} : { groupId: o.groupId }),
        })
      : null;
  const health = (): SourceIngestHealth => {
    const pull = connector.health();
    const write = writer?.health() ?? writers?.health() ?? null;
    // A connector alone counts what the broker acknowledged; otherwise the writers count what they wrote.
    const counts = write ?? pull;
    return {
      lastSuccessAt: pull.lastSuccessAt,
      lastError: write?.lastError ?? pull.lastError,
      recordsTotal: counts.recordsTotal,
      quarantinedTotal: counts.quarantinedTotal,
    };
  };
  let stopped: Promise<void> | null = null;
  return {
    stop: () =>
      (stopped ??= (async () => {
        controller.abort(new Error(`${spec.label} ingest stopped`));
        await Promise.all([connector.done, writer?.done, writers?.stop()]);
        if (bus instanceof KafkaBatchBus)
          await bus.close().catch((err: unknown) => o.logger.warn({ err }, 'kafka producer disconnect failed'));
        const { recordsTotal, quarantinedTotal } = health();
        o.logger.info({ system: spec.label, recordsTotal, quarantinedTotal }, 'source ingest stopped');
      })()),
    health,
  };
}
