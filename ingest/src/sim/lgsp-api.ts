import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { z } from 'zod';
import { formatZodIssues, type Clock } from '@ioc/core';
import { withFaults, type FaultCounters, type FaultOptions, type FaultSettings } from './faults';
import { maybeBroken, pageAt, versionAt, wireAt, type SimEntity, type SimWorld } from './versioned-world';
import { toProvinceIso } from './working-time';

export const LGSP_MAX_PAGE_SIZE = 1000;

const PageQuery = z
  .strictObject({
    updated_since: z.iso.datetime({ offset: true }).optional(),
    after_id: z.string().min(1).max(128).optional(),
    limit: z.coerce.number().int().min(1).max(LGSP_MAX_PAGE_SIZE).default(500),
  })
  .refine((q) => q.after_id === undefined || q.updated_since !== undefined, { path: ['after_id'], message: 'needs updated_since' });

export interface LgspSimulatorOptions<E extends SimEntity> {
  /** e.g. `/api/v1/documents`. */
  path: string;
  /** For logs: `document`, `project`, `kpi`. */
  system: string;
  world: SimWorld<E>;
  apiKey: string;
  clock: Clock;
  seed: number;
  host: string;
  port: number;
  logger: Logger;
  /** About one version in N is served with a broken field (quarantine tests). */
  malformedEvery?: number;
  /** Transport faults (latency, 503 bursts, hangs, duplicates, stale versions): H5's fault layer, always mounted. */
  faults?: FaultOptions;
}

export interface LgspSimulator {
  readonly url: string;
  /** Every record as it stands now, wire form without injected faults, in source id order. */
  records(): Record<string, unknown>[];
  faultCounters(): FaultCounters;
  /** Makes the source silent (`empty`: 200 with nothing new; `down`: connections dropped), or normal again with null. */
  setSilent(mode: FaultSettings['silent'] | null): void;
  stop(): Promise<void>;
}

/**
 * Serves a simulated world the way a provincial system behind the LGSP does: `GET <path>` with an `x-api-key`,
 * cursor paging on (source_updated_at, source_id) via `updated_since` + `after_id`, `next` after a full page, JSON
 * errors `{ code, message }`. The world moves with the injected clock. Resolves once it listens.
 */
export async function startLgspSimulator<E extends SimEntity>(o: LgspSimulatorOptions<E>): Promise<LgspSimulator> {
  const expectedKey = digest(o.apiKey);
  const api = (req: IncomingMessage, res: ServerResponse) => {
    try {
      const url = new URL(req.url ?? '/', 'http://simulator');
      if (url.pathname === '/healthz') return send(res, 200, { status: 'ok' });
      if (url.pathname !== o.path) return send(res, 404, { code: 'request.notFound', message: `no route ${url.pathname}` });
      if (req.method !== 'GET') return send(res, 405, { code: 'request.methodNotAllowed', message: 'only GET is supported' });
      const key = req.headers['x-api-key'];
      if (typeof key !== 'string' || !timingSafeEqual(digest(key), expectedKey)) {
        o.logger.info({ path: url.pathname }, 'request without a valid api key');
        return send(res, 401, { code: 'auth.invalidApiKey', message: 'missing or wrong x-api-key header' });
      }
      const query = PageQuery.safeParse(Object.fromEntries(url.searchParams));
      if (!query.success) {
        const issues = formatZodIssues(query.error.issues);
        o.logger.info({ issues }, 'invalid page query');
        return send(res, 400, { code: 'request.invalid', message: issues });
      }
      const { updated_since, after_id, limit } = query.data;
      const now = o.clock.now().getTime();
      const page = pageAt(o.world, now, updated_since === undefined ? -Infinity : Date.parse(updated_since), after_id ?? '', limit);
      const last = page[page.length - 1];
      const next = page.length === limit && last ? { updated_since: toProvinceIso(last.at), after_id: last.entity.id } : null;
      const items = page.map((p) =>
        maybeBroken(o.world, wireAt(o.world, p.entity, p.version), p.entity, p.version, o.seed, o.malformedEvery),
      );
      o.logger.debug({ items: items.length, limit, full: next !== null }, 'page served');
      return send(res, 200, { items, next });
    } catch (err) {
      o.logger.error({ err }, 'simulator request failed');
      if (!res.headersSent) send(res, 500, { code: 'server.internal', message: 'internal error' });
    }
  };
  const faults = withFaults(api, { seed: o.seed, ...o.faults });
  const server = createServer(faults.handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${o.host.includes(':') ? `[${o.host}]` : o.host}:${port}`;
  // The key is logged on purpose: a local stand-in whose key the operator needs to point `ioc ingest` at it.
  o.logger.info({ url, apiKey: o.apiKey, seed: o.seed }, 'simulator listening');
  return {
    url,
    records() {
      const now = o.clock.now().getTime();
      return o.world
        .entitiesUpTo(now)
        .map((e) => ({ e, v: versionAt(e, now) }))
        .filter(({ v }) => v > 0)
        .sort((a, b) => (a.e.id < b.e.id ? -1 : 1))
        .map(({ e, v }) => wireAt(o.world, e, v));
    },
    faultCounters: () => faults.counters(),
    setSilent: (mode) => faults.setSilent(mode),
    async stop() {
      await new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
      o.logger.info({ url }, 'simulator stopped');
    },
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
