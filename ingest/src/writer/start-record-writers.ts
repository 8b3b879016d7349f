import type { Logger } from 'pino';
import { z } from 'zod';
import { formatZodIssues, systemClock, type Clock, type Db, type VersionedRecord } from '@ioc/core';
import type { RecordBatch } from '../bus/bus';
import { createKafkaClient } from '../bus/kafka-client';
import { KafkaBatchBus } from '../bus/kafka-batch-bus';
import { kafkaSettings, type KafkaOptions } from '../bus/kafka-settings';
import { recordCodec } from '../bus/record-message-codec';
import { SourceSystem } from '../source/source-system-name';
import type { SourceSystemSpec } from '../source/source-system-spec';
import { launchRecordWriter, type RecordWriterHealth } from './record-writer';

export interface RecordWritersHealth extends RecordWriterHealth {
  /** Kafka partitions this writer holds now (0 while it is out of the group). */
  partitions: number;
}

export interface RecordWritersRole {
  /** Finishes the batch in hand, leaves the group (others take over at once), resolves when done. */
  stop(): Promise<void>;
  health(): RecordWritersHealth;
}

export interface RecordWritersOptions {
  db: Db;
  kafka: KafkaOptions;
  /**
   * The consumer group (default: the system's `writersGroup`, else '<topicPrefix>.<source>.writers'). One group per
   * system: kafkajs' assignor hands out every subscribed topic's partitions to every member, so members of one group
   * must read the same topics.
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
 * The writer role of a scaled-out ingestion of one source system: one member of a Kafka consumer group that writes
 * what that system's connector published. Start it in as many processes as needed (up to the topic's partition
 * count): they share the partitions, and when one stops or dies the others take its partitions over from the last
 * committed offset. Each consumed slice is written with the system's idempotent `write` (records and quarantine, never
 * the cursor: the connector stored it), and its offsets are committed only after the database commit; a failed write
 * is retried, never skipped; a lost bus is joined again. Throws at once on invalid options; after that it never throws:
 * failures are retried, logged and shown in `health()`.
 */
export function startRecordWriters<T extends VersionedRecord>(spec: SourceSystemSpec<T>, o: RecordWritersOptions): RecordWritersRole {
  const parsed = Settings.safeParse(o);
  if (!parsed.success) throw new Error(`invalid ${spec.label} writers options: ${formatZodIssues(parsed.error.issues)}`);
  const s = parsed.data;
  const source = s.sourceSystem ?? spec.defaultSourceSystem;
  const kafka = kafkaSettings(o.kafka);
  const controller = new AbortController();
  let partitions = 0;
  const bus = new KafkaBatchBus<RecordBatch<T>>({
    codec: recordCodec(spec.schema, spec.wire),
    kafka: createKafkaClient(kafka, o.logger),
    settings: kafka,
    logger: o.logger,
    group: {
      groupId: s.groupId ?? spec.writersGroup?.(kafka.topicPrefix, source) ?? `${kafka.topicPrefix}.${source}.writers`,
      sourceSystems: [source],
      maxRecordsPerBatch: s.maxRecordsPerWrite,
      onAssignment: (n) => (partitions = n),
    },
  });
  const loop = launchRecordWriter(spec, {
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
    stop: () =>
      (stopped ??= (async () => {
        controller.abort(new Error(`${spec.label} writers stopped`));
        await loop.done;
        const { recordsTotal, quarantinedTotal } = loop.health();
        o.logger.info({ system: spec.label, recordsTotal, quarantinedTotal }, 'record writers stopped');
      })()),
    health: () => ({ ...loop.health(), partitions }),
  };
}
