import { z } from 'zod';
import { formatZodIssues } from '@ioc/core';

const HOST_PORT = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

function isHostPort(text: string): boolean {
  const port = Number(HOST_PORT.exec(text)?.[2] ?? 0);
  return port >= 1 && port <= 65_535;
}

/**
 * `KAFKA_BROKERS`: comma-separated `host:port` (spaces around commas allowed), at least one. Parses to the list, or
 * fails naming each bad entry: `"kafka:9O92" is not host:port with a port 1–65535`.
 */
export const KafkaBrokers = z.string().transform((text, ctx) => {
  const brokers = text
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b.length > 0);
  if (brokers.length === 0) ctx.addIssue({ code: 'custom', message: 'expected at least one host:port' });
  for (const b of brokers) if (!isHostPort(b)) ctx.addIssue({ code: 'custom', message: `"${b}" is not host:port with a port 1–65535` });
  return brokers;
});

/** Where and how ingestion talks to Kafka. Only `brokers` is required. */
export interface KafkaOptions {
  /** Bootstrap brokers, `host:port` each (see `KafkaBrokers` to parse `KAFKA_BROKERS`). */
  brokers: readonly string[];
  /** Topics are `<topicPrefix>.<source system>.records`, e.g. `ioc.dvc.records`, `ioc.qlvb.records` (default 'ioc'). */
  topicPrefix?: string;
  /** Shown in broker logs and quotas (default 'ioc-ingest'). */
  clientId?: string;
  /** Partitions of a topic this client creates; the most writers that can share one source (default 12). */
  partitions?: number;
  /**
   * Copies of each partition in a topic this client creates (default 3; 1 on a single-node cluster). Given
   * explicitly: kafkajs speaks CreateTopics up to v3, before "-1 = the broker's default" existed.
   */
  replicationFactor?: number;
  /**
   * How long the group waits for a silent writer before giving its partitions to the others, i.e. how long a crashed
   * writer's partitions stand still (default 10000; at least 6000, below that the librdkafka test broker
   * flip-flops between members).
   */
  sessionTimeoutMilliseconds?: number;
}

const Settings = z.object({
  brokers: z.array(z.string().refine(isHostPort, 'expected host:port with a port 1–65535')).min(1),
  topicPrefix: z
    .string()
    .regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, 'expected letters, digits, "_", "-" and single dots')
    .max(100)
    .default('ioc'),
  clientId: z.string().min(1).max(100).default('ioc-ingest'),
  partitions: z.number().int().min(1).max(1000).default(12),
  replicationFactor: z.number().int().min(1).max(10).default(3),
  sessionTimeoutMilliseconds: z.number().int().min(6000).max(300_000).default(10_000),
});
export type KafkaSettings = z.infer<typeof Settings>;

/** Validates the options and fills defaults; throws naming each bad value. */
export function kafkaSettings(options: KafkaOptions): KafkaSettings {
  const parsed = Settings.safeParse(options);
  if (!parsed.success) throw new Error(`invalid Kafka options: ${formatZodIssues(parsed.error.issues)}`);
  return parsed.data;
}

/** The topic of one source system's records and rejected records, e.g. `ioc.dvc.records`, `ioc.qlvb.records`. */
export function sourceTopic(topicPrefix: string, sourceSystem: string): string {
  return `${topicPrefix}.${sourceSystem}.records`;
}
