import {
  listSourceHealth,
  loadMetricCatalogue,
  sourceFreshness,
  type Clock,
  type Db,
  type FreshnessLevel,
  type FreshnessThresholds,
  type MetricCatalogue,
  type SourceHealth,
} from '@ioc/core';

/** A source's health as `GET /api/sources` shows it: the stored row plus its freshness now (domain.md §3.5). */
export interface SourceHealthView extends Omit<
  SourceHealth,
  'lastAttemptAt' | 'lastSuccessAt' | 'lastErrorAt' | 'sourceNewestAt' | 'checkpointAt'
> {
  lastAttemptAt: string;
  lastSuccessAt: string | null;
  lastErrorAt: string | null;
  sourceNewestAt: string | null;
  checkpointAt: string | null;
  freshness: { level: FreshnessLevel; pipelineAgeMilliseconds: number | null; thresholdsMinutes: FreshnessThresholds | null };
}

const iso = (d: Date | null) => (d === null ? null : d.toISOString());

/**
 * Reads every source's health and judges its freshness at the clock's now with the catalogue's
 * `source.<system>.pipeline_age` thresholds (dossier 5 / 15 min by default). The level follows the last successful
 * pull: a source that answers with nothing new stays fresh, one that stops answering goes stale.
 */
export class SourceHealthService {
  readonly #catalogue: () => Promise<MetricCatalogue>;
  #thresholds: Promise<Map<string, FreshnessThresholds>> | null = null;

  constructor(private readonly o: { db: Db; clock: Clock; metricCatalogue?: () => Promise<MetricCatalogue> }) {
    this.#catalogue = o.metricCatalogue ?? (() => loadMetricCatalogue());
  }

  async list(): Promise<SourceHealthView[]> {
    const now = this.o.clock.now();
    const [rows, thresholds] = await Promise.all([listSourceHealth(this.o.db, now), this.thresholds()]);
    return rows.map((r) => {
      const t = thresholds.get(r.system) ?? null;
      const f = t
        ? sourceFreshness({ lastSuccessfulPullAt: r.lastSuccessAt, maxSourceUpdatedAt: r.sourceNewestAt }, now, t)
        : { level: 'no_data' as const, pipelineAgeMilliseconds: null };
      return {
        ...r,
        lastAttemptAt: r.lastAttemptAt.toISOString(),
        lastSuccessAt: iso(r.lastSuccessAt),
        lastErrorAt: iso(r.lastErrorAt),
        sourceNewestAt: iso(r.sourceNewestAt),
        checkpointAt: iso(r.checkpointAt),
        freshness: { level: f.level, pipelineAgeMilliseconds: f.pipelineAgeMilliseconds, thresholdsMinutes: t },
      };
    });
  }

  /** system → thresholds of `source.<system>.pipeline_age` (minutes; pull-interval multiples are not resolved here). */
  private thresholds(): Promise<Map<string, FreshnessThresholds>> {
    this.#thresholds ??= this.#catalogue().then(
      (c) =>
        new Map(
          c.metrics
            .filter((m) => m.formula === 'source.pipelineAge' && m.watchedSystem && m.thresholds && m.thresholds.per !== 'pull_interval')
            .map((m) => [m.watchedSystem!, { warnMinutes: m.thresholds!.warn, criticalMinutes: m.thresholds!.critical }]),
        ),
    );
    return this.#thresholds;
  }
}
