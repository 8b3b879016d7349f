import cookieParser from 'cookie-parser';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { pinoHttp } from 'pino-http';
import { NotFound, type Catalogue } from '@ioc/core';
import type { AuthService } from '../auth/auth.service';
import { authRoutes, displayLinkHandler, SESSION_OPENING_PATHS } from '../auth/auth.routes';
import { authenticate, requireCsrf } from '../auth/authenticate';
import { loginRateLimit } from '../auth/login-rate-limit';
import { dashboardRoutes } from '../live/dashboard.routes';
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
}

/** Paths of the single-page web app: each answers with its `index.html`, the router picks the screen. */
const APP_ROUTES = ['/', '/wall', '/login', '/password'];
/** Request bodies are small JSON objects; anything bigger is a mistake or an attack. */
const JSON_BODY_LIMIT = '32kb';

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
  app.get('/metrics', async (req, res) => {
    o.policy.authorize(req.principal, 'metrics.read');
    res.type(o.metrics.registry.contentType).send(await o.metrics.registry.metrics());
  });

  // Sessions: the cookie becomes `req.principal` on API requests; writes need the CSRF token (see requireCsrf).
  const loginLimiter = loginRateLimit(o.loginFailuresPerAddress);
  app.use(cookieParser());
  app.use('/api', express.json({ limit: JSON_BODY_LIMIT }), authenticate(o.auth));
  app.use(requireCsrf(SESSION_OPENING_PATHS));

  app.get('/api/catalogue', (req, res) => {
    o.policy.authorize(req.principal, 'catalogue.read');
    res.set('cache-control', 'public, max-age=300').json(o.catalogue);
  });
  app.use(authRoutes({ auth: o.auth, policy: o.policy, loginLimiter }));
  app.use(usersRoutes({ users: o.users, policy: o.policy }));
  app.use(dashboardRoutes({ policy: o.policy, hub: () => o.hub() }));
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
