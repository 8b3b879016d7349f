/** `no_data`: never pulled. Otherwise the pipeline age against the thresholds (domain.md §3.5). */
export type FreshnessLevel = 'no_data' | 'ok' | 'warning' | 'critical';

export interface FreshnessThresholds {
  warnMinutes: number;
  criticalMinutes: number;
}

export interface SourceFreshness {
  /** `now − last_successful_pull_at`; null when never pulled. */
  pipelineAgeMilliseconds: number | null;
  /** `now − max(source_updated_at)`; null when nothing was ever received. */
  dataAgeMilliseconds: number | null;
  level: FreshnessLevel;
}

const MS_PER_MINUTE = 60_000;

/** A future timestamp (clock skew at the source) is an age of 0, not a negative one. */
const ageOf = (at: Date | null, now: Date): number | null => (at === null ? null : Math.max(0, now.getTime() - at.getTime()));

/**
 * A source's freshness [001 Art 12.1; 004 Art 10.1: 24/7 operation]. The level follows the pipeline age only: a
 * quiet source (no dossiers at night, projects updated monthly) has an old data age while healthy, which the
 * "silent source" rule SRC-02 judges in working hours instead. A threshold is crossed when the age is strictly over
 * it: last success 10:02:30, now 10:10:00 → 7,5 min > 5 → dossier source at warning.
 */
export function sourceFreshness(
  source: { lastSuccessfulPullAt: Date | null; maxSourceUpdatedAt: Date | null },
  now: Date,
  thresholds: FreshnessThresholds,
): SourceFreshness {
  const pipelineAgeMilliseconds = ageOf(source.lastSuccessfulPullAt, now);
  const dataAgeMilliseconds = ageOf(source.maxSourceUpdatedAt, now);
  let level: FreshnessLevel = 'no_data';
  if (pipelineAgeMilliseconds !== null)
    level =
      pipelineAgeMilliseconds > thresholds.criticalMinutes * MS_PER_MINUTE
        ? 'critical'
        : pipelineAgeMilliseconds > thresholds.warnMinutes * MS_PER_MINUTE
          ? 'warning'
          : 'ok';
  return { pipelineAgeMilliseconds, dataAgeMilliseconds, level };
}

/** Thresholds of a source polled every `intervalMinutes` (the KPI feed): 2× and 5× its interval by default [P]. */
export function pullIntervalThresholds(intervalMinutes: number, warnMultiple = 2, criticalMultiple = 5): FreshnessThresholds {
  return { warnMinutes: intervalMinutes * warnMultiple, criticalMinutes: intervalMinutes * criticalMultiple };
}
