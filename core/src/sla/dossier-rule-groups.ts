import { WorkingClock, isDueSoon, overdueWorkingMinutes, type SlaDossier } from './dossier-sla';
import type { DossierRule } from './rule.schema';
import { linkOrder } from './entity-links';
import type { AlertInstance } from './evaluate-rules';

/** The open dossiers one entity rule finds in breach for one group (an agency, a commune, or the province). */
export interface DossierGroup {
  /** The group's key: the agency or commune code; '' for the province. */
  key: string;
  agencyCode: string | null;
  /** The commune of the group, or the catalogue's unit of its agency (null when the catalogue does not know it). */
  unitCode: string | null;
  group: Readonly<Record<string, string>>;
  /** `source_system/source_id` of each dossier in breach, sorted; shared by every rule of the same grouping. */
  ids: readonly string[];
  /** The communes of those dossiers. */
  units: ReadonlySet<string>;
  maxOverdueMinutes: number | null;
}

/**
 * What a rule's grouping depends on besides the snapshot and the instant: its kind, its threshold and how it groups.
 * Rules that differ only in id, severity, escalations or labels share one grouping.
 */
function groupingKey(rule: DossierRule): string {
  switch (rule.kind) {
    case 'dossier_overdue':
      return `${rule.kind}|${rule.groupBy}`;
    case 'dossier_overdue_no_apology':
      return `${rule.kind}|${rule.afterWorkingDays}|${rule.groupBy}`;
    case 'dossier_due_soon':
      return `${rule.kind}|${rule.withinWorkingHours}|${rule.groupBy}`;
    case 'dossier_supplement_requests':
      return `${rule.kind}|${rule.atLeast}|${rule.groupBy}`;
  }
}

interface Memo {
  dossiers: readonly SlaDossier[];
  agencyUnitCodes: ReadonlyMap<string, string>;
  groups: readonly DossierGroup[];
}

/**
 * Groupings computed at one evaluation instant. A `WorkingClock` lives for one evaluation (one `now`, one calendar), so
 * nothing here outlives the instant it was computed for; an entry is used only for the very snapshot (same arrays)
 * it was computed from, and the clock's garbage collection takes the entries with it.
 */
const memo = new WeakMap<WorkingClock, Map<string, Memo>>();

/**
 * Each rule's groups as last computed, across evaluations. Only the arrays are reused, and only when the new ones hold
 * exactly the same ids: then an unchanged alert's `linkedIds` is the very array its previous state holds, and the
 * state machine and the store compare it by identity instead of id by id (thousands of alerts, every tick). Nothing
 * is ever answered from here: a group whose ids differ in any way gets its new array.
 */
const lastGroups = new WeakMap<DossierRule, ReadonlyMap<string, readonly string[]>>();

export const sameIds = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** `groups` with each `ids` replaced by the previous evaluation's array for the same group when equal. */
function reusingPreviousIds(rule: DossierRule, groups: DossierGroup[]): DossierGroup[] {
  const previous = lastGroups.get(rule);
  if (!previous) return groups;
  return groups.map((g) => {
    const ids = previous.get(g.key);
    return ids !== undefined && ids !== g.ids && sameIds(ids, g.ids) ? { ...g, ids } : g;
  });
}

function computeGroups(
  rule: DossierRule,
  dossiers: readonly SlaDossier[],
  clock: WorkingClock,
  agencyUnitCodes: ReadonlyMap<string, string>,
): DossierGroup[] {
  const groups = new Map<string, DossierGroup & { ids: string[]; units: Set<string> }>();
  const perDay = clock.minutesPerWorkingDay;
  const { records, ids } = linkOrder(dossiers);
  for (let i = 0; i < records.length; i++) {
    const d = records[i]!;
    let overdue: number | null = null;
    switch (rule.kind) {
      case 'dossier_overdue': // DOS-01 [001 Art 7.2.c, 19.3, 23.4]
        overdue = overdueWorkingMinutes(d, clock);
        if (overdue === null) continue;
        break;
      case 'dossier_overdue_no_apology': // DOS-03 [ND 61 Art 19 / ND 118]: overdue a working day, no apology slip
        overdue = overdueWorkingMinutes(d, clock);
        if (overdue === null || overdue < rule.afterWorkingDays * perDay || d.apology_issued_at !== null) continue;
        break;
      case 'dossier_due_soon': // DOS-02 [001 Art 23.4]
        if (!isDueSoon(d, clock, rule.withinWorkingHours)) continue;
        break;
      case 'dossier_supplement_requests': // DOS-05 [001 Art 7.2.c]
        if (d.supplement_periods.length < rule.atLeast) continue;
        break;
    }
    const key = rule.groupBy === 'agency' ? d.handling_agency_code : rule.groupBy === 'unit' ? d.unit_code : '';
    let g = groups.get(key);
    if (!g) {
      g = {
        key,
        agencyCode: rule.groupBy === 'agency' ? key : null,
        unitCode: rule.groupBy === 'unit' ? key : (agencyUnitCodes.get(key) ?? null),
        group: rule.groupBy === 'agency' ? { agency: key } : rule.groupBy === 'unit' ? { unit: key } : {},
        ids: [],
        units: new Set(),
        maxOverdueMinutes: null,
      };
      groups.set(key, g);
    }
    // Sorted as pushed: the records come in link id order.
    g.ids.push(ids[i]!);
    g.units.add(d.unit_code);
    if (overdue !== null) g.maxOverdueMinutes = Math.max(g.maxOverdueMinutes ?? 0, overdue);
  }
  return [...groups.values()];
}

/**
 * The groups of open dossiers `rule` finds in breach at `clock.now`, in the order first met. Two hundred rules are
 * mostly a few kinds over and over (per agency, per commune, with other severities or labels): each distinct
 * grouping is computed once per evaluation and shared, so a tick costs the kinds, not the rules. The result is
 * frozen in spirit: callers must not change the arrays, which other rules' instances hold too.
 */
export function dossierGroups(
  rule: DossierRule,
  dossiers: readonly SlaDossier[],
  clock: WorkingClock,
  agencyUnitCodes: ReadonlyMap<string, string>,
): readonly DossierGroup[] {
  let byKey = memo.get(clock);
  if (!byKey) memo.set(clock, (byKey = new Map<string, Memo>()));
  const key = groupingKey(rule);
  const hit = byKey.get(key);
  let groups: readonly DossierGroup[];
  if (hit && hit.dossiers === dossiers && hit.agencyUnitCodes === agencyUnitCodes) groups = hit.groups;
  else {
    groups = reusingPreviousIds(rule, computeGroups(rule, dossiers, clock, agencyUnitCodes));
    byKey.set(key, { dossiers, agencyUnitCodes, groups });
  }
  lastGroups.set(rule, new Map(groups.map((g) => [g.key, g.ids])));
  return groups;
}

/** What names a rule's alert for one group: fixed by the rule and the group, whatever the evaluation. */
export interface GroupIdentity {
  dedupKey: string;
  labels: Readonly<Record<string, string>>;
  /** The instance last made for this rule and group (`groupInstance`), handed out again while nothing in it changes. */
  last?: AlertInstance;
}

const identities = new WeakMap<object, Map<string, GroupIdentity>>();

/**
 * The dedup key and labels of `rule`'s alert for the group `groupKey`, made once and then the same string and object
 * at every evaluation: comparing an unchanged alert's labels is then one identity check, and none are rebuilt. Safe
 * to keep, as both follow from the (immutable) rule and the group key alone.
 */
export function groupIdentity(rule: object, groupKey: string, make: () => GroupIdentity): GroupIdentity {
  let byGroup = identities.get(rule);
  if (!byGroup) identities.set(rule, (byGroup = new Map<string, GroupIdentity>()));
  let identity = byGroup.get(groupKey);
  if (!identity) byGroup.set(groupKey, (identity = make()));
  return identity;
}
