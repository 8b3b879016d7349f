import { KafkaBrokers, startDossierConnector, startDossierIngest, startDossierWriters, type KafkaOptions } from '@ioc/ingest';
import type { Config, ConfigInput } from '../../config/config';
import { createLogger } from '../../logging/logger';
import { loadConfigOrExit } from '../load-config';
import { openStore } from '../open-store';
import { onShutdown } from '../shutdown';

function refuse(message: string): never {
  process.stderr.write(`ioc: invalid configuration: ${message}\n`);
  process.exit(2);
}

function sourceOf(config: Config): { sourceUrl: string; apiKey: string } {
  if (!config.IOC_DVC_URL || !config.IOC_DVC_API_KEY)
    refuse('IOC_DVC_URL and IOC_DVC_API_KEY are required to pull the dossier system (e.g. what `ioc simulate dossier` prints)');
  return { sourceUrl: config.IOC_DVC_URL, apiKey: config.IOC_DVC_API_KEY };
}

/**
 * Ingestion without the server. Without KAFKA_BROKERS: connector and writer in this process (in-process bus). With
 * it: `--role all` runs both over Kafka, `connector` only pulls and publishes, `writer` joins the writers' consumer
 * group; start as many writers as the topic has partitions to spare.
 */
export async function runIngest(flags: ConfigInput): Promise<void> {
  const config = loadConfigOrExit(flags);
  const role = config.IOC_INGEST_ROLE;
  if (role !== 'all' && !config.KAFKA_BROKERS) refuse(`IOC_INGEST_ROLE=${role}: a split role needs KAFKA_BROKERS`);
  const kafka: KafkaOptions | undefined = config.KAFKA_BROKERS
    ? { brokers: KafkaBrokers.parse(config.KAFKA_BROKERS), topicPrefix: config.IOC_KAFKA_TOPIC_PREFIX }
    : undefined;
  const source = role === 'writer' ? null : sourceOf(config);
  const logger = createLogger(config.LOG_LEVEL);
  const store = await openStore(config, logger);
  const common = { db: store.db, logger: logger.child({ component: 'ingest', connector: 'dvc' }) };
  const groupId = config.IOC_KAFKA_GROUP_ID;
  const running =
    role === 'writer'
      ? startDossierWriters({ ...common, kafka: kafka!, ...(groupId ? { groupId } : {}) })
      : role === 'connector'
        ? startDossierConnector({ ...common, ...source!, pollIntervalMilliseconds: config.IOC_POLL_INTERVAL_MS, kafka: kafka! })
        : startDossierIngest({
            ...common,
            ...source!,
            pollIntervalMilliseconds: config.IOC_POLL_INTERVAL_MS,
            ...(kafka ? { kafka, ...(groupId ? { groupId } : {}) } : {}),
          });
  logger.info(
    { role, transport: kafka ? 'kafka' : 'in-process', source: source?.sourceUrl ?? null, store: store.description },
    'ingest started',
  );
  onShutdown(logger, async () => {
    await running.stop();
    await store.db.close();
  });
}
