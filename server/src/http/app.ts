import express, { type Express } from 'express';
import helmet from 'helmet';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { pinoHttp } from 'pino-http';
import { NotFound, type Catalogue } from '@ioc/core';
import type { Logger } from '../logging/logger';
import type { Metrics } from '../metrics/metrics';
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
}

/** Paths of the single-page web app: each answers with its `index.html`, the router picks the screen. */
const APP_ROUTES = ['/', '/wall'];

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

  app.get('/healthz', (_req, res) => {
    const h = o.health();
    res.status(h.ready ? 200 : 503).json({ status: h.ready ? 'ok' : 'starting', ...h.details });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(o.metrics.registry.contentType).send(await o.metrics.registry.metrics());
  });
  app.get('/api/catalogue', (_req, res) => {
    res.set('cache-control', 'public, max-age=300').json(o.catalogue);
  });
  app.use('/api', (req) => {
    throw NotFound.create({ path: req.originalUrl.split('?')[0] ?? req.path });
  });

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
