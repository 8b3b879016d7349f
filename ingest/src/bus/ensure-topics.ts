import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { KafkaSettings } from './kafka-settings';

/** How long the broker keeps records: the longest writer outage that loses nothing (infra/README.md, Kafka). */
export const RETENTION_MILLISECONDS = 7 * 24 * 3600 * 1000;
const CREATE_TIMEOUT_MILLISECONDS = 5_000;

/**
 * Tries to create the topics with our partition count and retention, and goes on whatever happens: a cluster with
 * auto-creation creates them on first use anyway (with its defaults), an operator may have created them already, and
 * the librdkafka test broker refuses CreateTopics outright ("Broker 0 not found": it names a controller that does not
 * exist). So a failure is logged, never thrown; a topic that truly is missing fails loudly at produce or subscribe.
 */
export async function ensureTopics(
  kafka: Kafka,
  topics: readonly string[],
  { partitions, replicationFactor }: Pick<KafkaSettings, 'partitions' | 'replicationFactor'>,
  logger: Logger,
): Promise<void> {
  const admin = kafka.admin({ retry: { retries: 1 } });
  try {
    await admin.connect();
    const created = await admin.createTopics({
      topics: topics.map((topic) => ({
        topic,
        numPartitions: partitions,
        replicationFactor,
        configEntries: [{ name: 'retention.ms', value: String(RETENTION_MILLISECONDS) }],
      })),
      timeout: CREATE_TIMEOUT_MILLISECONDS,
    });
    logger.info({ topics, partitions, replicationFactor, created }, 'kafka topics ensured');
  } catch (err) {
    logger.warn({ err, topics }, 'kafka topic creation failed, relying on existing or auto-created topics');
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
