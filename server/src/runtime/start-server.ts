import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { loadDashboards, loadMetricCatalogue, type Catalogue, type Clock, type Db } from '@ioc/core';
import { createApp } from '../http/app';
import { readinessProbe } from '../http/readiness';
import { openClusterAdapter } from '../live/cluster-adapter';
import { LiveHub } from '../live/live-hub';
import type { Logger } from '../logging/logger';
import { createMetrics, type Metrics } from '../metrics/metrics';
import { prepareIncidentRuntime, type AlertingSettings, type IncidentRuntime } from '../incidents/incident-runtime';
import { createAccountServices, type AccountServices } from './services';

export interface ServerOptions {
  db: Db;
  catalogue: Catalogue;
  clock: Clock;
  logger: Logger;
  host: string;
  port: number;
  patchesPerSecond: number;
  clockSeconds: number;
  webDist?: string;
  /** Extra facts for `/healthz` (e.g. the ingest pipeline's state). */
  healthDetails?: () => Record<string, unknown>;
  /** Failed sign-ins per client address within 15 minutes before 429 (IOC_LOGIN_FAILURES_PER_ADDRESS). */
  loginFailuresPerAddress?: number;
  /** Writes per session (or address) per minute before 429 (IOC_WRITE_RATE_PER_MINUTE); default 120. */
  writesPerMinute?: number;
  /** Several server processes behind one address: REDIS_URL, else the PostgreSQL store, share live rooms. */
  cluster?: { redisUrl?: string | undefined; databaseUrl?: string | undefined };
  /** Runs the SLA alert engine (`ioc start`, `ioc server`); absent: alerts and incidents are served, never evaluated. */
  alerting?: AlertingSettings;
  /** IOC_DASHBOARDS_DIR: the dashboards' YAML files; the shipped ones by default. */
  dashboardsDir?: string | undefined;
}

export interface RunningServer {
  url: string;
  port: number;
  hub: LiveHub;
  metrics: Metrics;
  http: HttpServer;
  /** The express app behind `http` (the OpenAPI test walks its routes). */
  app: Express;
  /** Sign-in, sessions, accounts and the policy, over the server's store. */
  accounts: AccountServices;
  /** Alerts, incidents, silences and the alert engine (when `alerting` was given). */
  incidents: IncidentRuntime;
  close(): Promise<void>;
}

/**
 * The HTTP server, the API and the live hub on one port. `/healthz` answers 503 until the live hub has computed its
 * first state (the store is migrated before this is called), then 200.
 */
export async function startServer(o: ServerOptions): Promise<RunningServer> {
  const metrics = createMetrics();
  const accounts = createAccountServices(o);
  // Validated before the port opens, like the rules: a dashboard file that fails stops start-up naming its file and
  // line, instead of answering 500 at the first request.
  const metricCatalogue = await loadMetricCatalogue();
  const dashboards = await loadDashboards(metricCatalogue, o.dashboardsDir, accounts.scopes);
  const incidents = await prepareIncidentRuntime({ ...o, scopes: accounts.scopes, policy: accounts.policy, auth: accounts.auth });
  let hub: LiveHub | null = null;
  let ready = false;
  const app = createApp({
    logger: o.logger,
    metrics,
    catalogue: o.catalogue,
    auth: accounts.auth,
    users: accounts.users,
    policy: accounts.policy,
    hub: () => hub!,
    loginFailuresPerAddress: o.loginFailuresPerAddress ?? 20,
    ...(o.writesPerMinute ? { writesPerMinute: o.writesPerMinute } : {}),
    db: o.db,
    clock: o.clock,
    metricCatalogue: () => Promise.resolve(metricCatalogue),
    dashboards: () => Promise.resolve(dashboards),
    alertRoutes: incidents.routers,
    readiness: readinessProbe({ db: o.db, liveUp: () => ready && hub !== null && http.listening }),
    ...(o.webDist ? { webDist: o.webDist } : {}),
    health: () => ({
      ready,
      details: { store: o.db.kind, live: { ready, clients: hub?.clients ?? 0 }, ...incidents.health(), ...(o.healthDetails?.() ?? {}) },
    }),
  });
  const http = createServer(app);
  const cluster = o.cluster ? await openClusterAdapter({ ...o.cluster, logger: o.logger.child({ component: 'live' }) }) : null;
  hub = new LiveHub(http, {
    cluster,
    db: o.db,
    catalogue: o.catalogue,
    clock: o.clock,
    logger: o.logger.child({ component: 'live' }),
    metrics,
    auth: accounts.auth,
    policy: accounts.policy,
    scopes: accounts.scopes,
    patchesPerSecond: o.patchesPerSecond,
    clockSeconds: o.clockSeconds,
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(o.port, o.host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  await hub.start();
  await incidents.start(hub);
  ready = true;
  const { port } = http.address() as AddressInfo;
  const host = o.host.includes(':') ? `[${o.host}]` : o.host === '0.0.0.0' ? '127.0.0.1' : o.host;
  const liveHub = hub;
  return {
    url: `http://${host}:${port}`,
    port,
    hub: liveHub,
    metrics,
    http,
    app,
    accounts,
    incidents,
    async close() {
      ready = false;
      await incidents.close();
      await liveHub.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
