import type { WorkingCalendar } from '../calendar/working-calendar';
import { dueSoonHorizon } from './dossier-sla';
import type { AlertRule } from './rule.schema';

// What the rules read from the store, so that the evaluator reads that and nothing more (the documents' and the
// projects' plans live beside their rules).

/**
 * Which open dossiers the rules can need at `now`, so the store reads those only: due by `dueBefore` (overdue, or
 * due within the widest "due soon" horizon), or asked for supplementation at least `minSupplementRequests` times.
 * Both null: no entity rule, read none.
 */
export function dossierReadPlan(
  rules: readonly AlertRule[],
  now: Date,
  calendar: WorkingCalendar,
): { dueBefore: Date | null; minSupplementRequests: number | null } {
  let dueBefore: Date | null = null;
  let minSupplementRequests: number | null = null;
  const later = (d: Date) => (dueBefore === null || d > dueBefore ? d : dueBefore);
  for (const rule of rules) {
    if (rule.kind === 'dossier_overdue' || rule.kind === 'dossier_overdue_no_apology') dueBefore = later(now);
    if (rule.kind === 'dossier_due_soon') dueBefore = later(dueSoonHorizon(calendar, now, rule.withinWorkingHours));
    if (rule.kind === 'dossier_supplement_requests') minSupplementRequests = Math.min(minSupplementRequests ?? rule.atLeast, rule.atLeast);
  }
  return { dueBefore, minSupplementRequests };
}

/** The (metric, window) pairs the rules read, each once. */
export function metricRequests(rules: readonly AlertRule[]): { metricId: string; windowMilliseconds: number }[] {
  const seen = new Map<string, { metricId: string; windowMilliseconds: number }>();
  for (const r of rules)
    if (r.kind === 'metric_threshold' || r.kind === 'metric_no_data')
      seen.set(`${r.metric}|${r.window}`, { metricId: r.metric, windowMilliseconds: r.window });
  return [...seen.values()];
}

/** The sources the rules watch, each once, sorted. */
export function sourceRequests(rules: readonly AlertRule[]): string[] {
  const sources = new Set<string>();
  for (const r of rules) {
    if (r.kind === 'source_no_data') sources.add(r.source);
    if (r.kind === 'source_freshness') for (const s of r.sources) sources.add(s.source);
  }
  return [...sources].sort();
}
