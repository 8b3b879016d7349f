import type { Logger } from 'pino';
import { z } from 'zod';
import { formatZodIssues, systemClock, type Clock, type Db, type VersionedRecord } from '@ioc/core';
import type { RecordBatch } from '../bus/bus';
import { createKafkaClient } from '../bus/kafka-client';
import { KafkaBatchBus } from '../bus/kafka-batch-bus';
import { kafkaSettings, type KafkaOptions } from '../bus/kafka-settings';
import { recordCodec } from '../bus/record-message-codec';
import { SourceSystem } from '../dossier/dossier-source-settings';
import { retryWithBackoff } from '../retry/retry-with-backoff';
import type { SourceSystemSpec } from '../source/source-ingest';
import type { DossierWritersHealth, DossierWritersRole } from './start-dossier-writers';

/** The same figures as the dossier writers': last write, current error, records, quarantined, partitions held. */
export type RecordWritersHealth = DossierWritersHealth;
export type RecordWritersRole = DossierWritersRole;

export interface RecordWritersOptions {
  db: Db;
  kafka: KafkaOptions;
  /**
   * The consumer group (default '<topicPrefix>.<source>.writers'). One group per system: kafkajs' assignor hands out
   * every subscribed topic's partitions to every member, so members of one group must read the same topics.
   */
  groupId?: string;
  /** The `source_system` whose topic to write (default: the system's own, e.g. 'qlvb'). */
  sourceSystem?: string;
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
  sourceSystem: SourceSystem.optional(),
  maxRecordsPerWrite: z.number().int().min(1).max(10_000).default(500),
  retryBaseMilliseconds: z.number().int().min(1).default(200),
  retryMaxMilliseconds: z.number().int().min(1).default(30_000),
});

/**
 * The writer role of a scaled-out ingestion of a versioned source (documents, projects, KPI samples): one member of
 * a Kafka consumer group writing what that system's connector published, as `startDossierWriters` does for dossiers.
 * Each consumed slice is written with the system's idempotent `write` (records and quarantine, never the cursor: the
 * connector stored it), and its offsets are committed only after the database commit; a failed write is retried, never
 * skipped; a lost bus is joined again. Throws at once on invalid options; after that it never throws.
 */
export function startRecordWriters<T extends VersionedRecord>(spec: SourceSystemSpec<T>, o: RecordWritersOptions): RecordWritersRole {
  const parsed = Settings.safeParse(o);
  if (!parsed.success) throw new Error(`invalid ${spec.label} writers options: ${formatZodIssues(parsed.error.issues)}`);
  const s = parsed.data;
  const source = s.sourceSystem ?? spec.defaultSourceSystem;
  const kafka = kafkaSettings(o.kafka);
  const clock = o.clock ?? systemClock;
  const controller = new AbortController();
  const signal = controller.signal;
  const retry = { baseMilliseconds: s.retryBaseMilliseconds, maxMilliseconds: s.retryMaxMilliseconds };
  const state = { lastWriteAt: null as Date | null, lastError: null as string | null, recordsTotal: 0, quarantinedTotal: 0, partitions: 0 };
  const bus = new KafkaBatchBus<RecordBatch<T>>({
    codec: recordCodec(spec.schema),
    kafka: createKafkaClient(kafka, o.logger),
    settings: kafka,
    logger: o.logger,
    group: {
      groupId: s.groupId ?? `${kafka.topicPrefix}.${source}.writers`,
      sourceSystems: [source],
      maxRecordsPerBatch: s.maxRecordsPerWrite,
      onAssignment: (n) => (state.partitions = n),
    },
  });

  const consume = () =>
    bus.consume(async (batch, batchSignal) => {
      const result = await retryWithBackoff(() => spec.write(o.db, batch.source, batch.records, null, batch.rejected), {
        ...retry,
        signal: batchSignal,
        isRetryable: () => true,
        onRetry: (err, attempt, delayMilliseconds) => {
          o.logger.error({ err, attempt, delayMilliseconds, records: batch.records.length }, 'batch write failed, retrying');
          state.lastError = err instanceof Error ? err.message : String(err);
        },
      });
      state.recordsTotal += batch.records.length;
      state.quarantinedTotal += batch.rejected.length;
      state.lastWriteAt = clock.now();
      state.lastError = null;
      // A routine batch every poll would drown the log; a quarantined record is something a person must look at.
      const level = batch.rejected.length > 0 ? 'warn' : 'debug';
      o.logger[level]({ accepted: result.accepted, unchanged: result.unchanged, quarantined: batch.rejected.length }, 'batch written');
    }, signal);
  const done = retryWithBackoff(consume, {
    ...retry,
    signal,
    isRetryable: () => true,
    onRetry: (err, attempt, delayMilliseconds) => {
      // Nothing is lost: what was not committed is delivered again, to this writer or another.
      o.logger.error({ err, attempt, delayMilliseconds, system: spec.label }, 'record writer lost the bus, joining again');
      state.lastError = `bus: ${err instanceof Error ? err.message : String(err)}`;
    },
  }).catch((err: unknown) => {
    if (!signal.aborted) o.logger.error({ err, system: spec.label }, 'record writer stopped unexpectedly');
  });

  let stopped: Promise<void> | null = null;
  return {
    stop: () =>
      (stopped ??= (async () => {
        controller.abort(new Error(`${spec.label} writers stopped`));
        await done;
        o.logger.info(
          { system: spec.label, recordsTotal: state.recordsTotal, quarantinedTotal: state.quarantinedTotal },
          'record writers stopped',
        );
      })()),
    health: () => ({ ...state }),
  };
}
