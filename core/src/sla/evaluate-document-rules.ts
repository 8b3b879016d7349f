import { DOCUMENT_URGENCIES, type OfficialDocument } from '../contracts/document';
import type { WorkingCalendar } from '../calendar/working-calendar';
import { sameIds } from './dossier-rule-groups';
import { linkOrder } from './entity-links';
import { dueSoonHorizon, type WorkingClock } from './dossier-sla';
// A cycle with evaluate-rules.ts, which dispatches to this module: safe, both only call each other's functions later.
import { groupInstance, severityOf, wholeWorkingDays, type AlertDetails, type AlertInstance } from './evaluate-rules';
import type { AlertRule, DocumentRule } from './rule.schema';

/** What the document rules read of an open incoming document (the store reads only these, only for open ones). */
export type SlaDocument = Pick<
  OfficialDocument,
  'source_id' | 'direction' | 'agency_code' | 'urgency' | 'status' | 'deadline_at' | 'completed_at'
> & {
  source_system: string;
};

const urgencyRank = (u: SlaDocument['urgency']) => DOCUMENT_URGENCIES.indexOf(u);

/**
 * Open in the sense of the wall's V2 (core/src/store/document.queries.ts `documentCounters`): incoming, not completed,
 * not returned. Outgoing documents have no handling deadline [003 Art 7.2].
 */
export const isDocumentOpen = (d: SlaDocument): boolean =>
  d.direction === 'incoming' && d.completed_at === null && d.status !== 'completed' && d.status !== 'returned';

/** Overdue (quá hạn, V2 and DOC-01 [003 Art 9.1, 9.3]): open and `now > deadline_at`; the deadline instant itself is on time. */
export const isDocumentOverdue = (d: SlaDocument, now: Date): boolean =>
  isDocumentOpen(d) && d.deadline_at !== null && now.getTime() > d.deadline_at.getTime();

interface DocumentGroup {
  key: string;
  agencyCode: string | null;
  group: Record<string, string>;
  ids: string[];
  maxOverdueMinutes: number | null;
  maxUrgency: number;
}

/**
 * A document rule over open incoming documents: which breach it, grouped per agency (or for the province) into one
 * instance each, with the escalations of domain.md §4 (DOC-01: critical when one of them is urgent). Working time
 * comes from `clock`'s calendar, so a deadline before a weekend or Tết counts working days only.
 */
export function evaluateDocumentRule(
  rule: DocumentRule,
  documents: readonly SlaDocument[],
  clock: WorkingClock,
  agencyUnitCodes: ReadonlyMap<string, string>,
): AlertInstance[] {
  const perDay = clock.minutesPerWorkingDay;
  return documentGroups(rule, documents, clock).map((g) => {
    const count = g.ids.length;
    const severity = severityOf<DocumentRule>(rule, (when) => {
      if (when.countAtLeast !== undefined) return count >= when.countAtLeast;
      if (when.urgencyAtLeast !== undefined) return g.maxUrgency >= urgencyRank(when.urgencyAtLeast);
      const days = 'overdueWorkingDaysAtLeast' in when ? when.overdueWorkingDaysAtLeast : undefined;
      return days !== undefined && (g.maxOverdueMinutes ?? 0) >= days * perDay;
    });
    const details: AlertDetails = {
      maxUrgency: DOCUMENT_URGENCIES[g.maxUrgency]!,
      ...(g.maxOverdueMinutes === null ? {} : { overdueWorkingDays: wholeWorkingDays(g.maxOverdueMinutes, perDay) }),
    };
    const unitCode = g.agencyCode === null ? null : (agencyUnitCodes.get(g.agencyCode) ?? null);
    return groupInstance(rule, g, { severity, unitCode, details });
  });
}

/** What a rule's grouping depends on besides the documents and the instant; rules differing only otherwise share it. */
const groupingKey = (rule: DocumentRule) =>
  rule.kind === 'document_overdue' ? `${rule.kind}|${rule.groupBy}` : `${rule.kind}|${rule.withinWorkingHours}|${rule.groupBy}`;

/**
 * Groupings computed at one instant, as for dossiers (dossier-rule-groups.ts): a `WorkingClock` lives for one
 * evaluation, and an entry serves only the very `documents` array it was computed from. Two hundred rules are a few
 * kinds repeated: each grouping is computed once per tick, and its arrays are shared (callers must not change them).
 */
type DocumentMemo = Map<string, { documents: readonly SlaDocument[]; groups: readonly DocumentGroup[] }>;
const memo = new WeakMap<WorkingClock, DocumentMemo>();

/** Each grouping's id arrays as last computed, by grouping and group key. */
const lastIds = new Map<string, ReadonlyMap<string, string[]>>();

function documentGroups(rule: DocumentRule, documents: readonly SlaDocument[], clock: WorkingClock): readonly DocumentGroup[] {
  let byKey = memo.get(clock);
  if (!byKey) memo.set(clock, (byKey = new Map() as DocumentMemo));
  const key = groupingKey(rule);
  const hit = byKey.get(key);
  if (hit && hit.documents === documents) return hit.groups;
  // A group holding exactly the ids of the previous evaluation gets that very array back, so that the state machine
  // and the store compare an unchanged alert's records by identity; nothing is ever answered from it.
  const previous = lastIds.get(key);
  const groups = computeDocumentGroups(rule, documents, clock).map((g) => {
    const ids = previous?.get(g.key);
    return ids !== undefined && sameIds(ids, g.ids) ? { ...g, ids } : g;
  });
  lastIds.set(key, new Map(groups.map((g) => [g.key, g.ids])));
  byKey.set(key, { documents, groups });
  return groups;
}

function computeDocumentGroups(rule: DocumentRule, documents: readonly SlaDocument[], clock: WorkingClock): DocumentGroup[] {
  const groups = new Map<string, DocumentGroup>();
  const { records, ids } = linkOrder(documents);
  for (let i = 0; i < records.length; i++) {
    const d = records[i]!;
    if (!isDocumentOpen(d) || d.deadline_at === null) continue;
    let overdue: number | null = null;
    if (rule.kind === 'document_overdue') {
      if (!isDocumentOverdue(d, clock.now)) continue;
      overdue = clock.minutesSince(d.deadline_at);
    } else if (clock.now.getTime() >= d.deadline_at.getTime() || clock.minutesUntil(d.deadline_at) > rule.withinWorkingHours * 60) continue;
    const key = rule.groupBy === 'agency' ? d.agency_code : '';
    let g = groups.get(key);
    if (!g) {
      g = {
        key,
        agencyCode: rule.groupBy === 'agency' ? key : null,
        group: rule.groupBy === 'agency' ? { agency: key } : {},
        ids: [],
        maxOverdueMinutes: null,
        maxUrgency: 0,
      };
      groups.set(key, g);
    }
    // Sorted as pushed: the records come in link id order.
    g.ids.push(ids[i]!);
    g.maxUrgency = Math.max(g.maxUrgency, urgencyRank(d.urgency));
    if (overdue !== null) g.maxOverdueMinutes = Math.max(g.maxOverdueMinutes ?? 0, overdue);
  }
  return [...groups.values()];
}

/**
 * Which open incoming documents the rules can need at `now`: those with a deadline by `deadlineBefore` (overdue, or
 * due within the widest "due soon" horizon). Null: no document rule, read none.
 */
export function documentReadPlan(rules: readonly AlertRule[], now: Date, calendar: WorkingCalendar): { deadlineBefore: Date | null } {
  let deadlineBefore: Date | null = null;
  for (const rule of rules) {
    const horizon =
      rule.kind === 'document_overdue'
        ? now
        : rule.kind === 'document_due_soon'
          ? dueSoonHorizon(calendar, now, rule.withinWorkingHours)
          : null;
    if (horizon && (deadlineBefore === null || horizon > deadlineBefore)) deadlineBefore = horizon;
  }
  return { deadlineBefore };
}
