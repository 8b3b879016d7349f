import {
  IncidentAgencyUnknown,
  IncidentChecklistItemUnknown,
  IncidentNotFound,
  IncidentTransitionInvalid,
  appendIncidentEvent,
  listIncidents,
  nextIncidentState,
  readIncident,
  readIncidentEvents,
  readIncidentForUpdate,
  updateIncident,
  type Catalogue,
  type Clock,
  type Db,
  type IncidentAction,
  type IncidentDetail,
  type IncidentEventKind,
  type IncidentList,
  type IncidentListQuery,
  type IncidentPatch,
  type ScopeIndex,
  type StoredIncident,
} from '@ioc/core';
import { audit, type Actor } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import type { Action, Policy } from '../policy/policy';
import { incidentDetailOf, incidentSummaryOf, visibilityOf } from './incident-views';

export interface IncidentsServiceOptions {
  db: Db;
  clock: Clock;
  catalogue: Pick<Catalogue, 'agencies'>;
  scopes: ScopeIndex;
  policy: Policy;
  /** Called after an action committed, with the incident as it now is (the live hub pushes it). */
  onChange?: (incident: StoredIncident) => void;
}

/** The body of an action, once validated by its route. */
export interface ActionInput {
  comment?: string | undefined;
  agencyCode?: string;
  index?: number;
  done?: boolean;
}

const EVENT_OF: Record<IncidentAction, IncidentEventKind> = {
  ack: 'acknowledged',
  assign: 'assigned',
  comment: 'commented',
  checklist: 'checklist',
  progress: 'progress',
  resolve: 'resolved',
  close: 'closed',
  reopen: 'reopened',
};

/** What a row of the `unique (dedup_key) where state <> 'closed'` index refuses: reopening beside a newer incident. */
const UNIQUE_VIOLATION = '23505';

/**
 * The incident workflow behind `/api/incidents` (domain.md §2.4): each action is checked by the policy against the
 * incident's agency (a department only on incidents forwarded to it), moved by `nextIncidentState`, and written with
 * its logbook row and its audit row in one transaction; the incident row is locked meanwhile, so two people acting at
 * once are ordered, and the second sees the first's state.
 */
export class IncidentsService {
  constructor(private readonly o: IncidentsServiceOptions) {}

  async list(principal: Principal, q: IncidentListQuery): Promise<IncidentList> {
    if (q.agency)
      this.o.policy.authorize(principal, 'incident.list', { kind: 'incident', agencyCode: q.agency, assignedAgencyCode: q.agency });
    const v = visibilityOf(principal, this.o.scopes, this.o.catalogue);
    const states =
      q.state === 'all' ? null : q.state === 'unresolved' ? (['open', 'acknowledged', 'assigned', 'in_progress'] as const) : [q.state];
    const now = this.o.clock.now();
    const page = await listIncidents(this.o.db, {
      states,
      severity: q.severity ?? null,
      agencyCode: q.agency ?? null,
      openedBefore: q.minAgeMinutes === undefined ? null : new Date(now.getTime() - q.minAgeMinutes * 60_000),
      visibleAgencies: principal.role === 'department' ? null : v.agencies,
      assignedAgencies: v.assignedAgencies,
      limit: q.limit,
      offset: q.offset,
    });
    return { incidents: page.incidents.map(incidentSummaryOf), total: page.total };
  }

  async get(principal: Principal, id: string): Promise<IncidentDetail> {
    const incident = await readIncident(this.o.db, id);
    if (!incident) throw IncidentNotFound.create({ incidentId: id });
    this.authorize(principal, 'incident.read', incident);
    return incidentDetailOf(incident, await readIncidentEvents(this.o.db, id));
  }

  async act(actor: Actor & { principal: Principal }, id: string, action: IncidentAction, input: ActionInput): Promise<IncidentDetail> {
    const now = this.o.clock.now();
    const { principal } = actor;
    let updated: StoredIncident;
    try {
      updated = await this.o.db.transaction(async (tx) => {
        const incident = await readIncidentForUpdate(tx, id);
        if (!incident) throw IncidentNotFound.create({ incidentId: id });
        this.authorize(principal, `incident.${action}`, incident);
        const to = nextIncidentState(incident, action);
        const patch: IncidentPatch = { state: to };
        const details: Record<string, unknown> = {};
        if (action === 'ack') Object.assign(patch, { acknowledgedAt: now, ackDueAt: null });
        if (action === 'assign') {
          const agency = input.agencyCode!.toUpperCase();
          if (!this.o.catalogue.agencies.some((a) => a.code === agency)) throw IncidentAgencyUnknown.create({ agencyCode: agency });
          patch.assignedAgencyCode = agency;
          details.agencyCode = agency;
          details.previousAgencyCode = incident.assignedAgencyCode;
        }
        if (action === 'checklist') {
          const index = input.index!;
          if (index >= incident.checklist.length) throw IncidentChecklistItemUnknown.create({ index });
          patch.checklist = incident.checklist.map((item, i) =>
            i === index
              ? {
                  ...item,
                  done: input.done!,
                  doneBy: input.done ? principal.username : null,
                  doneAt: input.done ? now.toISOString() : null,
                }
              : item,
          );
          Object.assign(details, { index, done: input.done });
        }
        if (action === 'resolve') patch.resolvedAt = now;
        if (action === 'close') patch.closedAt = now;
        if (action === 'reopen') Object.assign(patch, { resolvedAt: null, closedAt: null });
        const next = await updateIncident(tx, id, incident.revision, patch, now);
        // Unreachable while the row is locked; kept so that a future unlocked path cannot write over a newer state.
        if (!next) throw IncidentTransitionInvalid.create({ incidentId: id, state: incident.state, action });
        await appendIncidentEvent(tx, {
          incidentId: id,
          at: now,
          kind: EVENT_OF[action],
          actor: principal.username,
          actorId: principal.accountId,
          role: principal.role,
          fromState: incident.state,
          toState: to,
          comment: input.comment ?? null,
          details,
        });
        await audit(tx, now, actor, `incident.${action}`, { kind: 'incident', id }, { from: incident.state, to, ...details });
        return next;
      });
    } catch (err) {
      if ((err as { code?: string }).code === UNIQUE_VIOLATION)
        throw IncidentTransitionInvalid.create({ incidentId: id, state: 'closed', action });
      throw err;
    }
    this.o.onChange?.(updated);
    return incidentDetailOf(updated, await readIncidentEvents(this.o.db, id));
  }

  private authorize(principal: Principal, action: Action, incident: StoredIncident): void {
    this.o.policy.authorize(principal, action, {
      kind: 'incident',
      agencyCode: incident.agencyCode,
      assignedAgencyCode: incident.assignedAgencyCode,
    });
  }
}
