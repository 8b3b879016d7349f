import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { z } from 'zod';
import { formatZodIssues } from '@ioc/core';
import type { DossierModel } from './dossier-model';
import { maybeMalformed } from './malformed-records';
import { wireOf } from './sim-dossier';
import { toProvinceIso } from './working-time';

export const DOSSIERS_PATH = '/api/v1/dossiers';
export const DEFAULT_PAGE_SIZE = 500;
export const MAX_PAGE_SIZE = 1000;

/** The query of `GET /api/v1/dossiers`. Unknown parameters are refused: a typo must not silently mean "everything". */
const DossierQuery = z
  .strictObject({
    updated_since: z.iso.datetime({ offset: true }).optional(),
    after_id: z.string().min(1).max(64).optional(),
    limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
  })
  .refine((q) => q.after_id === undefined || q.updated_since !== undefined, { path: ['after_id'], message: 'needs updated_since' });

export interface DossierApiOptions {
  model: DossierModel;
  /** Runs before each page is read: a live simulator materialises the changes up to its now there. */
  beforeRead?: () => void;
  apiKey: string;
  malformedEvery?: number;
  logger: Logger;
}

/**
 * The HTTP face of the simulated dossier system, shaped like the provincial system behind the integration platform
 * (LGSP): an API key per consumer, cursor paging on (source_updated_at, source_id), JSON errors.
 */
export function createDossierApi(o: DossierApiOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const expectedKey = digest(o.apiKey);
  return (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://simulator');
      if (url.pathname === '/healthz') return send(res, 200, { status: 'ok' });
      if (url.pathname !== DOSSIERS_PATH) return send(res, 404, { code: 'request.notFound', message: `no route ${url.pathname}` });
      if (req.method !== 'GET') return send(res, 405, { code: 'request.methodNotAllowed', message: 'only GET is supported' });
      const key = req.headers['x-api-key'];
      // Compared as digests in constant time: the key is the only thing between the network and the data.
      if (typeof key !== 'string' || !timingSafeEqual(digest(key), expectedKey)) {
        o.logger.info({ path: url.pathname }, 'request without a valid api key');
        return send(res, 401, { code: 'auth.invalidApiKey', message: 'missing or wrong x-api-key header' });
      }
      const query = DossierQuery.safeParse(Object.fromEntries(url.searchParams));
      if (!query.success) {
        const issues = formatZodIssues(query.error.issues);
        o.logger.info({ issues }, 'invalid dossier query');
        return send(res, 400, {
          code: 'request.invalid',
          message: issues,
          details: { issues: query.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) },
        });
      }
      const { updated_since, after_id, limit } = query.data;
      o.beforeRead?.();
      const page = o.model.page(updated_since === undefined ? -Infinity : Date.parse(updated_since), after_id ?? '', limit);
      const last = page[page.length - 1];
      const next = page.length === limit && last ? { updated_since: toProvinceIso(last.updatedAt), after_id: last.sourceId } : null;
      o.logger.debug({ items: page.length, limit, full: next !== null }, 'dossier page served');
      return send(res, 200, { items: page.map((d) => maybeMalformed(wireOf(d), d, o.malformedEvery)), next });
    } catch (err) {
      o.logger.error({ err }, 'simulator request failed');
      if (!res.headersSent) send(res, 500, { code: 'server.internal', message: 'internal error' });
    }
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}
