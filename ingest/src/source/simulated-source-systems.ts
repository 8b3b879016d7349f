import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Catalogue, Clock, Db } from '@ioc/core';
import { startDocumentIngest } from '../document/document-ingest';
import { startKpiFeedIngest } from '../kpi-feed/kpi-feed-ingest';
import { startProjectIngest } from '../project/project-ingest';
import { startDocumentSimulator } from '../sim/document-simulator';
import { startKpiFeedSimulator } from '../sim/kpi-feed-simulator';
import type { LgspSimulator } from '../sim/lgsp-api';
import { startProjectSimulator } from '../sim/project-simulator';
import type { SourceIngest, SourceIngestHealth } from './source-ingest';

/**
 * Polling faster than this gains nothing against the freshness thresholds of domain.md §3.5 (document 10 min, project
 * 2 h, KPI feed 2× its 5-minute interval) and costs a write, a change notice and a wall refresh per trickled record.
 */
const MIN_POLL_MILLISECONDS = { document: 5_000, project: 60_000, kpi: 10_000 } as const;

/**
 * The per-source request limit for simulators on this machine. A province's real systems get
 * `IOC_SOURCE_MAX_REQUESTS_PER_SECOND` (default 5); local simulators would only make the first fill of `npm start`
 * wait (97 pages of 14 days of dossiers take 20 s at 5/s).
 */
export const LOCAL_SIMULATOR_REQUESTS_PER_SECOND = 100;

export interface SimulatedSourceSystemsOptions {
  db: Db;
  catalogue: Catalogue;
  logger: Logger;
  seed: number;
  backlogDays: number;
  pollIntervalMilliseconds: number;
  clock?: Clock;
}

export interface SimulatedSourceSystems {
  /** The simulators' base URLs, by system. */
  urls: { document: string; project: string; kpi: string };
  /** Each pipeline's health, keyed by its source system (`qlvb`, `csdldt`, `kpi`). */
  health(): Record<string, SourceIngestHealth>;
  /** Stops the pipelines, then the simulators. */
  stop(): Promise<void>;
}

/**
 * The document system, the project database and the KPI feed as the embedded default runs them: each simulator on a
 * free local port with its own random key, and a pipeline that really pulls it over HTTP into `db`.
 */
export async function startSimulatedSourceSystems(o: SimulatedSourceSystemsOptions): Promise<SimulatedSourceSystems> {
  const common = {
    catalogue: o.catalogue,
    seed: o.seed,
    backlogDays: o.backlogDays,
    host: '127.0.0.1',
    port: 0,
    ...(o.clock ? { clock: o.clock } : {}),
  };
  const key = () => randomBytes(16).toString('hex');
  const keys = { document: key(), project: key(), kpi: key() };
  const sims: Record<'document' | 'project' | 'kpi', LgspSimulator> = {
    document: await startDocumentSimulator({ ...common, apiKey: keys.document, logger: o.logger.child({ component: 'simulator' }) }),
    project: await startProjectSimulator({ ...common, apiKey: keys.project, logger: o.logger.child({ component: 'simulator' }) }),
    kpi: await startKpiFeedSimulator({ ...common, apiKey: keys.kpi, logger: o.logger.child({ component: 'simulator' }) }),
  };
  const pipe = (system: 'document' | 'project' | 'kpi', connector: string) => ({
    db: o.db,
    sourceUrl: sims[system].url,
    apiKey: keys[system],
    pollIntervalMilliseconds: Math.max(o.pollIntervalMilliseconds, MIN_POLL_MILLISECONDS[system]),
    maxRequestsPerSecond: LOCAL_SIMULATOR_REQUESTS_PER_SECOND,
    logger: o.logger.child({ component: 'ingest', connector }),
    ...(o.clock ? { clock: o.clock } : {}),
  });
  const ingests: Record<string, SourceIngest> = {
    qlvb: await startDocumentIngest(pipe('document', 'qlvb')),
    csdldt: startProjectIngest(pipe('project', 'csdldt')),
    kpi: startKpiFeedIngest(pipe('kpi', 'kpi')),
  };
  return {
    urls: { document: sims.document.url, project: sims.project.url, kpi: sims.kpi.url },
    health: () => Object.fromEntries(Object.entries(ingests).map(([source, i]) => [source, i.health()])),
    async stop() {
      await Promise.all(Object.values(ingests).map((i) => i.stop()));
      await Promise.all(Object.values(sims).map((s) => s.stop()));
    },
  };
}
