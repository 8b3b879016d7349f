import { countAccounts, loadCatalogue, systemClock } from '@ioc/core';
import type { ConfigInput } from '../../config/config';
import { createLogger } from '../../logging/logger';
import { startServer } from '../../runtime/start-server';
import { loadConfigOrExit } from '../load-config';
import { openStore } from '../open-store';
import { onShutdown } from '../shutdown';
import { printBanner } from '../banner';

/**
 * The server alone: API and live hub over the configured store. With DATABASE_URL, several can run beside
 * `ioc ingest` processes; each learns of new data from the database's change notices.
 */
export async function runServe(flags: ConfigInput): Promise<void> {
  const config = loadConfigOrExit(flags);
  const logger = createLogger(config.LOG_LEVEL);
  const startedAt = Date.now();
  const catalogue = await loadCatalogue();
  const store = await openStore(config, logger);
  const server = await startServer({
    db: store.db,
    catalogue,
    clock: systemClock,
    logger,
    host: config.HOST,
    port: config.PORT,
    patchesPerSecond: config.IOC_LIVE_PATCHES_PER_SECOND,
    clockSeconds: config.IOC_LIVE_CLOCK_SECONDS,
    loginFailuresPerAddress: config.IOC_LOGIN_FAILURES_PER_ADDRESS,
  });
  printBanner({
    url: server.url,
    store: store.description,
    provinceName: catalogue.province.name,
    secondsToStart: (Date.now() - startedAt) / 1000,
    // `ioc server` never creates accounts: a deployment's first admin is made with `ioc user add`.
    firstAccounts: null,
    accountCount: await countAccounts(store.db),
    embedded: !config.DATABASE_URL,
  });
  onShutdown(logger, async () => {
    await server.close();
    await store.db.close();
  });
}
