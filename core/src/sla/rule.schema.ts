import { z } from 'zod';
import { DOCUMENT_URGENCIES } from '../contracts/document';
import { DurationSchema } from './duration';

/** Severities (domain.md §4): thông tin, cảnh báo, nghiêm trọng. */
export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export const Severity = z.enum(SEVERITIES);
export type Severity = z.infer<typeof Severity>;
export const severityRank = (s: Severity): number => SEVERITIES.indexOf(s);

const Bilingual = z.strictObject({ vi: z.string().min(1), en: z.string().min(1) });

/**
 * Labels an instance gets from its group; a rule's static labels may not use them, so that a silence matching
 * `agency: STP` means the agency the alert is about, never a label someone typed.
 */
export const GROUP_LABELS = ['agency', 'unit', 'source'] as const;

const Labels = z
  .record(z.string().regex(/^[a-z][a-z0-9_]*$/, 'a label name is snake_case'), z.string().min(1))
  .refine((l) => !GROUP_LABELS.some((k) => k in l), `the labels ${GROUP_LABELS.join(', ')} are set by grouping`)
  .default({});

type ConditionName =
  | 'countAtLeast'
  | 'overdueWorkingDaysAtLeast'
  | 'valueBelow'
  | 'valueAbove'
  | 'freshnessLevel'
  | 'urgencyAtLeast'
  | 'monthsLateOver'
  | 'daysPastDeadlineAtLeast';
const CONDITIONS = {
  /** The group counts at least this many records (DOS-01: ≥10 per agency). */
  countAtLeast: z.int().min(1).optional(),
  /** A record in the group is overdue by at least this many working days, pauses excluded (DOS-01: ≥5). */
  overdueWorkingDaysAtLeast: z.number().positive().optional(),
  /** The metric value is strictly below / above this (ratios as fractions: 0.9 = 90%). */
  valueBelow: z.number().optional(),
  valueAbove: z.number().optional(),
  /** The source's freshness reached the catalogue's critical threshold (domain.md §3.5). */
  freshnessLevel: z.literal('critical').optional(),
  /** A document in the group is at least this urgent (DOC-01: critical if khẩn or above). */
  urgencyAtLeast: z.enum(DOCUMENT_URGENCIES).optional(),
  /** A project in the group is past its planned completion by more than this many calendar months (PRJ-01: > 12). */
  monthsLateOver: z.int().min(1).optional(),
  /** The monthly update deadline passed at least this many calendar days ago (PRJ-02: critical on the 20th, 10 days on). */
  daysPastDeadlineAtLeast: z.int().min(1).optional(),
} satisfies Record<ConditionName, z.ZodType>;

/**
 * `escalate: [{ severity: critical, when: { countAtLeast: 10 } }]`: the instance takes the highest severity whose
 * condition holds, else the rule's `severity`. Each kind accepts only the conditions it can compute; another is an
 * unrecognised key, so a typo is an error at load, not a rule that silently never escalates.
 */
function escalation<K extends ConditionName>(...names: K[]) {
  const shape = Object.fromEntries(names.map((n) => [n, CONDITIONS[n]])) as Pick<typeof CONDITIONS, K>;
  const when = z.strictObject(shape).refine((w) => Object.values(w).filter((v) => v !== undefined).length === 1, {
    message: `name exactly one of ${names.join(', ')}`,
    // An unknown key is already the problem; "name exactly one" would only repeat it.
    when: (payload) => payload.issues.length === 0,
  });
  return z.array(z.strictObject({ severity: Severity, when })).default([]);
}

/** Fields every rule has. */
const common = {
  /** Stable id, cited in incidents and silences: DOS-01, SRC-01. */
  id: z.string().regex(/^[A-Z]{2,5}-\d{2,3}$/, 'a rule id is upper-case letters, a dash and digits, e.g. DOS-01'),
  name: Bilingual,
  /** The clauses the trigger follows, as domain.md cites them: `[001 Art 7.2.c, 19.3, 23.4]`. */
  basis: z.string().min(1),
  /** Severity when no escalation condition holds. */
  severity: Severity,
  /** The breach must hold this long before the alert fires (pending meanwhile). */
  for: DurationSchema.default(0),
  /**
   * A firing alert whose condition clears keeps firing this long before it resolves (`resolving` meanwhile); a
   * breach within it is a flap, not a new alert. See `nextAlertState`.
   */
  keepFiringFor: DurationSchema.default(0),
  /** `false`: shown in lists only, never notified (DOS-02). */
  notify: z.boolean().default(true),
  /**
   * An incident opened from this rule's alert must be acknowledged within this many working hours, else it escalates
   * one severity step and the leaders are notified (INC-01, 004 Art 9.3: 4 working hours).
   */
  ackWithinWorkingHours: z.number().positive().max(400).default(4),
  labels: Labels,
  /** The standard operating procedure: what the duty operator does, step by step [001 Art 14.1.a; 002 Art 13.3.a]. */
  sop: z.array(Bilingual).min(1, 'a rule needs at least one step of its standard operating procedure'),
};

/** Who an entity rule's alert is about: one alert per handling agency (default), per commune, or one for the province. */
const DossierGroupBy = z.enum(['agency', 'unit', 'province']).default('agency');

export const DossierOverdueRule = z.strictObject({
  ...common,
  kind: z.literal('dossier_overdue'),
  groupBy: DossierGroupBy,
  escalate: escalation('countAtLeast', 'overdueWorkingDaysAtLeast'),
});

export const DossierDueSoonRule = z.strictObject({
  ...common,
  kind: z.literal('dossier_due_soon'),
  withinWorkingHours: z.number().positive(),
  groupBy: DossierGroupBy,
  escalate: escalation('countAtLeast'),
});

export const DossierOverdueNoApologyRule = z.strictObject({
  ...common,
  kind: z.literal('dossier_overdue_no_apology'),
  /** Overdue by at least this many working days with no apology slip issued. */
  afterWorkingDays: z.number().positive(),
  groupBy: DossierGroupBy,
  escalate: escalation('countAtLeast', 'overdueWorkingDaysAtLeast'),
});

export const DossierSupplementRequestsRule = z.strictObject({
  ...common,
  kind: z.literal('dossier_supplement_requests'),
  /** Open dossiers asked for supplementation at least this many times. */
  atLeast: z.int().min(1),
  groupBy: DossierGroupBy,
  escalate: escalation('countAtLeast'),
});

export const MetricThresholdRule = z.strictObject({
  ...common,
  kind: z.literal('metric_threshold'),
  /** A metric id from the catalogue (`dashboards/metrics/metrics.json`). */
  metric: z.string().min(1),
  /** The metric over [now − window, now). */
  window: DurationSchema,
  /** Breached when the value is strictly below / above; exactly one. Ratios as fractions. */
  condition: z
    .strictObject({ below: z.number().optional(), above: z.number().optional() })
    .refine((c) => (c.below === undefined) !== (c.above === undefined), 'name exactly one of below, above'),
  /** A value over fewer records than this is not judged (one late dossier in a month is not 0 %). */
  minDenominator: z.int().min(1).default(1),
  groupBy: z.enum(['agency', 'province']).default('agency'),
  escalate: escalation('valueBelow', 'valueAbove'),
});

export const MetricNoDataRule = z.strictObject({
  ...common,
  kind: z.literal('metric_no_data'),
  /** A ratio metric from the catalogue; breached while the province's denominator over the window is 0. */
  metric: z.string().min(1),
  window: DurationSchema,
  escalate: escalation('countAtLeast'),
});

export const SourceNoDataRule = z.strictObject({
  ...common,
  kind: z.literal('source_no_data'),
  /** The `source_system` whose records are watched (the dossier system is `dvc`). */
  source: z.string().min(1),
  /** Breached when nothing changed at the source for longer than this (or nothing was ever received). */
  after: DurationSchema,
  /** Count only office hours towards `after`: a source quiet at night or over Tết is not silent. */
  workingTimeOnly: z.boolean().default(false),
  escalate: escalation('countAtLeast'),
});

/** Documents are grouped per agency (their register's owner) or for the province: they carry no commune. */
const DocumentGroupBy = z.enum(['agency', 'province']).default('agency');

/**
 * DOC-01 [003 Art 9.1, 9.3]: an incoming document past its `deadline_at`, not completed nor returned; the same
 * definition as the wall's V2 (`isDocumentOverdue`).
 */
export const DocumentOverdueRule = z.strictObject({
  ...common,
  kind: z.literal('document_overdue'),
  groupBy: DocumentGroupBy,
  escalate: escalation('countAtLeast', 'overdueWorkingDaysAtLeast', 'urgencyAtLeast'),
});

/** An open incoming document whose deadline is at most `withinWorkingHours` of working time away. */
export const DocumentDueSoonRule = z.strictObject({
  ...common,
  kind: z.literal('document_due_soon'),
  withinWorkingHours: z.number().positive(),
  groupBy: DocumentGroupBy,
  escalate: escalation('countAtLeast', 'urgencyAtLeast'),
});

/** Projects are grouped per managing agency (the one obliged to update them, 000 Art 4.1) or for the province. */
const ProjectGroupBy = z.enum(['agency', 'province']).default('agency');

/** PRJ-01 [000 Art 4.2]: an active project delayed as P1 defines it (core/src/kpi/project-delay.ts). */
export const ProjectBehindScheduleRule = z.strictObject({
  ...common,
  kind: z.literal('project_behind_schedule'),
  groupBy: ProjectGroupBy,
  escalate: escalation('countAtLeast', 'monthsLateOver'),
});

/**
 * PRJ-02 [000 Art 6.2, 7.1.đ]: an agency managing active projects with no update since the start of the monthly cycle
 * that closed on the last 10th (core/src/kpi/project-update-cycle.ts). With `remindDaysBefore`, a reminder instead:
 * from that many days before the coming 10th, agencies with no update yet in the running cycle.
 */
export const ProjectUpdateMissedRule = z.strictObject({
  ...common,
  kind: z.literal('project_update_missed'),
  remindDaysBefore: z.int().min(1).max(27).optional(),
  groupBy: ProjectGroupBy,
  escalate: escalation('countAtLeast', 'daysPastDeadlineAtLeast'),
});

export const WatchedSystem = z.enum(['dossier', 'document', 'project', 'kpi_feed']);

export const SourceFreshnessRule = z.strictObject({
  ...common,
  kind: z.literal('source_freshness'),
  sources: z
    .array(
      z.strictObject({
        source: z.string().min(1),
        system: WatchedSystem,
        /** For a system whose catalogue thresholds are multiples of its pull interval (the KPI feed). */
        pullIntervalMinutes: z.number().positive().optional(),
        /** Overrides the catalogue's `source.<system>.pipeline_age` thresholds; filled from it at load otherwise. */
        thresholdsMinutes: z.strictObject({ warn: z.number().positive(), critical: z.number().positive() }).optional(),
      }),
    )
    .min(1),
  escalate: escalation('freshnessLevel'),
});

export const AlertRuleSchema = z.discriminatedUnion('kind', [
  DossierOverdueRule,
  DossierDueSoonRule,
  DossierOverdueNoApologyRule,
  DossierSupplementRequestsRule,
  MetricThresholdRule,
  MetricNoDataRule,
  SourceNoDataRule,
  SourceFreshnessRule,
  DocumentOverdueRule,
  DocumentDueSoonRule,
  ProjectBehindScheduleRule,
  ProjectUpdateMissedRule,
]);

export const RULE_FILE_SCHEMA_VERSION = 1;

/** One file of `dashboards/rules/*.yaml`. */
export const RuleFileSchema = z
  .strictObject({
    schemaVersion: z.literal(RULE_FILE_SCHEMA_VERSION),
    rules: z.array(AlertRuleSchema).min(1),
  })
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.rules.forEach((rule, i) => {
      if (seen.has(rule.id)) ctx.addIssue({ code: 'custom', path: ['rules', i, 'id'], message: `duplicate rule id ${rule.id}` });
      seen.add(rule.id);
      rule.escalate.forEach((e, j) => {
        if (severityRank(e.severity) <= severityRank(rule.severity))
          ctx.addIssue({
            code: 'custom',
            path: ['rules', i, 'escalate', j, 'severity'],
            message: `must be above the rule's ${rule.severity}`,
          });
      });
      if (rule.kind === 'metric_threshold') {
        const threshold = rule.condition.below ?? rule.condition.above;
        rule.escalate.forEach((e, j) => {
          const below = e.when.valueBelow;
          const above = e.when.valueAbove;
          if ((below !== undefined && rule.condition.below === undefined) || (above !== undefined && rule.condition.above === undefined))
            ctx.addIssue({ code: 'custom', path: ['rules', i, 'escalate', j, 'when'], message: 'must go the same way as the condition' });
          else if ((below !== undefined && below > threshold!) || (above !== undefined && above < threshold!))
            ctx.addIssue({
              code: 'custom',
              path: ['rules', i, 'escalate', j, 'when'],
              message: `must be beyond the condition's ${threshold}`,
            });
        });
      }
      if (rule.kind === 'source_freshness')
        rule.sources.forEach((s, j) => {
          if (s.thresholdsMinutes && s.thresholdsMinutes.critical < s.thresholdsMinutes.warn)
            ctx.addIssue({
              code: 'custom',
              path: ['rules', i, 'sources', j, 'thresholdsMinutes', 'critical'],
              message: 'must be at or above warn',
            });
        });
    });
  });

export type AlertRule = z.infer<typeof AlertRuleSchema>;
export type AlertRuleKind = AlertRule['kind'];
export type RuleFile = z.infer<typeof RuleFileSchema>;
export type DossierRule = Extract<AlertRule, { kind: `dossier_${string}` }>;
export type DocumentRule = Extract<AlertRule, { kind: `document_${string}` }>;
export type ProjectRule = Extract<AlertRule, { kind: `project_${string}` }>;
export type EscalationCondition = AlertRule['escalate'][number]['when'];
