import type {
  AlertView,
  Catalogue,
  IncidentDetail,
  IncidentEvent,
  IncidentSummary,
  ScopeIndex,
  SilenceView,
  StoredAlert,
  StoredIncident,
  StoredSilence,
} from '@ioc/core';
import type { Principal } from '../auth/principal';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export type RuleNames = ReadonlyMap<string, { vi: string; en: string }>;

export function alertViewOf(a: Omit<StoredAlert, 'revision'>, ruleNames: RuleNames, incidentId: string | null): AlertView {
  return {
    id: a.alertId,
    ruleId: a.ruleId,
    ruleName: ruleNames.get(a.ruleId) ?? { vi: a.ruleId, en: a.ruleId },
    dedupKey: a.dedupKey,
    state: a.state,
    severity: a.severity,
    agencyCode: a.agencyCode,
    unitCode: a.unitCode,
    labels: { ...a.labels },
    count: a.count,
    silenced: a.silenceIds.length > 0,
    startedAt: a.startedAt.toISOString(),
    firedAt: iso(a.firedAt),
    resolvedAt: iso(a.resolvedAt),
    lastEvaluatedAt: a.lastEvaluatedAt.toISOString(),
    incidentId,
  };
}

export function incidentSummaryOf(i: StoredIncident): IncidentSummary {
  return {
    id: i.id,
    ruleId: i.ruleId,
    title: i.title,
    dedupKey: i.dedupKey,
    state: i.state,
    severity: i.severity,
    agencyCode: i.agencyCode,
    unitCode: i.unitCode,
    assignedAgencyCode: i.assignedAgencyCode,
    openedAt: i.openedAt.toISOString(),
    ackDueAt: iso(i.ackDueAt),
    acknowledgedAt: iso(i.acknowledgedAt),
    resolvedAt: iso(i.resolvedAt),
    closedAt: iso(i.closedAt),
    escalations: i.escalations,
    alertIds: i.alertIds,
    linkedIds: i.linkedIds,
  };
}

export function incidentDetailOf(i: StoredIncident, events: readonly IncidentEvent[]): IncidentDetail {
  return {
    ...incidentSummaryOf(i),
    checklist: i.checklist.map((c, index) => ({ index, text: { vi: c.vi, en: c.en }, done: c.done, doneBy: c.doneBy, doneAt: c.doneAt })),
    timeline: events.map((e) => ({
      id: e.id,
      at: e.at.toISOString(),
      kind: e.kind,
      actor: e.actor,
      role: e.role,
      fromState: e.fromState,
      toState: e.toState,
      comment: e.comment,
      details: e.details,
    })),
  };
}

export function silenceViewOf(s: StoredSilence): SilenceView {
  return {
    id: s.id,
    kind: s.kind,
    ruleIds: s.ruleIds,
    agencyCodes: s.agencyCodes,
    labels: s.labels,
    startsAt: s.startsAt.toISOString(),
    endsAt: s.endsAt.toISOString(),
    reason: s.reason,
    createdBy: s.createdBy,
    cancelledAt: iso(s.cancelledAt),
  };
}

/**
 * Which alerts and incidents a person's lists hold, as SQL filters: everything province-wide; else the agencies of
 * their scope; a department only its own agency's alerts and the incidents forwarded to it (domain.md §1.2).
 */
export function visibilityOf(
  principal: Principal,
  scopes: ScopeIndex,
  catalogue: Pick<Catalogue, 'agencies'>,
): { agencies: string[] | null; assignedAgencies: string[] | null } {
  const inScope = () => catalogue.agencies.map((a) => a.code).filter((code) => scopes.agencyInScope(principal.scope, code));
  if (principal.role === 'department') {
    const own = principal.scope.agencyCode ? [principal.scope.agencyCode] : inScope();
    return { agencies: own, assignedAgencies: own };
  }
  if (scopes.isProvinceWide(principal.scope)) return { agencies: null, assignedAgencies: null };
  return { agencies: inScope(), assignedAgencies: null };
}
