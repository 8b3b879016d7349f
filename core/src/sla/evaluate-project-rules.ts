import type { Project } from '../contracts/project';
import { localDateOf, type LocalDate } from '../calendar/local-date';
import { isProjectActive, isProjectDelayed } from '../kpi/project-delay';
import { updateCycleAt, updateCycleOf, type UpdateCycle } from '../kpi/project-update-cycle';
// A cycle with evaluate-rules.ts, which dispatches to this module: safe, both only call each other's functions later.
import { sameIds } from './dossier-rule-groups';
import { linkOrder } from './entity-links';
import { groupInstance, severityOf, type AlertDetails, type AlertInstance } from './evaluate-rules';
import type { AlertRule, ProjectRule } from './rule.schema';

/** What the project rules read of an active project (the store reads only these columns). */
export type SlaProject = Pick<
  Project,
  | 'source_id'
  | 'managing_agency_code'
  | 'stage'
  | 'behind_schedule'
  | 'planned_completion'
  | 'progress_planned_pct'
  | 'progress_actual_pct'
  | 'last_update_at'
> & { source_system: string };

/**
 * Each agency obliged to update (it manages an active project [000 Art 6.2; P, as P3 counts it]) → the newest
 * `last_update_at` of its active projects, null when it never updated. The store computes it over every active
 * project, since the rows it reads are a subset; this is the same for a full list (tests, small provinces).
 */
export function projectAgencyLastUpdates(projects: readonly SlaProject[]): Map<string, Date | null> {
  const out = new Map<string, Date | null>();
  for (const p of projects) {
    if (!isProjectActive(p)) continue;
    const seen = out.get(p.managing_agency_code) ?? null;
    const at = p.last_update_at;
    out.set(p.managing_agency_code, at !== null && (seen === null || at > seen) ? at : seen);
  }
  return out;
}

const MS_PER_DAY = 86_400_000;
const pad = (n: number) => String(n).padStart(2, '0');

/** `day` plus `months` calendar months, the day clamped to the month's last (31/01 + 1 month = 28/02). */
function addMonths(day: LocalDate, months: number): LocalDate {
  const [y = 0, m = 1, d = 1] = day.split('-').map(Number);
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${pad(month)}-${pad(Math.min(d, last))}`;
}

const daysBetween = (from: LocalDate, to: LocalDate) => Math.round((Date.parse(to) - Date.parse(from)) / MS_PER_DAY);

/** The cycle that closed on the last 10th at or before `now` (on 11/03 the March cycle, 10/02–10/03). */
export function lastClosedUpdateCycle(now: Date, timeZone: string): UpdateCycle {
  const running = updateCycleAt(now, timeZone);
  const [y = 0, m = 1] = running.month.split('-').map(Number);
  return updateCycleOf(m === 1 ? `${y - 1}-12` : `${y}-${pad(m - 1)}`, timeZone);
}

/**
 * Since when an agency must have updated for the rule to hold at `now`, and how many days its deadline is past;
 * null when the rule does not judge at `now` (a reminder before its first day).
 * - PRJ-02: since the start of the last closed cycle: an agency that missed the 10th clears once it updates, late.
 * - Reminder (`remindDaysBefore`): since the start of the running cycle, from that many days before its 10th.
 */
function updateWindow(
  rule: Extract<ProjectRule, { kind: 'project_update_missed' }>,
  now: Date,
  timeZone: string,
): { since: Date; cycle: UpdateCycle; daysPastDeadline: number } | null {
  if (rule.remindDaysBefore === undefined) {
    const cycle = lastClosedUpdateCycle(now, timeZone);
    return { since: cycle.start, cycle, daysPastDeadline: Math.floor((now.getTime() - cycle.end.getTime()) / MS_PER_DAY) };
  }
  const cycle = updateCycleAt(now, timeZone);
  if (now.getTime() < cycle.end.getTime() - rule.remindDaysBefore * MS_PER_DAY) return null;
  return { since: cycle.start, cycle, daysPastDeadline: 0 };
}

interface ProjectGroup {
  key: string;
  agencyCode: string | null;
  group: Record<string, string>;
  ids: string[];
  /** The earliest planned completion passed among the group's delayed projects: how late the latest of them is. */
  earliestPassedCompletion: LocalDate | null;
  lastUpdateAt: Date | null;
}

/**
 * A project rule at `now`, grouped per managing agency (or for the province) into one instance each:
 * - `project_behind_schedule` (PRJ-01): the agency's active projects delayed as P1 defines them (`isProjectDelayed`);
 * - `project_update_missed` (PRJ-02): each obliged agency with no update since the window's start, linking its active
 *   projects. Cycles are calendar days, province time [000 Art 6.2; P, domain.md §2.3].
 */
export function evaluateProjectRule(
  rule: ProjectRule,
  projects: readonly SlaProject[],
  agencyLastUpdates: ReadonlyMap<string, Date | null>,
  now: Date,
  timeZone: string,
  agencyUnitCodes: ReadonlyMap<string, string>,
): AlertInstance[] {
  const { today, window } = instantOf(rule, now, timeZone);
  if (rule.kind === 'project_update_missed' && !window) return [];
  // Everything below follows from the day and the cycle window, not the instant: within a day, with the same read,
  // the rule's instances are the same (two hundred rules, thousands of projects, every 30 s tick).
  const windowKey = window ? `${window.since.getTime()}|${window.daysPastDeadline}` : '';
  const last = lastResults.get(rule);
  if (
    last !== undefined &&
    last.projects === projects &&
    last.updates === agencyLastUpdates &&
    last.unitCodes === agencyUnitCodes &&
    last.today === today &&
    last.timeZone === timeZone &&
    last.windowKey === windowKey
  )
    return last.instances;
  const instances = projectGroups(rule, projects, agencyLastUpdates, now, timeZone, window).map((g) => {
    const count = g.ids.length;
    const severity = severityOf<ProjectRule>(rule, (when) => {
      if (when.countAtLeast !== undefined) return count >= when.countAtLeast;
      const months = 'monthsLateOver' in when ? when.monthsLateOver : undefined;
      if (months !== undefined) return g.earliestPassedCompletion !== null && today > addMonths(g.earliestPassedCompletion, months);
      const days = 'daysPastDeadlineAtLeast' in when ? when.daysPastDeadlineAtLeast : undefined;
      return days !== undefined && window !== null && window.daysPastDeadline >= days;
    });
    const details: AlertDetails =
      rule.kind === 'project_behind_schedule'
        ? { maxDaysPastPlannedCompletion: g.earliestPassedCompletion === null ? null : daysBetween(g.earliestPassedCompletion, today) }
        : { cycle: window!.cycle.month, lastUpdateAt: g.lastUpdateAt?.toISOString() ?? null };
    const unitCode = g.agencyCode === null ? null : (agencyUnitCodes.get(g.agencyCode) ?? null);
    return groupInstance(rule, g, { severity, unitCode, details });
  });
  lastResults.set(rule, { projects, updates: agencyLastUpdates, unitCodes: agencyUnitCodes, today, timeZone, windowKey, instances });
  return instances;
}

/** Each rule's last instances, with what they were made from; callers must not change the array. */
const lastResults = new WeakMap<
  ProjectRule,
  {
    projects: readonly SlaProject[];
    updates: ReadonlyMap<string, Date | null>;
    unitCodes: ReadonlyMap<string, string>;
    today: LocalDate;
    timeZone: string;
    windowKey: string;
    instances: AlertInstance[];
  }
>();

/** The local date and the rule's update window at one instant, worked out once per instant for all copies of a rule. */
let lastInstant: { at: number; timeZone: string; today: LocalDate; windows: Map<string, ReturnType<typeof updateWindow>> } | null = null;
function instantOf(rule: ProjectRule, now: Date, timeZone: string): { today: LocalDate; window: ReturnType<typeof updateWindow> } {
  if (!lastInstant || lastInstant.at !== now.getTime() || lastInstant.timeZone !== timeZone)
    lastInstant = { at: now.getTime(), timeZone, today: localDateOf(now, timeZone), windows: new Map() };
  if (rule.kind !== 'project_update_missed') return { today: lastInstant.today, window: null };
  const key = String(rule.remindDaysBefore ?? '');
  let window = lastInstant.windows.get(key);
  if (window === undefined) lastInstant.windows.set(key, (window = updateWindow(rule, now, timeZone)));
  return { today: lastInstant.today, window };
}

/**
 * Which active projects the rules can need at `now`: those that may be delayed on `delayedOn` (flagged, past planned
 * completion before that date, or behind plan), and those of agencies whose newest update is before `updatedBefore`.
 * Both null: no project rule judges now, read none.
 */
export function projectReadPlan(
  rules: readonly AlertRule[],
  now: Date,
  timeZone: string,
): { delayedOn: LocalDate | null; updatedBefore: Date | null } {
  let delayedOn: LocalDate | null = null;
  let updatedBefore: Date | null = null;
  for (const rule of rules) {
    if (rule.kind === 'project_behind_schedule') delayedOn = localDateOf(now, timeZone);
    if (rule.kind !== 'project_update_missed') continue;
    const window = updateWindow(rule, now, timeZone);
    if (window && (updatedBefore === null || window.since > updatedBefore)) updatedBefore = window.since;
  }
  return { delayedOn, updatedBefore };
}

/** What a rule's grouping depends on besides the projects and the instant; rules differing only otherwise share it. */
const groupingKey = (rule: ProjectRule) =>
  rule.kind === 'project_update_missed' ? `${rule.kind}|${rule.remindDaysBefore ?? ''}|${rule.groupBy}` : `${rule.kind}|${rule.groupBy}`;

/**
 * Groupings computed at one instant for one read of the projects, as for dossiers (dossier-rule-groups.ts): copies of
 * a rule share them (each project's delay needs its local date, which is what costs). Only the latest instant is kept.
 */
let memo: {
  projects: readonly SlaProject[];
  updates: ReadonlyMap<string, Date | null>;
  at: number;
  byKey: Map<string, readonly ProjectGroup[]>;
} | null = null;

/**
 * Whether each project is delayed (`isProjectDelayed`) on `today`, kept per read for the day: the answer changes only
 * with the local date, and working it out needs the zone's offset per project, thousands of times a tick.
 */
const delayedOn = new WeakMap<readonly SlaProject[], { today: LocalDate; timeZone: string; flags: readonly boolean[] }>();
function delayedFlags(records: readonly SlaProject[], now: Date, today: LocalDate, timeZone: string): readonly boolean[] {
  let kept = delayedOn.get(records);
  if (!kept || kept.today !== today || kept.timeZone !== timeZone) {
    kept = { today, timeZone, flags: records.map((p) => isProjectDelayed(p, now, timeZone)) };
    delayedOn.set(records, kept);
  }
  return kept.flags;
}

/** Each grouping's id arrays as last computed, by grouping and group key. */
const lastIds = new Map<string, ReadonlyMap<string, string[]>>();

function projectGroups(
  rule: ProjectRule,
  projects: readonly SlaProject[],
  agencyLastUpdates: ReadonlyMap<string, Date | null>,
  now: Date,
  timeZone: string,
  window: { since: Date } | null,
): readonly ProjectGroup[] {
  if (!memo || memo.projects !== projects || memo.updates !== agencyLastUpdates || memo.at !== now.getTime())
    memo = { projects, updates: agencyLastUpdates, at: now.getTime(), byKey: new Map() };
  const key = `${groupingKey(rule)}|${timeZone}`;
  const hit = memo.byKey.get(key);
  if (hit) return hit;
  const today = localDateOf(now, timeZone);
  const groups = new Map<string, ProjectGroup>();
  const add = (agency: string): ProjectGroup => {
    const key = rule.groupBy === 'agency' ? agency : '';
    let g = groups.get(key);
    if (!g) {
      g = {
        key,
        agencyCode: rule.groupBy === 'agency' ? key : null,
        group: rule.groupBy === 'agency' ? { agency: key } : {},
        ids: [],
        earliestPassedCompletion: null,
        lastUpdateAt: null,
      };
      groups.set(key, g);
    }
    return g;
  };
  const lagging = (agency: string) => {
    if (!agencyLastUpdates.has(agency)) return false;
    const last = agencyLastUpdates.get(agency) ?? null;
    return last === null || last.getTime() < window!.since.getTime();
  };
  // In link id order, so each group's ids come out sorted.
  const { records, ids } = linkOrder(projects);
  const delayed = rule.kind === 'project_behind_schedule' ? delayedFlags(records, now, today, timeZone) : null;
  for (let i = 0; i < records.length; i++) {
    const p = records[i]!;
    if (!isProjectActive(p)) continue;
    if (delayed) {
      if (!delayed[i]) continue;
      const g = add(p.managing_agency_code);
      g.ids.push(ids[i]!);
      const planned = p.planned_completion;
      if (planned !== null && today > planned && (g.earliestPassedCompletion === null || planned < g.earliestPassedCompletion))
        g.earliestPassedCompletion = planned;
    } else {
      if (!lagging(p.managing_agency_code)) continue;
      const g = add(p.managing_agency_code);
      g.ids.push(ids[i]!);
      const last = agencyLastUpdates.get(p.managing_agency_code) ?? null;
      if (last !== null && (g.lastUpdateAt === null || last > g.lastUpdateAt)) g.lastUpdateAt = last;
    }
  }
  // As for documents: an unchanged group gets the previous evaluation's very array back (compared by identity).
  const previous = lastIds.get(key);
  const result = [...groups.values()].map((g) => {
    const ids = previous?.get(g.key);
    return ids !== undefined && sameIds(ids, g.ids) ? { ...g, ids } : g;
  });
  lastIds.set(key, new Map(result.map((g) => [g.key, g.ids])));
  memo.byKey.set(key, result);
  return result;
}
