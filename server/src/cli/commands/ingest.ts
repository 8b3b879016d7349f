import { startDossierIngest } from '@ioc/ingest';
import type { ConfigInput } from '../../config/config';
import { createLogger } from '../../logging/logger';
import { loadConfigOrExit } from '../load-config';
import { openStore } from '../open-store';
import { onShutdown } from '../shutdown';

/** Ingestion alone: pulls the dossier system at IOC_DVC_URL into the configured store. */
export async function runIngest(flags: ConfigInput): Promise<void> {
  const config = loadConfigOrExit(flags);
  if (!config.IOC_DVC_URL || !config.IOC_DVC_API_KEY) {
    process.stderr.write(
      'ioc: invalid configuration: IOC_DVC_URL and IOC_DVC_API_KEY are required for `ioc ingest` (the dossier system to pull, e.g. from `ioc simulate dossier`)\n',
    );
    process.exit(2);
  }
  const logger = createLogger(config.LOG_LEVEL);
  const store = await openStore(config, logger);
  const ingest = startDossierIngest({
    db: store.db,
    sourceUrl: config.IOC_DVC_URL,
    apiKey: config.IOC_DVC_API_KEY,
    pollIntervalMilliseconds: config.IOC_POLL_INTERVAL_MS,
    logger: logger.child({ component: 'ingest', connector: 'dvc' }),
  });
  logger.info({ source: config.IOC_DVC_URL, store: store.description }, 'ingest started');
  onShutdown(logger, async () => {
    await ingest.stop();
    await store.db.close();
  });
}
