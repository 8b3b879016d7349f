import { Router } from 'express';
import { Gauge, type Registry } from 'prom-client';
import { ingestAdminContract } from '@ioc/core';
import type { Policy } from '../policy/policy';
import type { SourceHealthService, SourceHealthView } from './source-health.service';

const LEVELS = ['no_data', 'ok', 'warning', 'critical'] as const;

/** `GET /api/sources`: health and freshness per pulled source, for operators, admins and leaders (`source.read`). */
export function sourcesRoutes(o: { sources: SourceHealthService; policy: Policy }): Router {
  const router = Router();
  router.get(ingestAdminContract.sources.path, async (req, res) => {
    o.policy.authorize(req.principal, 'source.read', undefined, req.authProblem);
    res.set('cache-control', 'no-store').json({ sources: await o.sources.list() });
  });
  return router;
}

/**
 * Source health on `/metrics`, read from the store at each scrape (the ingest may run in another process): ages,
 * rates and backlogs per source, and the freshness level as 0 ok, 1 warning, 2 critical, -1 no data.
 */
export function registerSourceHealthMetrics(registry: Registry, sources: SourceHealthService): void {
  let views: Promise<SourceHealthView[]> | null = null;
  // One read per scrape for all gauges: the first gauge's collect starts it, the others share it.
  // A store that does not answer must not take the process metrics down with it: the gauges are left empty then.
  const read = () =>
    (views ??= sources
      .list()
      .catch((): SourceHealthView[] => [])
      .finally(() => setTimeout(() => (views = null), 0)));
  const gauge = (name: string, help: string, value: (v: SourceHealthView) => number | null) =>
    new Gauge({
      name,
      help,
      labelNames: ['source', 'system'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const v of await read()) {
          const n = value(v);
          if (n !== null) this.set({ source: v.source, system: v.system }, n);
        }
      },
    });
  const seconds = (ms: number | null) => (ms === null ? null : ms / 1000);
  gauge('ioc_source_pipeline_age_seconds', 'Seconds since the last successful pull', (v) => seconds(v.freshness.pipelineAgeMilliseconds));
  gauge('ioc_source_freshness_level', 'Freshness: -1 no data, 0 ok, 1 warning, 2 critical', (v) => LEVELS.indexOf(v.freshness.level) - 1);
  gauge('ioc_source_lag_seconds', "The source's newest change minus our stored checkpoint", (v) => seconds(v.lagMilliseconds));
  gauge('ioc_source_records_per_minute', 'Records pulled over the last full minute', (v) => v.recordsPerMinute);
  gauge('ioc_source_errors_per_minute', 'Failed pulls over the last full minute', (v) => v.errorsPerMinute);
  gauge('ioc_source_quarantined', 'Quarantined records not replayed', (v) => v.quarantined);
  gauge('ioc_source_last_success_timestamp_seconds', 'When the last pull succeeded', (v) =>
    v.lastSuccessAt === null ? null : Date.parse(v.lastSuccessAt) / 1000,
  );
}
