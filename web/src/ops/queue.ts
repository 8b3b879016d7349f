import type { AlertView, IncidentStateName, IncidentSummary } from '@ioc/core';
import { bySeverityThenNewest } from '../stores/live-list';

/** The queue's filters, as they stand in the address (`/ops?state=open&severity=critical&agency=SYT`). */
export interface QueueFilters {
  /** An incident state, `alert` (alerts that opened no incident), or null for everything. */
  state: IncidentStateName | 'alert' | null;
  severity: 'info' | 'warning' | 'critical' | null;
  agency: string | null;
}

export const QUEUE_STATES = ['open', 'acknowledged', 'assigned', 'in_progress', 'resolved', 'closed', 'alert'] as const;
export const QUEUE_SEVERITIES = ['critical', 'warning', 'info'] as const;

export type QueueItem =
  | { kind: 'incident'; id: string; severity: string; at: string; agencyCode: string | null; records: number; incident: IncidentSummary }
  | { kind: 'alert'; id: string; severity: string; at: string; agencyCode: string | null; records: number; alert: AlertView };

/** Reads the filters from a route query; unknown values count as no filter. */
export function filtersFromQuery(query: Record<string, unknown>): QueueFilters {
  const one = (v: unknown): unknown => (Array.isArray(v) ? (v as unknown[])[0] : v);
  const state = one(query.state);
  const severity = one(query.severity);
  const agency = one(query.agency);
  return {
    state: (QUEUE_STATES as readonly unknown[]).includes(state) ? (state as QueueFilters['state']) : null,
    severity: (QUEUE_SEVERITIES as readonly unknown[]).includes(severity) ? (severity as QueueFilters['severity']) : null,
    agency: typeof agency === 'string' && agency.length > 0 && agency.length <= 40 ? agency : null,
  };
}

/** The route query of the filters (only those set), keeping the other keys of `query`. */
export function filtersToQuery(filters: QueueFilters, query: Record<string, unknown> = {}): Record<string, string> {
  const kept = Object.fromEntries(
    Object.entries(query).filter(([k, v]) => !['state', 'severity', 'agency'].includes(k) && typeof v === 'string'),
  ) as Record<string, string>;
  if (filters.state) kept.state = filters.state;
  if (filters.severity) kept.severity = filters.severity;
  if (filters.agency) kept.agency = filters.agency;
  return kept;
}

/**
 * One queue of incidents and of the active alerts that opened none (an alert with an incident in the list is shown
 * through it), most severe first, then newest; filtered. An incident's records are its linked records, an alert's its
 * count.
 */
export function buildQueue(incidents: readonly IncidentSummary[], alerts: readonly AlertView[], filters: QueueFilters): QueueItem[] {
  const incidentIds = new Set(incidents.map((i) => i.id));
  const items: QueueItem[] = [
    ...incidents.map((incident): QueueItem => ({
      kind: 'incident',
      id: incident.id,
      severity: incident.severity,
      at: incident.openedAt,
      agencyCode: incident.agencyCode,
      records: incident.linkedIds.length,
      incident,
    })),
    ...alerts
      .filter((a) => !a.incidentId || !incidentIds.has(a.incidentId))
      .map((alert): QueueItem => ({
        kind: 'alert',
        id: alert.id,
        severity: alert.severity,
        at: alert.firedAt ?? alert.startedAt,
        agencyCode: alert.agencyCode,
        records: alert.count,
        alert,
      })),
  ];
  return items.filter((item) => matches(item, filters)).sort(bySeverityThenNewest<QueueItem>((i) => i.at));
}

/** The agencies the agency filter offers: those of the incidents (concerned or assigned) and alerts, and the one filtered on. */
export function queueAgencyCodes(incidents: readonly IncidentSummary[], alerts: readonly AlertView[], filters: QueueFilters): string[] {
  const codes = new Set<string>();
  for (const i of incidents) {
    if (i.agencyCode) codes.add(i.agencyCode);
    if (i.assignedAgencyCode) codes.add(i.assignedAgencyCode);
  }
  for (const a of alerts) if (a.agencyCode) codes.add(a.agencyCode);
  if (filters.agency) codes.add(filters.agency);
  return [...codes];
}

function matches(item: QueueItem, f: QueueFilters): boolean {
  if (f.severity && item.severity !== f.severity) return false;
  if (f.agency) {
    const assigned = item.kind === 'incident' ? item.incident.assignedAgencyCode : null;
    if (item.agencyCode !== f.agency && assigned !== f.agency) return false;
  }
  if (f.state === 'alert') return item.kind === 'alert';
  if (f.state) return item.kind === 'incident' && item.incident.state === f.state;
  return true;
}

/** How long an item changed by a live event stays highlighted as new. */
export const FRESH_MILLISECONDS = 6_000;

/** Ids whose last live change (`changedAt`, ms by id, one record per store) is less than FRESH_MILLISECONDS old. */
export function freshIds(changedAt: readonly Readonly<Record<string, number>>[], now: Date): Set<string> {
  const at = now.getTime();
  const ids = new Set<string>();
  for (const record of changedAt) for (const [id, changed] of Object.entries(record)) if (at - changed < FRESH_MILLISECONDS) ids.add(id);
  return ids;
}

/** Whole minutes since `iso` at `now` (never negative). */
export function ageMinutes(iso: string, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - Date.parse(iso)) / 60_000));
}

/** Minutes left until `iso` (negative once past), rounded towards the deadline. */
export function minutesUntil(iso: string, now: Date): number {
  const ms = Date.parse(iso) - now.getTime();
  return ms >= 0 ? Math.ceil(ms / 60_000) : -Math.ceil(-ms / 60_000);
}
