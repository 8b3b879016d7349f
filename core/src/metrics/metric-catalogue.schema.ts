import { z } from 'zod';
import { COUNTER_NAMES, METRIC_FORMULAS, METRIC_SOURCES, UNIT_OF_KIND, isFormulaId } from './metric-formulas';

export const MetricUnit = z.enum(['count', 'ratio', 'points', 'days', 'minutes']);
/** `up`: higher is better; `down`: lower is better; `none`: a volume with no better side (D1). */
export const MetricDirection = z.enum(['up', 'down', 'none']);

export const MetricThresholdsSchema = z.object({
  /** In the metric's unit; ratios as fractions (0.95 = 95%). Breached when strictly worse than the value. */
  warn: z.number().nonnegative(),
  critical: z.number().nonnegative(),
  /** `pull_interval`: the values are multiples of the source's pull interval (the KPI feed, domain.md §3.5). */
  per: z.enum(['absolute', 'pull_interval']).default('absolute'),
});

export const MetricSchema = z.object({
  id: z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/, 'a metric id is dotted snake_case, e.g. dossier.on_time_resolution'),
  /** The KPI's id in domain.md: D1–D13, V1–V6, P1–P5, 766, freshness. */
  domainId: z
    .string()
    .regex(/^(D([1-9]|1[0-3])|V[1-6]|P[1-5]|766|freshness)$/, 'expected a domain.md id: D1–D13, V1–V6, P1–P5, 766 or freshness'),
  name: z.object({ vi: z.string().min(1), en: z.string().min(1) }),
  unit: MetricUnit,
  direction: MetricDirection,
  source: z.enum(METRIC_SOURCES),
  /** For `source` metrics: the system whose feed is watched. */
  watchedSystem: z.enum(['dossier', 'document', 'project', 'kpi_feed']).optional(),
  formula: z.string().min(1),
  numerator: z.string().min(1).nullable(),
  denominator: z.string().min(1).nullable(),
  thresholds: MetricThresholdsSchema.nullable(),
  /** Where a value comes from when it is a product decision: `[P] …`. */
  notes: z.string().optional(),
});

export const MetricCatalogueSchema = z
  .object({
    schemaVersion: z.literal(1),
    metrics: z.array(MetricSchema).min(1),
  })
  .superRefine((cat, ctx) => {
    const seen = new Set<string>();
    cat.metrics.forEach((m, i) => {
      const issue = (field: string, message: string) => ctx.addIssue({ code: 'custom', path: ['metrics', i, field], message });
      if (seen.has(m.id)) issue('id', `duplicate metric id ${m.id}`);
      seen.add(m.id);
      if ((m.source === 'source') !== (m.watchedSystem !== undefined))
        issue('watchedSystem', m.source === 'source' ? 'required for a source metric' : 'only for source metrics');
      if (!isFormulaId(m.formula)) {
        issue('formula', `unknown formula ${m.formula}; known: ${Object.keys(METRIC_FORMULAS).join(', ')}`);
        return;
      }
      const spec = METRIC_FORMULAS[m.formula];
      if (spec.source !== 'any' && spec.source !== m.source) issue('formula', `${m.formula} reads ${spec.source} data, not ${m.source}`);
      if (!UNIT_OF_KIND[spec.kind].includes(m.unit)) issue('unit', `a ${spec.kind} formula gives ${UNIT_OF_KIND[spec.kind].join(' or ')}`);
      const names = m.source === 'source' ? undefined : COUNTER_NAMES[m.source];
      const counter = (field: 'numerator' | 'denominator', required: boolean) => {
        const value = m[field];
        if (!required && value !== null) issue(field, `must be null for a ${spec.kind} formula`);
        else if (required && value === null) issue(field, `required for a ${spec.kind} formula`);
        else if (value !== null && !names?.has(value)) issue(field, `unknown ${m.source} counter ${value}`);
      };
      counter('numerator', spec.kind === 'count' || spec.kind === 'ratio');
      counter('denominator', spec.kind === 'ratio');
      const t = m.thresholds;
      if (t === null) return;
      if (m.direction === 'none') issue('thresholds', 'a metric with no better side has no thresholds');
      if (m.direction === 'up' && t.critical > t.warn) issue('thresholds', 'for an up metric, critical must be at or below warn');
      if (m.direction === 'down' && t.critical < t.warn) issue('thresholds', 'for a down metric, critical must be at or above warn');
      if (m.unit === 'ratio' && (t.warn > 1 || t.critical > 1)) issue('thresholds', 'ratio thresholds are fractions from 0 to 1');
      if (t.per === 'pull_interval' && m.source !== 'source') issue('thresholds', 'pull_interval thresholds are for source metrics');
    });
  });

export type Metric = z.infer<typeof MetricSchema>;
export type MetricThresholds = z.infer<typeof MetricThresholdsSchema>;
export type MetricCatalogue = z.infer<typeof MetricCatalogueSchema>;
