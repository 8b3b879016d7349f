import { randomBytes } from 'node:crypto';
import { loadCatalogue, seedUnitsFromCatalogue, systemClock, type Catalogue, type Clock } from '@ioc/core';
import {
  LOCAL_SIMULATOR_REQUESTS_PER_SECOND,
  startDossierIngest,
  startDossierSimulator,
  startSimulatedSourceSystems,
  type DossierSimulator,
} from '@ioc/ingest';
import type { Config } from '../config/config';
import type { Logger } from '../logging/logger';
import { startServer, type RunningServer } from '../runtime/start-server';
import { alertingSettingsOf } from '../incidents/incident-runtime';
import { startNotifications } from '../notifications/start-notifications';
import type { FirstAccount } from '../users/users.service';
import { openStore, type OpenedStore } from './open-store';

export interface EmbeddedOptions {
  config: Config;
  logger: Logger;
  ephemeral?: boolean;
  clock?: Clock;
  webDist?: string;
  /** false: the simulator changes only when a test calls `step()`. */
  liveSimulator?: boolean;
}

export interface Embedded {
  url: string;
  catalogue: Catalogue;
  store: OpenedStore;
  simulator: DossierSimulator;
  server: RunningServer;
  /** The first-login accounts created because the store had none (printed once), or null. */
  firstAccounts: FirstAccount[] | null;
  stop(): Promise<void>;
}

/**
 * Everything in one process, the embedded default: the store, the dossier-system simulator on a local port, the
 * connector that really pulls it over HTTP, the writer, the server and the live hub. Stops in the reverse order.
 */
export async function startEmbedded(o: EmbeddedOptions): Promise<Embedded> {
  const { config, logger } = o;
  const catalogue = await loadCatalogue();
  const store = await openStore(config, logger, { ephemeral: o.ephemeral ?? false });
  const apiKey = randomBytes(16).toString('hex');
  const simulator = await startDossierSimulator({
    catalogue,
    apiKey,
    host: '127.0.0.1',
    port: config.IOC_SIM_PORT,
    seed: config.IOC_SIM_SEED,
    backlogDays: config.IOC_SIM_BACKLOG_DAYS,
    minChangesPerSecond: config.IOC_SIM_RATE,
    logger: logger.child({ component: 'simulator', system: 'dvc' }),
    ...(o.clock ? { clock: o.clock } : {}),
    ...(o.liveSimulator === false ? { live: false } : {}),
  });
  // The current province and communes with the lineage of the units they replaced (idempotent).
  await seedUnitsFromCatalogue(store.db, catalogue);
  // The document system, the project database and the KPI feed: simulators on free ports, pulled over HTTP.
  const otherSystems = await startSimulatedSourceSystems({
    db: store.db,
    catalogue,
    logger,
    seed: config.IOC_SIM_SEED,
    backlogDays: config.IOC_SIM_BACKLOG_DAYS,
    pollIntervalMilliseconds: config.IOC_POLL_INTERVAL_MS,
    ...(o.clock ? { clock: o.clock } : {}),
  });
  const ingest = startDossierIngest({
    db: store.db,
    sourceUrl: simulator.url,
    apiKey,
    pollIntervalMilliseconds: config.IOC_POLL_INTERVAL_MS,
    maxRequestsPerSecond: LOCAL_SIMULATOR_REQUESTS_PER_SECOND,
    logger: logger.child({ component: 'ingest', connector: 'dvc' }),
  });
  const server = await startServer({
    db: store.db,
    catalogue,
    clock: o.clock ?? systemClock,
    logger,
    host: config.HOST,
    port: config.PORT,
    patchesPerSecond: config.IOC_LIVE_PATCHES_PER_SECOND,
    clockSeconds: config.IOC_LIVE_CLOCK_SECONDS,
    ...(o.webDist ? { webDist: o.webDist } : {}),
    healthDetails: () => ({ ingest: { dvc: ingest.health(), ...otherSystems.health() } }),
    loginFailuresPerAddress: config.IOC_LOGIN_FAILURES_PER_ADDRESS,
    writesPerMinute: config.IOC_WRITE_RATE_PER_MINUTE,
    alerting: alertingSettingsOf(config),
    dashboardsDir: config.IOC_DASHBOARDS_DIR,
  });
  const firstAccounts = await server.accounts.users.seedFirstAccounts();
  // Webhook and e-mail contact points (IOC_NOTIFY_*); null when none is configured. They take the alert engine's
  // notifications (escalations included) when this server runs it.
  const alerting = server.incidents.alerting;
  const notifications = await startNotifications({
    db: store.db,
    config,
    catalogue,
    clock: o.clock ?? systemClock,
    logger,
    registry: server.metrics.registry,
    ...(alerting ? { onNotification: alerting.onNotification.bind(alerting) } : {}),
  });
  return {
    url: server.url,
    catalogue,
    store,
    simulator,
    server,
    firstAccounts,
    async stop() {
      await ingest.stop();
      await otherSystems.stop();
      await simulator.stop();
      await notifications?.close();
      await server.close();
      await store.db.close();
    },
  };
}
