import { randomUUID } from 'node:crypto';
import {
  ackDueAt,
  appendIncidentEvent,
  appendIncidentEvents,
  insertIncidents,
  raisedSeverity,
  readAckOverdueIncidents,
  readUnclosedIncidents,
  readUnclosedIncidentIds,
  updateIncident,
  type AlertRule,
  type AlertWrite,
  type NewIncident,
  type NewIncidentEvent,
  type Notification,
  type Queryable,
  type StoredIncident,
  type WorkingCalendar,
} from '@ioc/core';

/** What an evaluation did to incidents, for the live hub and the notifier once it committed. */
export interface IncidentOutcome {
  incidents: StoredIncident[];
  notifications: Notification[];
  /** Alert id → the incident of its group (opened, linked or already there). */
  incidentOfAlert: Map<string, string>;
}

const SYSTEM = { actor: 'system', actorId: null, role: null } as const;

export function titleOf(rule: Pick<AlertRule, 'name'>, agencyCode: string | null): { vi: string; en: string } {
  const suffix = agencyCode ? `: ${agencyCode}` : '';
  return { vi: `${rule.name.vi}${suffix}`, en: `${rule.name.en}${suffix}` };
}

export const incidentLink = (id: string) => `/incidents/${id}`;

/**
 * The incident side of one evaluation, in its transaction (so an alert never fires without its incident, and the
 * logbook never records what was rolled back):
 * - an alert whose firing is announced opens the incident of its group (one per dedup key while not closed), or is
 *   linked to the one already there; silenced and list-only alerts open none (nobody is to act on them);
 * - an announced resolution is written in the incident's logbook; closing stays a person's decision;
 * - an incident still `open` past its acknowledgement deadline escalates (INC-01, 004 Art 9.3): one severity step up,
 *   a logbook row `escalated`, a notification for the leaders, and a new deadline from now.
 */
export async function applyIncidents(
  tx: Queryable,
  o: {
    writes: readonly AlertWrite[];
    /** The alerts whose change is announced to screens: their incident ids are looked up for the push. */
    changedAlertIds: ReadonlySet<string>;
    rules: ReadonlyMap<string, AlertRule>;
    calendar: WorkingCalendar;
    now: Date;
  },
): Promise<IncidentOutcome> {
  const { now } = o;
  // In the order first touched; an incident opened here is filled in once inserted.
  const touched = new Map<string, StoredIncident | null>();
  const notifications: Notification[] = [];
  const incidentOfAlert = new Map<string, string>();
  const announced = o.writes.filter((w) => w.notify);
  // One read, one insert and one logbook append for all of them: when a backlog first fires, thousands of alerts
  // open their incidents in one evaluation, and three round trips each held it for seconds.
  const unclosed = await readUnclosedIncidents(
    tx,
    announced.map((w) => w.state.dedupKey),
  );
  const opened: NewIncident[] = [];
  const events: NewIncidentEvent[] = [];
  for (const w of announced) {
    const rule = o.rules.get(w.state.ruleId);
    const s = w.state;
    let incident = unclosed.get(s.dedupKey) ?? null;
    let incidentId = incident?.id ?? null;
    if (w.notify === 'firing' && rule) {
      if (!incident) {
        const n: NewIncident = {
          id: randomUUID(),
          ruleId: s.ruleId,
          dedupKey: s.dedupKey,
          title: titleOf(rule, s.agencyCode),
          severity: s.severity,
          agencyCode: s.agencyCode,
          unitCode: s.unitCode,
          alertId: w.alertId,
          linkedIds: s.linkedIds,
          checklist: rule.sop,
          openedAt: now,
          ackDueAt: ackDueAt(o.calendar, now, rule.ackWithinWorkingHours),
          ackWithinHours: rule.ackWithinWorkingHours,
        };
        opened.push(n);
        incidentId = n.id;
        touched.set(n.id, null);
        events.push({
          incidentId: n.id,
          at: now,
          kind: 'opened',
          ...SYSTEM,
          fromState: null,
          toState: 'open',
          comment: null,
          details: { alertId: w.alertId, count: s.count, severity: s.severity },
        });
      } else {
        if (!incident.alertIds.includes(w.alertId)) {
          const linkedIds = [...new Set([...incident.linkedIds, ...s.linkedIds])];
          incident =
            (await updateIncident(tx, incident.id, incident.revision, { alertIds: [...incident.alertIds, w.alertId], linkedIds }, now)) ??
            incident;
          events.push({
            incidentId: incident.id,
            at: now,
            kind: 'alert_linked',
            ...SYSTEM,
            fromState: incident.state,
            toState: incident.state,
            comment: null,
            details: { alertId: w.alertId, count: s.count },
          });
        }
        touched.set(incident.id, incident);
      }
    } else if (w.notify === 'resolved' && incident) {
      events.push({
        incidentId: incident.id,
        at: now,
        kind: 'alert_resolved',
        ...SYSTEM,
        fromState: incident.state,
        toState: incident.state,
        comment: null,
        details: { alertId: w.alertId },
      });
    }
    if (incidentId) incidentOfAlert.set(w.alertId, incidentId);
    notifications.push({
      kind: w.notify!,
      alertId: w.alertId,
      incidentId,
      ruleId: s.ruleId,
      severity: s.severity,
      agencyCode: s.agencyCode,
      unitCode: s.unitCode,
      title: rule ? titleOf(rule, s.agencyCode) : { vi: s.ruleId, en: s.ruleId },
      link: incidentId ? incidentLink(incidentId) : `/alerts?rule=${encodeURIComponent(s.ruleId)}`,
      at: now.toISOString(),
    });
  }
  for (const stored of await insertIncidents(tx, opened)) touched.set(stored.id, stored);
  // After the incidents they belong to; each incident's rows in the order its alerts came.
  await appendIncidentEvents(tx, events);
  for (const overdue of await readAckOverdueIncidents(tx, now)) {
    const severity = raisedSeverity(overdue.severity);
    const escalated = await updateIncident(
      tx,
      overdue.id,
      overdue.revision,
      { severity, escalations: overdue.escalations + 1, ackDueAt: ackDueAt(o.calendar, now, overdue.ackWithinHours) },
      now,
    );
    if (!escalated) continue;
    await appendIncidentEvent(tx, {
      incidentId: overdue.id,
      at: now,
      kind: 'escalated',
      ...SYSTEM,
      fromState: overdue.state,
      toState: overdue.state,
      comment: null,
      details: { fromSeverity: overdue.severity, toSeverity: severity, ackDueAt: overdue.ackDueAt?.toISOString() ?? null },
    });
    touched.set(escalated.id, escalated);
    notifications.push({
      kind: 'escalated',
      alertId: null,
      incidentId: escalated.id,
      ruleId: escalated.ruleId,
      severity,
      agencyCode: escalated.agencyCode,
      unitCode: escalated.unitCode,
      title: escalated.title,
      link: incidentLink(escalated.id),
      at: now.toISOString(),
    });
  }
  const unlinked = o.writes.filter((w) => o.changedAlertIds.has(w.alertId) && !incidentOfAlert.has(w.alertId));
  const ids = await readUnclosedIncidentIds(tx, [...new Set(unlinked.map((w) => w.state.dedupKey))]);
  for (const w of unlinked) {
    const id = ids.get(w.state.dedupKey);
    if (id) incidentOfAlert.set(w.alertId, id);
  }
  return { incidents: [...touched.values()].filter((i) => i !== null), notifications, incidentOfAlert };
}
