import type { IncidentStateName } from '../contracts/alerts';
import { IncidentAlreadyResolved, IncidentTransitionInvalid } from '../errors/errors';
import { SEVERITIES, type Severity } from './rule.schema';
import { addWorkingHours } from '../calendar/working-time';
import type { WorkingCalendar } from '../calendar/working-calendar';

/** What a person can do to an incident (POST /api/incidents/:id/<action>). */
export const INCIDENT_ACTIONS = ['ack', 'assign', 'comment', 'checklist', 'progress', 'resolve', 'close', 'reopen'] as const;
export type IncidentAction = (typeof INCIDENT_ACTIONS)[number];

const ENDED: readonly IncidentStateName[] = ['resolved', 'closed'];

/**
 * The incident workflow (domain.md §2.4, 004 Art 6.2 and 9.3): the centre acknowledges, forwards (assigns) to the
 * responsible agency, the agency reports progress and resolves, the centre closes; a resolved or closed incident
 * can be reopened, back to its agency (assigned) or, never forwarded, to acknowledged.
 *
 * | action    | from                                   | to                                   |
 * |-----------|----------------------------------------|--------------------------------------|
 * | ack       | open                                   | acknowledged                         |
 * | assign    | acknowledged, assigned, in_progress    | assigned (forwarding again is allowed) |
 * | progress  | assigned, in_progress                  | in_progress                          |
 * | resolve   | acknowledged, assigned, in_progress    | resolved                             |
 * | close     | resolved                               | closed                               |
 * | reopen    | resolved, closed                       | assigned if forwarded, else acknowledged |
 * | comment   | any                                    | unchanged                            |
 * | checklist | any but closed                         | unchanged                            |
 *
 * Returns the next state, or throws the 409 to answer: `incident.alreadyResolved` for work on a resolved or closed
 * incident, else `incident.transitionInvalid`.
 */
export function nextIncidentState(
  incident: { id: string; state: IncidentStateName; assignedAgencyCode: string | null },
  action: IncidentAction,
): IncidentStateName {
  const { state } = incident;
  const invalid = () => IncidentTransitionInvalid.create({ incidentId: incident.id, state, action });
  const ended = ENDED.includes(state);
  switch (action) {
    case 'comment':
      return state;
    case 'checklist':
      if (state === 'closed') throw IncidentAlreadyResolved.create({ incidentId: incident.id });
      return state;
    case 'reopen':
      if (!ended) throw invalid();
      return incident.assignedAgencyCode ? 'assigned' : 'acknowledged';
    case 'close':
      if (state !== 'resolved') throw invalid();
      return 'closed';
    default:
      break;
  }
  if (ended) throw IncidentAlreadyResolved.create({ incidentId: incident.id });
  const allowed: Record<'ack' | 'assign' | 'progress' | 'resolve', readonly IncidentStateName[]> = {
    ack: ['open'],
    assign: ['acknowledged', 'assigned', 'in_progress'],
    progress: ['assigned', 'in_progress'],
    resolve: ['acknowledged', 'assigned', 'in_progress'],
  };
  if (!allowed[action].includes(state)) throw invalid();
  return ({ ack: 'acknowledged', assign: 'assigned', progress: 'in_progress', resolve: 'resolved' } as const)[action];
}

/** One step up (info → warning → critical); critical stays critical. */
export function raisedSeverity(s: Severity): Severity {
  return SEVERITIES[Math.min(SEVERITIES.indexOf(s) + 1, SEVERITIES.length - 1)]!;
}

/**
 * When an incident opened (or last escalated) at `from` must be acknowledged: `ackWithinWorkingHours` of office time
 * later (INC-01: 4 working hours, 004 Art 9.3), so a Friday-evening alert is due on Monday and Tết does not count.
 */
export function ackDueAt(calendar: WorkingCalendar, from: Date, ackWithinWorkingHours: number): Date {
  return addWorkingHours(calendar, from, ackWithinWorkingHours);
}

/** Whether an incident still waiting for acknowledgement escalates at `now`. */
export function ackOverdue(incident: { state: IncidentStateName; ackDueAt: Date | null }, now: Date): boolean {
  return incident.state === 'open' && incident.ackDueAt !== null && now.getTime() >= incident.ackDueAt.getTime();
}
