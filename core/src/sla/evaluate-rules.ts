import { OPEN_DOSSIER_STATUSES } from '../contracts/dossier';
import type { WorkingCalendar } from '../calendar/working-calendar';
import { workingTimeBetween } from '../calendar/working-time';
import { compareRational, decimalToRational, rational } from '../kpi/rational';
import { sourceFreshness } from '../kpi/source-freshness';
import { WorkingClock, type SlaDossier } from './dossier-sla';
import { dossierGroups, groupIdentity } from './dossier-rule-groups';
import { evaluateDocumentRule, type SlaDocument } from './evaluate-document-rules';
import { evaluateProjectRule, type SlaProject } from './evaluate-project-rules';
import type { MetricSample } from './rollup-metrics';
import { severityRank, type AlertRule, type DossierRule, type Severity } from './rule.schema';
import { sameRecord } from './steady-alert';

/** A watched source as the store knows it (domain.md §3.5). */
export interface SourceStatus {
  source: string;
  /** The last successful pull (`ingest_checkpoint.last_success_at`); null when never pulled. */
  lastSuccessfulPullAt: Date | null;
  /** The newest `source_updated_at` stored; null when nothing was ever received. */
  maxSourceUpdatedAt: Date | null;
}

/** Everything the rules read at one instant; the engine fills only what its rules need (`dossierReadPlan`, `metricRequests`). */
export interface SlaSnapshot {
  /** Open dossiers; others are ignored. */
  dossiers: readonly SlaDossier[];
  metrics: readonly MetricSample[];
  sources: readonly SourceStatus[];
  /** Agency → its administrative unit (catalogue), for the alert's `unitCode`. */
  agencyUnitCodes: ReadonlyMap<string, string>;
  /** Open incoming documents (`documentReadPlan`); absent: none. */
  documents?: readonly SlaDocument[];
  /** Active projects (`projectReadPlan`); absent: none. */
  projects?: readonly SlaProject[];
  /** Each agency managing an active project → its newest update, over all of them (`projectAgencyLastUpdates`). */
  projectAgencyLastUpdates?: ReadonlyMap<string, Date | null>;
}

/** Rule-specific facts of an instance, JSON-safe: the worst overdue, the metric's counters, the source's age. */
export type AlertDetails = Readonly<Record<string, number | string | null>>;

/**
 * One alert as the rules see it at one instant: a rule breached for one group. Twenty overdue dossiers of one agency
 * are one instance with `count: 20` and their twenty ids, not twenty instances.
 */
export interface AlertInstance {
  ruleId: string;
  /** `DOS-01|agency=STP`: the rule and its group. One alert per key is active at a time. */
  dedupKey: string;
  severity: Severity;
  /** The responsible agency (the group's, from the entity); null for a province-wide or source alert. */
  agencyCode: string | null;
  unitCode: string | null;
  /** The rule's labels and the group's (`agency`, `unit` or `source`). */
  labels: Readonly<Record<string, string>>;
  /** Records in breach: dossiers for an entity rule, 1 for a metric or a source. */
  count: number;
  /** The records in breach, `source_system/source_id`, sorted. */
  linkedIds: readonly string[];
  details: AlertDetails;
}

/** `DOS-01|agency=STP`; a rule without a group is its id alone. */
export function dedupKeyOf(ruleId: string, group: Readonly<Record<string, string>>): string {
  const parts = Object.keys(group)
    .sort()
    .map((k) => `${k}=${group[k]}`);
  return parts.length ? `${ruleId}|${parts.join(',')}` : ruleId;
}

/** The highest severity whose escalation condition holds, else the rule's own. */
export function severityOf<R extends AlertRule>(rule: R, holds: (when: R['escalate'][number]['when']) => boolean): Severity {
  let severity = rule.severity;
  for (const e of rule.escalate) if (severityRank(e.severity) > severityRank(severity) && holds(e.when)) severity = e.severity;
  return severity;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/**
 * Working days overdue as people count them, whole days done ("quá hạn 3 ngày làm việc"). A finer figure would change
 * with every tick: thousands of firing alerts rewritten every few minutes for a number nobody reads to the minute.
 * Stored, it changes once a working day; escalations still compare the exact minutes.
 */
export const wholeWorkingDays = (minutes: number, minutesPerWorkingDay: number) => Math.floor(minutes / minutesPerWorkingDay);
const openStatuses: ReadonlySet<string> = new Set(OPEN_DOSSIER_STATUSES);

/**
 * An entity rule over open dossiers: which dossiers breach it, grouped per agency (or commune, or province) into one
 * instance each, with the escalations of domain.md §4 (DOS-01: critical at ≥5 working days over, or ≥10 per agency).
 */
function evaluateDossierRule(
  rule: DossierRule,
  dossiers: readonly SlaDossier[],
  clock: WorkingClock,
  snapshot: SlaSnapshot,
): AlertInstance[] {
  const groups = dossierGroups(rule, dossiers, clock, snapshot.agencyUnitCodes);
  const perDay = clock.minutesPerWorkingDay;
  return groups.map((g) => {
    const count = g.ids.length;
    const severity = severityOf<DossierRule>(rule, (when) => {
      if (when.countAtLeast !== undefined) return count >= when.countAtLeast;
      const days = 'overdueWorkingDaysAtLeast' in when ? when.overdueWorkingDaysAtLeast : undefined;
      return days !== undefined && (g.maxOverdueMinutes ?? 0) >= days * perDay;
    });
    // An agency missing from the catalogue still gets a unit when all its dossiers agree on one.
    const unitCode = g.unitCode ?? (rule.groupBy === 'agency' && g.units.size === 1 ? [...g.units][0]! : null);
    const details: AlertDetails = g.maxOverdueMinutes === null ? {} : { overdueWorkingDays: wholeWorkingDays(g.maxOverdueMinutes, perDay) };
    return groupInstance(rule, g, { severity, unitCode, details });
  });
}

/** What an entity rule's evaluation found for one group of records (dossiers, documents or projects). */
export interface RecordGroup {
  /** The agency or commune code; '' for the province. */
  key: string;
  group: Readonly<Record<string, string>>;
  agencyCode: string | null;
  /** `source_system/source_id` of the records in breach, sorted. */
  ids: readonly string[];
}

/**
 * The alert instance of `rule` for one group: the same dedup key string and labels object at every evaluation
 * (`groupIdentity`), so that an unchanged alert compares by identity, with what the rule decided for it. When nothing
 * differs from the instance last made for the group (the very ids array, equal details), that instance is returned
 * again: thousands of alerts stay as they are tick after tick, and each fresh copy lived through the whole evaluation
 * for the garbage collector to move. Instances are never changed once made, so handing one out twice is safe.
 */
export function groupInstance(
  rule: AlertRule,
  g: RecordGroup,
  decided: { severity: Severity; unitCode: string | null; details: AlertDetails },
): AlertInstance {
  const identity = groupIdentity(rule, g.key, () => ({
    dedupKey: dedupKeyOf(rule.id, g.group),
    labels: { ...rule.labels, ...g.group },
  }));
  const last = identity.last;
  if (
    last !== undefined &&
    last.linkedIds === g.ids &&
    last.severity === decided.severity &&
    last.agencyCode === g.agencyCode &&
    last.unitCode === decided.unitCode &&
    sameRecord(last.details, decided.details)
  )
    return last;
  const instance: AlertInstance = {
    ruleId: rule.id,
    dedupKey: identity.dedupKey,
    severity: decided.severity,
    agencyCode: g.agencyCode,
    unitCode: decided.unitCode,
    labels: identity.labels,
    count: g.ids.length,
    linkedIds: g.ids,
    details: decided.details,
  };
  identity.last = instance;
  return instance;
}

/** Thresholds as exact fractions, each parsed once: a few per rule, compared for every agency on every tick. */
const thresholds = new Map<number, ReturnType<typeof decimalToRational>>();
function thresholdRational(threshold: number): ReturnType<typeof decimalToRational> {
  let r = thresholds.get(threshold);
  if (r === undefined) thresholds.set(threshold, (r = decimalToRational(threshold)));
  return r;
}

/** Whether a value is strictly beyond a threshold, compared exactly (19/20 is not below 0.95). */
const beyond = (value: { numerator: number; denominator: number }, t: { below?: number; above?: number }): boolean => {
  const threshold = t.below ?? t.above;
  if (threshold === undefined) return false;
  const c = compareRational(rational(value.numerator, value.denominator), thresholdRational(threshold));
  return t.below !== undefined ? c < 0 : c > 0;
};

const NO_LINKS: readonly string[] = Object.freeze([]);

/**
 * An instance of one record's worth: a metric value or a source. Like `groupInstance`, the instance last made for the
 * rule and group is handed out again while nothing in it changed, so a steady metric alert is the same object tick
 * after tick (`SteadyRules` then passes its rule without a look at its alerts).
 */
function singleInstance(
  rule: AlertRule,
  group: Record<string, string>,
  severity: Severity,
  details: AlertDetails,
  agencyCode: string | null = null,
  unitCode: string | null = null,
): AlertInstance {
  // A rule groups its single instances one way: per agency, per source, or one for the province.
  const identity = groupIdentity(rule, agencyCode ?? group.source ?? '', () => ({
    dedupKey: dedupKeyOf(rule.id, group),
    labels: { ...rule.labels, ...group },
  }));
  const last = identity.last;
  if (
    last !== undefined &&
    last.severity === severity &&
    last.agencyCode === agencyCode &&
    last.unitCode === unitCode &&
    sameRecord(last.details, details)
  )
    return last;
  const instance: AlertInstance = {
    ruleId: rule.id,
    dedupKey: identity.dedupKey,
    severity,
    agencyCode,
    unitCode,
    labels: identity.labels,
    count: 1,
    linkedIds: NO_LINKS,
    details,
  };
  identity.last = instance;
  return instance;
}

function evaluateMetricRule(rule: Extract<AlertRule, { kind: 'metric_threshold' }>, snapshot: SlaSnapshot): AlertInstance[] {
  const out: AlertInstance[] = [];
  for (const s of snapshot.metrics) {
    if (s.metricId !== rule.metric || s.windowMilliseconds !== rule.window) continue;
    if ((rule.groupBy === 'agency') !== (s.agencyCode !== null)) continue;
    // A denominator of 0 is no data, never a breach (domain.md §0); too few records are not judged either.
    if (s.value.denominator === 0 || s.value.denominator < rule.minDenominator || !beyond(s.value, rule.condition)) continue;
    const severity = severityOf(rule, (when) => beyond(s.value, { below: when.valueBelow, above: when.valueAbove }));
    const details = { numerator: s.value.numerator, denominator: s.value.denominator };
    const unitCode = s.agencyCode === null ? null : (snapshot.agencyUnitCodes.get(s.agencyCode) ?? null);
    out.push(singleInstance(rule, s.agencyCode === null ? {} : { agency: s.agencyCode }, severity, details, s.agencyCode, unitCode));
  }
  return out;
}

const MS_PER_MINUTE = 60_000;

function evaluateRule(rule: AlertRule, snapshot: SlaSnapshot, openDossiers: readonly SlaDossier[], clock: WorkingClock): AlertInstance[] {
  const now = clock.now;
  switch (rule.kind) {
    case 'dossier_overdue':
    case 'dossier_overdue_no_apology':
    case 'dossier_due_soon':
    case 'dossier_supplement_requests':
      return evaluateDossierRule(rule, openDossiers, clock, snapshot);
    case 'metric_threshold':
      return evaluateMetricRule(rule, snapshot);
    case 'metric_no_data': {
      const s = snapshot.metrics.find((m) => m.metricId === rule.metric && m.windowMilliseconds === rule.window && m.agencyCode === null);
      if (s && s.value.denominator > 0) return [];
      return [singleInstance(rule, {}, rule.severity, {})];
    }
    case 'source_no_data': {
      // SRC-02 [002 Art 12.4, 13]: nothing changed at the source for longer than `after`.
      const last = snapshot.sources.find((s) => s.source === rule.source)?.maxSourceUpdatedAt ?? null;
      const ageMinutes =
        last === null
          ? null
          : rule.workingTimeOnly
            ? workingTimeBetween(clock.calendar, last, now)
            : (now.getTime() - last.getTime()) / MS_PER_MINUTE;
      if (ageMinutes !== null && ageMinutes * MS_PER_MINUTE <= rule.after) return [];
      return [
        singleInstance(rule, { source: rule.source }, rule.severity, { dataAgeMinutes: ageMinutes === null ? null : round2(ageMinutes) }),
      ];
    }
    case 'document_overdue':
    case 'document_due_soon':
      return evaluateDocumentRule(rule, snapshot.documents ?? [], clock, snapshot.agencyUnitCodes);
    case 'project_behind_schedule':
    case 'project_update_missed':
      return evaluateProjectRule(
        rule,
        snapshot.projects ?? [],
        snapshot.projectAgencyLastUpdates ?? new Map(),
        now,
        clock.calendar.timeZone,
        snapshot.agencyUnitCodes,
      );
    case 'source_freshness':
      // SRC-01 [001 Art 12.1; 003 Art 10.3; 004 Art 10]: the pipeline's age against §3.5's thresholds.
      return rule.sources.flatMap((watched) => {
        const t = watched.thresholdsMinutes;
        if (!t) throw new RangeError(`${rule.id}: source ${watched.source} has no thresholds; load rules with loadRules`);
        const status = snapshot.sources.find((s) => s.source === watched.source);
        const f = sourceFreshness(
          { lastSuccessfulPullAt: status?.lastSuccessfulPullAt ?? null, maxSourceUpdatedAt: status?.maxSourceUpdatedAt ?? null },
          now,
          { warnMinutes: t.warn, criticalMinutes: t.critical },
        );
        // Never pulled is no data, not stale: the no-data rule speaks for it.
        if (f.level !== 'warning' && f.level !== 'critical') return [];
        const severity = severityOf(rule, (when) => when.freshnessLevel === f.level);
        return [
          singleInstance(rule, { source: watched.source }, severity, {
            pipelineAgeMinutes: round2((f.pipelineAgeMilliseconds ?? 0) / MS_PER_MINUTE),
            level: f.level,
          }),
        ];
      });
  }
}

/**
 * The open dossiers of a read, the same array for the same read: groupings computed for it can then know it again
 * (`linkOrder`), across evaluations of one read as well.
 */
const openOf = new WeakMap<readonly SlaDossier[], readonly SlaDossier[]>();
function openDossiersOf(dossiers: readonly SlaDossier[]): readonly SlaDossier[] {
  let open = openOf.get(dossiers);
  if (!open) openOf.set(dossiers, (open = dossiers.filter((d) => d.received_at !== null && openStatuses.has(d.status))));
  return open;
}

/**
 * Every rule over one snapshot at `now`: the instances in breach, keyed by dedup key, sorted by it. Pure: time comes
 * from `now` only, so a dossier due at 17:00 is in breach at 17:00:01 with no new event, and working time comes
 * from `calendar` (a deadline crossing Tết or a weekend counts working days only).
 */
export function evaluateRules(rules: readonly AlertRule[], snapshot: SlaSnapshot, now: Date, calendar: WorkingCalendar): AlertInstance[] {
  return sortedByDedupKey(rules, evaluateEachRule(rules, snapshot, now, calendar));
}

/** Each rule's instances at `now`, one array per rule in the order of `rules` (`evaluateRules`, unsorted and unmerged). */
export function evaluateEachRule(
  rules: readonly AlertRule[],
  snapshot: SlaSnapshot,
  now: Date,
  calendar: WorkingCalendar,
): AlertInstance[][] {
  const clock = new WorkingClock(calendar, now);
  const open = openDossiersOf(snapshot.dossiers);
  return rules.map((rule) => evaluateRule(rule, snapshot, open, clock));
}

/** The last sort of each rule list's instances: the instances as made, rule by rule, and the sorted result. */
const lastSorts = new WeakMap<
  readonly AlertRule[],
  { made: readonly AlertInstance[]; keys: readonly string[]; order: readonly number[]; sorted: AlertInstance[] }
>();

/**
 * The rules' instances merged and sorted by dedup key. Rules make their instances in the same order tick after tick
 * (rule by rule, group by group), and an unchanged instance is the very object of the last tick (`groupInstance`):
 * when every one is, the last sorted array is handed out again, without reading an instance; when the keys come out
 * as last time, the last order is applied again; any other key sequence is sorted. Callers must not change the array.
 */
export function sortedByDedupKey(rules: readonly AlertRule[], perRule: readonly (readonly AlertInstance[])[]): AlertInstance[] {
  const made = perRule.flat();
  const last = lastSorts.get(rules);
  if (last && last.made.length === made.length) {
    if (made.every((instance, n) => instance === last.made[n])) return last.sorted;
    if (made.every((instance, n) => instance.dedupKey === last.keys[n])) {
      const sorted = last.order.map((n) => made[n]!);
      lastSorts.set(rules, { ...last, made, sorted });
      return sorted;
    }
  }
  const keys = made.map((i) => i.dedupKey);
  const order = keys.map((_, n) => n).sort((a, b) => (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : 0));
  const sorted = order.map((n) => made[n]!);
  lastSorts.set(rules, { made, keys, order, sorted });
  return sorted;
}
