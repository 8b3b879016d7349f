import { loadWorkingCalendar, type Db, type WorkingCalendar } from '@ioc/core';
import {
  documentSystemSpec,
  KafkaBrokers,
  KPI_FEED_SYSTEM,
  PROJECT_SYSTEM,
  startDocumentIngest,
  startDossierConnector,
  startDossierIngest,
  startDossierWriters,
  startKpiFeedIngest,
  startProjectIngest,
  startRecordWriters,
  type KafkaOptions,
} from '@ioc/ingest';
import type { Config, ConfigInput } from '../../config/config';
import { createLogger, type Logger } from '../../logging/logger';
import { loadConfigOrExit } from '../load-config';
import { openStore } from '../open-store';
import { onShutdown } from '../shutdown';

/** What `--system` names, with the `source_system` it stores under and the variables that locate it. */
const SYSTEMS = {
  dossier: { source: 'dvc', url: 'IOC_DVC_URL', key: 'IOC_DVC_API_KEY', what: 'the dossier system' },
  document: { source: 'qlvb', url: 'IOC_QLVB_URL', key: 'IOC_QLVB_API_KEY', what: 'the document system' },
  project: { source: 'csdldt', url: 'IOC_CSDLDT_URL', key: 'IOC_CSDLDT_API_KEY', what: 'the project database' },
  kpi: { source: 'kpi', url: 'IOC_KPI_URL', key: 'IOC_KPI_API_KEY', what: 'the KPI feed' },
} as const satisfies Record<string, { source: string; url: keyof Config; key: keyof Config; what: string }>;
type SystemName = keyof typeof SYSTEMS;
const SYSTEM_NAMES = Object.keys(SYSTEMS) as SystemName[];

interface Running {
  stop(): Promise<void>;
}

function refuse(message: string): never {
  process.stderr.write(`ioc: invalid configuration: ${message}\n`);
  process.exit(2);
}

/**
 * The systems to run: those named in IOC_INGEST_SYSTEMS (`--system`), else every system whose URL and key are set;
 * a writer needs neither, so by default it writes every system's topic.
 */
function systemsOf(config: Config): SystemName[] {
  const named = config.IOC_INGEST_SYSTEMS?.split(',').map((s) => s.trim() as SystemName);
  if (named) return [...new Set(named)];
  if (config.IOC_INGEST_ROLE === 'writer') return SYSTEM_NAMES;
  const configured = SYSTEM_NAMES.filter((name) => config[SYSTEMS[name].url] !== undefined || config[SYSTEMS[name].key] !== undefined);
  if (configured.length === 0)
    refuse(
      `no source system to pull: set ${SYSTEM_NAMES.map((n) => `${SYSTEMS[n].url} and ${SYSTEMS[n].key}`).join(', or ')} ` +
        '(e.g. what `ioc simulate <system>` prints)',
    );
  return configured;
}

function sourceOf(config: Config, name: SystemName): { sourceUrl: string; apiKey: string } {
  const { url, key, what } = SYSTEMS[name];
  const sourceUrl = config[url];
  const apiKey = config[key];
  if (!sourceUrl || !apiKey) refuse(`${url} and ${key} are required to pull ${what} (e.g. what \`ioc simulate ${name}\` prints)`);
  return { sourceUrl, apiKey };
}

/**
 * Ingestion without the server, for the dossier system, the document system, the project database and the KPI feed
 * (`--system`, default: those configured). Without KAFKA_BROKERS: connector and writer of each system in this process
 * (in-process bus). With it: `--role all` runs both over Kafka, `connector` only pulls and publishes, `writer` joins
 * each system's writers' consumer group; start as many writers as the topics have partitions to spare.
 */
export async function runIngest(flags: ConfigInput): Promise<void> {
  const config = loadConfigOrExit(flags);
  const role = config.IOC_INGEST_ROLE;
  if (role !== 'all' && !config.KAFKA_BROKERS) refuse(`IOC_INGEST_ROLE=${role}: a split role needs KAFKA_BROKERS`);
  const kafka: KafkaOptions | undefined = config.KAFKA_BROKERS
    ? { brokers: KafkaBrokers.parse(config.KAFKA_BROKERS), topicPrefix: config.IOC_KAFKA_TOPIC_PREFIX }
    : undefined;
  const systems = systemsOf(config);
  const sources = new Map(systems.map((name) => [name, role === 'writer' ? null : sourceOf(config, name)]));
  const logger = createLogger(config.LOG_LEVEL);
  const store = await openStore(config, logger);
  const calendar = systems.includes('document') ? await loadWorkingCalendar() : undefined;
  const running: Running[] = [];
  for (const name of systems)
    running.push(await startSystem(name, { config, kafka, logger, db: store.db, source: sources.get(name) ?? null, calendar }));
  logger.info(
    {
      role,
      systems,
      transport: kafka ? 'kafka' : 'in-process',
      sources: Object.fromEntries([...sources].map(([name, s]) => [name, s?.sourceUrl ?? null])),
      store: store.description,
    },
    'ingest started',
  );
  onShutdown(logger, async () => {
    await Promise.all(running.map((r) => r.stop()));
    await store.db.close();
  });
}

async function startSystem(
  name: SystemName,
  env: {
    config: Config;
    kafka: KafkaOptions | undefined;
    logger: Logger;
    db: Db;
    source: { sourceUrl: string; apiKey: string } | null;
    calendar: WorkingCalendar | undefined;
  },
): Promise<Running> {
  const { config, kafka, source } = env;
  const role = config.IOC_INGEST_ROLE;
  const sourceSystem = SYSTEMS[name].source;
  const common = { db: env.db, logger: env.logger.child({ component: 'ingest', connector: sourceSystem }) };
  const given = config.IOC_KAFKA_GROUP_ID;
  // One consumer group per system (members of a group must read the same topics); the dossier one keeps its name.
  const groupId = name === 'dossier' ? given : given && `${given}.${sourceSystem}`;
  const group = groupId ? { groupId } : {};
  const pull = {
    pollIntervalMilliseconds: config.IOC_POLL_INTERVAL_MS,
    maxRequestsPerSecond: config.IOC_SOURCE_MAX_REQUESTS_PER_SECOND,
  };
  if (name === 'dossier') {
    if (role === 'writer') return startDossierWriters({ ...common, kafka: kafka!, ...group });
    if (role === 'connector') return startDossierConnector({ ...common, ...source!, ...pull, kafka: kafka! });
    return startDossierIngest({ ...common, ...source!, ...pull, ...(kafka ? { kafka, ...group } : {}) });
  }
  if (role === 'writer') {
    const writers = { ...common, kafka: kafka!, ...group };
    if (name === 'document') return startRecordWriters(documentSystemSpec(env.calendar!), writers);
    return name === 'project' ? startRecordWriters(PROJECT_SYSTEM, writers) : startRecordWriters(KPI_FEED_SYSTEM, writers);
  }
  const options = { ...common, ...source!, ...pull, ...(kafka ? { kafka, ...group, role } : {}) };
  if (name === 'document') return startDocumentIngest({ ...options, calendar: env.calendar! });
  return name === 'project' ? startProjectIngest(options) : startKpiFeedIngest(options);
}
