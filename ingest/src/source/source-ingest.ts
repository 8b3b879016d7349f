import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { z } from 'zod';
import {
  formatZodIssues,
  readCheckpoint,
  systemClock,
  type Clock,
  type Db,
  type RejectedRecord,
  type SourceCursor,
  type VersionedRecord,
  type VersionedWriteResult,
} from '@ioc/core';
import type { Bus } from '../bus/bus';
import { InProcessBus } from '../bus/in-process-bus';
import { KafkaBatchBus } from '../bus/kafka-batch-bus';
import { createKafkaClient } from '../bus/kafka-client';
import { kafkaSettings, type KafkaOptions } from '../bus/kafka-settings';
import { recordCodec } from '../bus/record-message-codec';
import { RequestRateLimiter } from '../retry/request-rate-limiter';
import { startRecordWriters } from '../writer/start-record-writers';
import { retryWithBackoff } from '../retry/retry-with-backoff';
import { fetchSourcePage, SourceRequestError } from './fetch-source-page';
import { sourceHealthRecorder } from './source-health-recorder';
import { validateSourceItems } from './validate-source-items';

/** One pulled page on its way to the writer: valid records, rejected ones, and the cursor after both. */
export interface SystemBatch<T> {
  source: string;
  records: T[];
  rejected: RejectedRecord[];
  /** Null on a durable bus, where the connector stored the cursor itself. */
  cursor: SourceCursor | null;
}

/** What differs between the document system, the project database and the KPI feed. */
export interface SourceSystemSpec<T extends VersionedRecord> {
  /** For logs and messages. */
  label: string;
  /** The records' path, e.g. `api/v1/documents`. */
  path: string;
  defaultSourceSystem: string;
  /** The kind of system for `source_health` (`document`, `project`, `kpi_feed`): picks the freshness thresholds. */
  system?: string;
  schema: z.ZodType<T, unknown>;
  /** Writes a batch in one transaction (state, history, rollups, quarantine, checkpoint); idempotent. */
  write(
    db: Db,
    source: string,
    records: readonly T[],
    cursor: SourceCursor | null,
    rejected: readonly RejectedRecord[],
  ): Promise<VersionedWriteResult>;
}

export interface SourceIngestOptions<T> {
  db: Db;
  logger: Logger;
  clock?: Clock;
  sourceUrl: string;
  apiKey: string;
  /** Pause after catching up (default 1000). */
  pollIntervalMilliseconds?: number;
  /** Records per page, 1–1000 (default 500). */
  pageSize?: number;
  /** The `source_system` of stored rows and the checkpoint's key (default: the system's own). */
  sourceSystem?: string;
  requestTimeoutMilliseconds?: number;
  retryBaseMilliseconds?: number;
  retryMaxMilliseconds?: number;
  /** Default: a bounded in-process bus. A durable bus (Kafka) makes the connector store its cursor at publish. */
  bus?: Bus<SystemBatch<T>>;
  /**
   * Kafka between connector and writer instead of `bus`: the connector publishes to `<prefix>.<source>.records` and
   * stores its cursor once the broker acknowledged; the writer joins the consumer group `groupId`, so writers started
   * elsewhere with `startRecordWriters` share the partitions.
   */
  kafka?: KafkaOptions;
  /** The writers' consumer group with Kafka (default '<topicPrefix>.<source>.writers'). */
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
  /** Valid records written (new versions and replays alike). */
  recordsTotal: number;
  quarantinedTotal: number;
}

export interface SourceIngest {
  stop(): Promise<void>;
  health(): SourceIngestHealth;
}

const Settings = z.object({
  sourceUrl: z.url({ protocol: /^https?$/ }),
  apiKey: z.string().min(1),
  pollIntervalMilliseconds: z.number().int().min(0).default(1000),
  pageSize: z.number().int().min(1).max(1000).default(500),
  sourceSystem: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,31}$/)
    .optional(),
  requestTimeoutMilliseconds: z.number().int().min(1).default(10_000),
  retryBaseMilliseconds: z.number().int().min(1).default(200),
  retryMaxMilliseconds: z.number().int().min(1).default(30_000),
  role: z.enum(['all', 'connector']).default('all'),
  maxRequestsPerSecond: z.number().positive().max(1000).default(5),
});

const REFUSED_PAUSE_MILLISECONDS = 60_000;
const BUS_CAPACITY = 4;

/**
 * Connector → bus → writer for one source system, running until `stop()`: pulls pages from the stored checkpoint,
 * validates each record (bad ones go to quarantine with their batch), and writes each page in one transaction
 * together with its cursor, so a crash re-pulls at most what was not written and a replay changes nothing. Throws at
 * once on invalid options; after that it never throws: failures are retried, logged and shown in `health()`.
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
  const bus: Bus<SystemBatch<T>> =
    o.bus ??
    (kafka
      ? new KafkaBatchBus({ codec: recordCodec(spec.schema), kafka: createKafkaClient(kafka, o.logger), settings: kafka, logger: o.logger })
      : new InProcessBus<SystemBatch<T>>(BUS_CAPACITY));
  const limiter = new RequestRateLimiter({ requestsPerSecond: s.maxRequestsPerSecond });
  const published = { records: 0, rejected: 0 };
  const controller = new AbortController();
  const signal = controller.signal;
  const health: SourceIngestHealth = { lastSuccessAt: null, lastError: null, recordsTotal: 0, quarantinedTotal: 0 };
  let writeError: string | null = null;
  const retry = { signal, baseMilliseconds: s.retryBaseMilliseconds, maxMilliseconds: s.retryMaxMilliseconds };
  const onRetry = (what: string) => (err: unknown, attempt: number, delayMilliseconds: number) => {
    o.logger.warn({ err, attempt, delayMilliseconds, what }, 'source ingest step failed, retrying');
    const message = err instanceof Error ? err.message : String(err);
    if (what === 'write') writeError = message;
    else health.lastError = message;
  };
  const always = (what: string) => ({ ...retry, isRetryable: () => true, onRetry: onRetry(what) });
  // Every pull, success or failure, lands in `source_health` as the dossier connector's do (GET /api/sources, /metrics).
  const recordPull = sourceHealthRecorder({ db: o.db, source, system: spec.system ?? spec.label, clock, logger: o.logger });
  const onPageRetry = onRetry('page');

  const pull = async () => {
    let cursor = await retryWithBackoff(() => readCheckpoint(o.db, source), always('checkpoint'));
    o.logger.info({ cursor, source }, 'source connector started');
    while (!signal.aborted) {
      let page;
      try {
        page = await retryWithBackoff(
          () =>
            fetchSourcePage({
              ...s,
              path: spec.path,
              label: spec.label,
              cursor,
              limit: s.pageSize,
              timeoutMilliseconds: s.requestTimeoutMilliseconds,
              signal,
              limiter,
            }),
          {
            ...retry,
            onRetry: (err, attempt, delayMilliseconds) => {
              onPageRetry(err, attempt, delayMilliseconds);
              void recordPull({ error: err instanceof Error ? err.message : String(err) });
            },
            isRetryable: (err) => !(err instanceof SourceRequestError) || err.retryable,
            requestedDelay: (err) => (err instanceof SourceRequestError ? err.retryAfterMilliseconds : undefined),
          },
        );
      } catch (err) {
        if (signal.aborted) break;
        o.logger.error({ err, status: err instanceof SourceRequestError ? err.status : null }, 'source refused the request');
        health.lastError = err instanceof Error ? err.message : String(err);
        await recordPull({ error: health.lastError });
        await sleep(REFUSED_PAUSE_MILLISECONDS, undefined, { signal });
        continue;
      }
      health.lastSuccessAt = clock.now();
      health.lastError = null;
      // Every answer counts as a success, an empty one too: a silent source is not a dead one.
      await recordPull({ error: null, items: page.items });
      if (page.items.length > 0) {
        const { records, rejected } = validateSourceItems(spec.schema, page.items);
        const next: SourceCursor = page.next
          ? { updatedSince: page.next.updated_since, afterId: page.next.after_id }
          : (cursorOfLastItem(page.items) ?? cursor ?? { updatedSince: new Date(0).toISOString(), afterId: '' });
        await retryWithBackoff(
          () => bus.publish({ source, records, rejected, cursor: bus.durable ? null : next }, signal),
          always('publish'),
        );
        if (bus.durable) await retryWithBackoff(() => spec.write(o.db, source, [], next, []), always('cursor'));
        cursor = next;
        published.records += records.length;
        published.rejected += rejected.length;
      }
      if (!page.next) await sleep(s.pollIntervalMilliseconds, undefined, { signal });
    }
  };

  const write = () =>
    bus.consume(async (batch, batchSignal) => {
      const result = await retryWithBackoff(() => spec.write(o.db, batch.source, batch.records, batch.cursor, batch.rejected), {
        ...always('write'),
        signal: batchSignal,
      });
      writeError = null;
      health.recordsTotal += batch.records.length;
      health.quarantinedTotal += batch.rejected.length;
      const level = batch.rejected.length > 0 ? 'warn' : 'debug';
      o.logger[level]({ accepted: result.accepted, unchanged: result.unchanged, quarantined: batch.rejected.length }, 'batch written');
    }, signal);

  const loop = (name: string, run: () => Promise<void>) =>
    run().catch((err: unknown) => {
      if (signal.aborted) return;
      // Every expected failure is retried inside; reaching here is a bug, and this loop has stopped.
      o.logger.error({ err, loop: name }, 'source ingest loop stopped unexpectedly');
      health.lastError = `${name} stopped: ${err instanceof Error ? err.message : String(err)}`;
    });
  // With Kafka the writer is a consumer-group member of its own, which rejoins the group when it loses the broker.
  const writers =
    o.kafka && s.role === 'all'
      ? startRecordWriters(spec, {
          db: o.db,
          kafka: o.kafka,
          sourceSystem: source,
          retryBaseMilliseconds: s.retryBaseMilliseconds,
          retryMaxMilliseconds: s.retryMaxMilliseconds,
          logger: o.logger,
          clock,
          ...(o.groupId === undefined ? {} : { groupId: o.groupId }),
        })
      : null;
  const withWriters = (h: SourceIngestHealth): SourceIngestHealth => {
    // A connector alone counts what the broker acknowledged; the writers elsewhere count what they wrote.
    if (s.role === 'connector') return { ...h, recordsTotal: published.records, quarantinedTotal: published.rejected };
    if (!writers) return h;
    const w = writers.health();
    return { ...h, lastError: w.lastError ?? h.lastError, recordsTotal: w.recordsTotal, quarantinedTotal: w.quarantinedTotal };
  };
  const done = Promise.all([loop('connector', pull), kafka ? Promise.resolve() : loop('writer', write)]);
  let stopped: Promise<void> | null = null;
  return {
    stop: () =>
      (stopped ??= (async () => {
        controller.abort(new Error(`${spec.label} ingest stopped`));
        await done;
        await writers?.stop();
        if (bus instanceof KafkaBatchBus)
          await bus.close().catch((err: unknown) => o.logger.warn({ err }, 'kafka producer disconnect failed'));
        o.logger.info({ recordsTotal: health.recordsTotal, quarantinedTotal: health.quarantinedTotal }, 'source ingest stopped');
      })()),
    health: () => withWriters({ ...health, lastError: writeError ?? health.lastError }),
  };
}

/** After a short page the cursor is the last readable item's own position (a malformed one included). */
function cursorOfLastItem(items: readonly unknown[]): SourceCursor | null {
  for (let i = items.length - 1; i >= 0; i -= 1) {
    const item = items[i];
    if (item === null || typeof item !== 'object') continue;
    const { source_updated_at: at, source_id: id } = item as Record<string, unknown>;
    if (typeof at === 'string' && typeof id === 'string' && id.length > 0 && !Number.isNaN(Date.parse(at)))
      return { updatedSince: at, afterId: id };
  }
  return null;
}
