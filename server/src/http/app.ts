import cookieParser from 'cookie-parser';
import express, { type Express, type Router } from 'express';
import helmet from 'helmet';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { pinoHttp } from 'pino-http';
import {
  NotFound,
  createScopeIndex,
  loadDashboards,
  loadMetricCatalogue,
  systemClock,
  type Catalogue,
  type Clock,
  type Dashboard,
  type Db,
  type MetricCatalogue,
  type ReadinessBody,
} from '@ioc/core';
import type { AuthService } from '../auth/auth.service';
import { authRoutes, displayLinkHandler, SESSION_OPENING_PATHS } from '../auth/auth.routes';
import { authenticate, requireCsrf } from '../auth/authenticate';
import { loginRateLimit } from '../auth/login-rate-limit';
import { dashboardRoutes } from '../live/dashboard.routes';
import { DashboardsService } from '../dashboards/dashboards.service';
import { dashboardsRoutes } from '../dashboards/dashboards.routes';
import { auditRoutes } from '../audit/audit.routes';
import { catalogueRoutes } from '../catalogue/catalogue.routes';
import { openApiRoutes } from '../openapi/openapi.routes';
import { reportsRoutes } from '../reports/reports.routes';
import { quarantineRoutes } from '../quarantine/quarantine.routes';
import { importsRoutes } from '../imports/imports.routes';
import { ImportsService } from '../imports/imports.service';
import { QuarantineService } from '../quarantine/quarantine.service';
import { SourceHealthService } from '../sources/source-health.service';
import { registerSourceHealthMetrics, sourcesRoutes } from '../sources/sources.routes';
import { writeRateLimit } from './rate-limit-writes';
import type { LiveHub } from '../live/live-hub';
import type { Logger } from '../logging/logger';
import type { Metrics } from '../metrics/metrics';
import type { Policy } from '../policy/policy';
import { usersRoutes } from '../users/users.routes';
import type { UsersService } from '../users/users.service';
import { errorHandler } from './error-handler';

export const DEFAULT_WEB_DIST = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

export interface AppOptions {
  logger: Logger;
  metrics: Metrics;
  catalogue: Catalogue;
  /** The built web app; `npm start` builds it first. */
  webDist?: string;
  /** What `/healthz` reports; `ready: false` answers 503 (store not migrated or live hub not up yet). */
  health(): { ready: boolean; details: Record<string, unknown> };
  auth: AuthService;
  users: UsersService;
  policy: Policy;
  /** The live hub, once it exists: it is created on the HTTP server, which is created with this app. */
  hub(): LiveHub;
  /** Failed sign-ins per client address within 15 minutes before 429 `auth.rateLimited`. */
  loginFailuresPerAddress: number;
  /** Writes per session (or per address without one) per minute before 429 `request.rateLimited` (IOC_WRITE_RATE_PER_MINUTE). */
  writesPerMinute?: number;
  /** What `/readyz` answers (see `readinessProbe`); absent: ready when `health()` is. */
  readiness?: () => Promise<ReadinessBody>;
  /** The store, for `GET /api/audit`; absent (tests of the bare app): no audit route. */
  db?: Db;
  /** The metric catalogue for `GET /api/metrics`; absent: the shipped one, read at the first request. */
  metricCatalogue?: () => Promise<MetricCatalogue>;
  /** `/api/alerts`, `/api/incidents`, `/api/silences` (server/src/incidents, silences, alerts). */
  alertRoutes?: Router[];
  /** Stamps source freshness and quarantine replays; default the system clock. */
  clock?: Clock;
  /** Dashboards as code for `/api/dashboards`; absent: the shipped ones, validated at the first request. */
  dashboards?: () => Promise<Dashboard[]>;
}

/** Paths of the single-page web app: each answers with its `index.html`, the router picks the screen. */
const APP_ROUTES = ['/', '/wall', '/login', '/password', '/ops', '/dashboards', '/dashboards/:id'];
/** Request bodies are small JSON objects; anything bigger is a mistake or an attack. */
const JSON_BODY_LIMIT = '32kb';
/** IOC_WRITE_RATE_PER_MINUTE's default: far above a person's clicks, far below a script's loop. */
export const DEFAULT_WRITES_PER_MINUTE = 120;

function redactDisplayToken<R extends { url?: string; query?: unknown }>(req: R): R {
  if (req.url?.includes('display=')) req.url = req.url.replace(/([?&]display=)[^&#]*/g, '$1[redacted]');
  const query = req.query as Record<string, unknown> | undefined;
  if (query && typeof query === 'object' && 'display' in query) req.query = { ...query, display: '[redacted]' };
  return req;
}

export function createApp(o: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          // Vue and ECharts set style attributes at run time; no inline <style> or script is served.
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:', 'blob:'],
          connectSrc: ["'self'"],
          fontSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          frameAncestors: ["'none'"],
          formAction: ["'self'"],
        },
      },
      // The embedded default serves plain HTTP on loopback: upgrading requests to HTTPS would break it.
      strictTransportSecurity: false,
    }),
  );
  app.use(
    pinoHttp({
      logger: o.logger.child({ component: 'http' }),
      genReqId: (req) => (req.headers['x-request-id'] as string | undefined) ?? randomUUID(),
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/metrics' },
      // A display link carries its pairing token in the query string: it never reaches a log.
      serializers: { req: redactDisplayToken },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'info' : 'debug'),
    }),
  );
  app.use((req, res, next) => {
    res.on('finish', () => {
      // The matched route pattern, never the raw path: ids in paths would make one time series per id.
      const route = (req.route as { path?: string } | undefined)?.path ?? (req.path.startsWith('/assets/') ? '/assets' : 'other');
      o.metrics.httpRequests.inc({ route, status: `${Math.floor(res.statusCode / 100)}xx` });
    });
    next();
  });

  app.get('/healthz', (req, res) => {
    o.policy.authorize(req.principal, 'health.read');
    const h = o.health();
    res.status(h.ready ? 200 : 503).json({ status: h.ready ? 'ok' : 'starting', ...h.details });
  });
  app.get('/readyz', async (req, res) => {
    o.policy.authorize(req.principal, 'health.read');
    const ready = o.readiness ? await o.readiness() : null;
    const ok = ready ? ready.status === 'ready' : o.health().ready;
    res
      .status(ok ? 200 : 503)
      .set('cache-control', 'no-store')
      .json(ready ?? { status: ok ? 'ready' : 'unavailable' });
  });
  app.get('/metrics', async (req, res) => {
    o.policy.authorize(req.principal, 'metrics.read');
    res.type(o.metrics.registry.contentType).send(await o.metrics.registry.metrics());
  });

  // Sessions: the cookie becomes `req.principal` on API requests; writes need the CSRF token (see requireCsrf).
  const loginLimiter = loginRateLimit(o.loginFailuresPerAddress);
  app.use(cookieParser());
  app.use('/api', express.json({ limit: JSON_BODY_LIMIT }), authenticate(o.auth));
  app.use(requireCsrf(SESSION_OPENING_PATHS));
  app.use('/api', writeRateLimit(o.writesPerMinute ?? DEFAULT_WRITES_PER_MINUTE, SESSION_OPENING_PATHS));

  app.get('/api/catalogue', (req, res) => {
    o.policy.authorize(req.principal, 'catalogue.read');
    res.set('cache-control', 'public, max-age=300').json(o.catalogue);
  });
  app.use(authRoutes({ auth: o.auth, policy: o.policy, loginLimiter }));
  app.use(usersRoutes({ users: o.users, policy: o.policy }));
  app.use(dashboardRoutes({ policy: o.policy, hub: () => o.hub() }));
  const scopes = createScopeIndex(o.catalogue);
  const metricCatalogue = o.metricCatalogue ? { metricCatalogue: o.metricCatalogue } : {};
  app.use(catalogueRoutes({ policy: o.policy, catalogue: o.catalogue, scopes, ...metricCatalogue }));
  if (o.db) app.use(auditRoutes({ db: o.db, policy: o.policy, scopes }));
  if (o.db) app.use(reportsRoutes({ db: o.db, catalogue: o.catalogue, scopes, policy: o.policy }));
  if (o.db) {
    const clock = o.clock ?? systemClock;
    const sources = new SourceHealthService({ db: o.db, clock, ...(o.metricCatalogue ? { metricCatalogue: o.metricCatalogue } : {}) });
    registerSourceHealthMetrics(o.metrics.registry, sources);
    app.use(sourcesRoutes({ sources, policy: o.policy }));
    app.use(quarantineRoutes({ quarantine: new QuarantineService({ db: o.db, clock }), policy: o.policy }));
    app.use(importsRoutes({ imports: new ImportsService({ db: o.db, clock, scopes }), policy: o.policy }));
    // After the wall's live route: GET /api/dashboards/wall keeps answering with the wall's state, not its definition.
    const metrics = o.metricCatalogue ?? (() => loadMetricCatalogue());
    let dashboards: Promise<Dashboard[]> | undefined;
    // A file that fails validation answers 500 naming it in the log, and is read again on the next request once fixed.
    const loadShipped = () =>
      (dashboards ??= metrics()
        .then((m) => loadDashboards(m, undefined, scopes))
        .catch((e: unknown) => {
          dashboards = undefined;
          throw e;
        }));
    const service = new DashboardsService({
      db: o.db,
      catalogue: o.catalogue,
      scopes,
      clock,
      dashboards: o.dashboards ?? loadShipped,
      metricCatalogue: metrics,
    });
    app.use(dashboardsRoutes({ dashboards: service, policy: o.policy }));
  }
  app.use(openApiRoutes({ policy: o.policy }));
  for (const router of o.alertRoutes ?? []) app.use(router);
  app.use('/api', (req) => {
    throw NotFound.create({ path: req.originalUrl.split('?')[0] ?? req.path });
  });

  // The display link printed by `ioc start`: pairs the browser, then redirects to the wall without the token.
  app.get('/wall', ...displayLinkHandler({ auth: o.auth, policy: o.policy, loginLimiter }));

  const webDist = o.webDist ?? DEFAULT_WEB_DIST;
  const index = `${webDist}/index.html`;
  app.use(
    express.static(webDist, {
      index: false,
      maxAge: '1h',
      setHeaders: (res, path) => path.includes('/assets/') && res.setHeader('cache-control', 'public, max-age=31536000, immutable'),
    }),
  );
  app.get(APP_ROUTES, (_req, res) => {
    if (!existsSync(index)) {
      res
        .status(503)
        .type('text/plain; charset=utf-8')
        .send('Ứng dụng web chưa được build. Chạy: npm run build:web\nThe web app is not built. Run: npm run build:web\n');
      return;
    }
    res.set('cache-control', 'no-cache').sendFile(index);
  });
  app.use((req) => {
    throw NotFound.create({ path: req.path });
  });
  app.use(errorHandler(o.logger));
  return app;
}
