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
 * The period of systems whose thresholds are multiples of it (domain.md §3.5: KPI feed 2× / 5× its interval): the
 * feed publishes every 5 minutes (`kpi-feed-world.ts`), so it is judged at 10 / 25 minutes.
 */
export const DEFAULT_PULL_INTERVAL_MINUTES: Readonly<Record<string, number>> = { kpi_feed: 5 };

/**
 * Reads every source's health and judges its freshness at the clock's now with the catalogue's
 * `source.<system>.pipeline_age` thresholds (dossier 5 / 15 min by default). The level follows the last successful
 * pull: a source that answers with nothing new stays fresh, one that stops answering goes stale.
 */
export class SourceHealthService {
  readonly #catalogue: () => Promise<MetricCatalogue>;
  #thresholds: Promise<Map<string, FreshnessThresholds>> | null = null;

  constructor(
    private readonly o: {
      db: Db;
      clock: Clock;
      metricCatalogue?: () => Promise<MetricCatalogue>;
      /** system → its pull interval, for thresholds per pull interval (default `DEFAULT_PULL_INTERVAL_MINUTES`). */
      pullIntervalMinutes?: Readonly<Record<string, number>>;
    },
  ) {
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

  /**
   * system → thresholds of `source.<system>.pipeline_age` in minutes; those per pull interval are scaled by the
   * system's interval, and a system without a known interval has none (its level is `no_data`).
   */
  private thresholds(): Promise<Map<string, FreshnessThresholds>> {
    const intervals = this.o.pullIntervalMinutes ?? DEFAULT_PULL_INTERVAL_MINUTES;
    this.#thresholds ??= this.#catalogue().then(
      (c) =>
        new Map(
          c.metrics.flatMap((m): [string, FreshnessThresholds][] => {
            const t = m.thresholds;
            if (m.formula !== 'source.pipelineAge' || !m.watchedSystem || !t) return [];
            const scale = t.per === 'pull_interval' ? intervals[m.watchedSystem] : 1;
            return scale === undefined ? [] : [[m.watchedSystem, { warnMinutes: t.warn * scale, criticalMinutes: t.critical * scale }]];
          }),
        ),
    );
    return this.#thresholds;
  }
}
