import { countAccounts, loadCatalogue, systemClock } from '@ioc/core';
import type { ConfigInput } from '../../config/config';
import { createLogger } from '../../logging/logger';
import { startServer } from '../../runtime/start-server';
import { startNotifications } from '../../notifications/start-notifications';
import { alertingSettingsOf } from '../../incidents/incident-runtime';
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
    writesPerMinute: config.IOC_WRITE_RATE_PER_MINUTE,
    cluster: { redisUrl: config.REDIS_URL, databaseUrl: config.DATABASE_URL },
    alerting: alertingSettingsOf(config),
    dashboardsDir: config.IOC_DASHBOARDS_DIR,
  });
  // Webhook and e-mail contact points (IOC_NOTIFY_*); null when none is configured. They take the alert engine's
  // notifications (escalations included) when this server runs it.
  const alerting = server.incidents.alerting;
  const notifications = await startNotifications({
    db: store.db,
    config,
    catalogue,
    clock: systemClock,
    logger,
    registry: server.metrics.registry,
    ...(alerting ? { onNotification: alerting.onNotification.bind(alerting) } : {}),
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
    await notifications?.close();
    await server.close();
    await store.db.close();
  });
}
