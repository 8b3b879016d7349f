import { z } from 'zod';
import { ALERT_STATES } from '../sla/alert-state';
import { Severity } from '../sla/rule.schema';
import { ErrorBody } from './auth';
import { defineRoute } from './openapi-route';

const Iso = z.iso.datetime({ offset: true });
const Bilingual = z.object({ vi: z.string(), en: z.string() });

/**
 * What a notifier sends (H6 imports it from here): an alert began firing or resolved, or an incident was not
 * acknowledged in time and escalated (domain.md §4, INC-01). Emitted once per event, in the process that evaluated
 * it (the alert leader), after the change committed: see `Alerting.onNotification`.
 */
export const NotificationSchema = z.object({
  kind: z.enum(['firing', 'resolved', 'escalated']),
  /** The alert behind it; null for an incident escalation. */
  alertId: z.string().nullable(),
  /** The incident it opened or belongs to; null when none (a rule that only lists, or a silenced alert). */
  incidentId: z.string().nullable(),
  ruleId: z.string(),
  severity: Severity,
  agencyCode: z.string().nullable(),
  unitCode: z.string().nullable(),
  /** The rule's name, with the agency: "Hồ sơ quá hạn chưa giải quyết: SYT". */
  title: Bilingual,
  /** Path in the web app: `/incidents/<id>`, or `/alerts?rule=<ruleId>` when there is no incident. */
  link: z.string(),
  at: Iso,
});
export type Notification = z.infer<typeof NotificationSchema>;

/** An alert as the API and the live hub show it. */
export const AlertView = z.object({
  id: z.string(),
  ruleId: z.string(),
  ruleName: Bilingual,
  dedupKey: z.string(),
  state: z.enum(ALERT_STATES),
  severity: Severity,
  agencyCode: z.string().nullable(),
  unitCode: z.string().nullable(),
  labels: z.record(z.string(), z.string()),
  count: z.int(),
  silenced: z.boolean(),
  startedAt: Iso,
  firedAt: Iso.nullable(),
  resolvedAt: Iso.nullable(),
  lastEvaluatedAt: Iso,
  /** The open incident of its group, if any. */
  incidentId: z.string().nullable(),
});
export type AlertView = z.infer<typeof AlertView>;

export const INCIDENT_STATES = ['open', 'acknowledged', 'assigned', 'in_progress', 'resolved', 'closed'] as const;
export const IncidentStateName = z.enum(INCIDENT_STATES);
export type IncidentStateName = z.infer<typeof IncidentStateName>;

export const IncidentSummary = z.object({
  id: z.string(),
  ruleId: z.string(),
  title: Bilingual,
  dedupKey: z.string(),
  state: IncidentStateName,
  severity: Severity,
  /** The agency the alert is about (responsible agency). */
  agencyCode: z.string().nullable(),
  unitCode: z.string().nullable(),
  /** The agency it was forwarded to (004 Art 6.2); null until assigned. */
  assignedAgencyCode: z.string().nullable(),
  openedAt: Iso,
  ackDueAt: Iso.nullable(),
  acknowledgedAt: Iso.nullable(),
  resolvedAt: Iso.nullable(),
  closedAt: Iso.nullable(),
  escalations: z.int(),
  alertIds: z.array(z.string()),
  linkedIds: z.array(z.string()),
});
export type IncidentSummary = z.infer<typeof IncidentSummary>;

/** Alert and incident changes pushed at once (never coalesced) to the sockets whose scope covers them. */
export const AlertLiveEvents = {
  /** Ask for the open alerts and incidents in the session's scope, and their changes from then on. Ack: `AlertsSubscribeAck`. */
  subscribe: 'alerts:subscribe',
  alert: 'alert',
  incident: 'incident',
} as const;

export const AlertsSnapshot = z.object({ alerts: z.array(AlertView), incidents: z.array(IncidentSummary) });
export type AlertsSnapshot = z.infer<typeof AlertsSnapshot>;

export type AlertsSubscribeAck = { ok: true; snapshot: AlertsSnapshot } | { ok: false; error: { code: string; message: string } };

/** Common list filters of `GET /api/alerts` and `GET /api/incidents`. */
const ListQuery = {
  severity: Severity.optional(),
  agency: z.string().trim().min(1).max(40).optional(),
  /** Only those opened (alerts: started) at least this many minutes ago. */
  minAgeMinutes: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
};

export const AlertListQuery = z.strictObject({
  /** `active` (pending, firing, resolving: the default) or one state. */
  state: z.enum(['active', ...ALERT_STATES]).default('active'),
  ...ListQuery,
});
export type AlertListQuery = z.infer<typeof AlertListQuery>;

export const AlertList = z.object({ alerts: z.array(AlertView), total: z.int() });
export type AlertList = z.infer<typeof AlertList>;

export const SilenceView = z.object({
  id: z.string(),
  kind: z.enum(['silence', 'maintenance']),
  ruleIds: z.array(z.string()),
  agencyCodes: z.array(z.string()),
  labels: z.record(z.string(), z.string()),
  startsAt: Iso,
  endsAt: Iso,
  reason: z.string(),
  createdBy: z.string(),
  cancelledAt: Iso.nullable(),
});
export type SilenceView = z.infer<typeof SilenceView>;

export const CreateSilenceRequest = z.strictObject({
  kind: z.enum(['silence', 'maintenance']).default('silence'),
  ruleIds: z.array(z.string().min(1).max(20)).max(50).default([]),
  agencyCodes: z.array(z.string().min(1).max(40)).max(200).default([]),
  labels: z.record(z.string().min(1).max(40), z.string().min(1).max(100)).default({}),
  /** Default: now. */
  startsAt: Iso.optional(),
  endsAt: Iso,
  reason: z.string().trim().min(1).max(500),
});
export type CreateSilenceRequest = z.infer<typeof CreateSilenceRequest>;

export const SilenceParams = z.strictObject({ id: z.uuid() });

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };

export const alertsContract = {
  list: defineRoute({
    method: 'GET',
    path: '/api/alerts',
    summary: "List alerts within the caller's scope: active by default, filtered by state, severity, agency and age",
    tag: 'alerts',
    access: 'session',
    query: AlertListQuery,
    body: null,
    responses: { 200: AlertList, ...errors },
  }),
  silences: defineRoute({
    method: 'GET',
    path: '/api/silences',
    summary: 'List silences and maintenance windows',
    tag: 'alerts',
    access: 'session',
    body: null,
    responses: { 200: z.object({ silences: z.array(SilenceView) }), ...errors },
  }),
  silence: defineRoute({
    method: 'POST',
    path: '/api/silences',
    summary: 'Silence alerts (by rule, agency or label) for a time range; silenced alerts change state but are never announced',
    tag: 'alerts',
    access: 'session',
    body: CreateSilenceRequest,
    responses: { 201: SilenceView, ...errors },
  }),
  cancelSilence: defineRoute({
    method: 'POST',
    path: '/api/silences/:id/cancel',
    summary: 'End a silence early (it is kept, so what it silenced stays explainable)',
    tag: 'alerts',
    access: 'session',
    params: SilenceParams,
    body: null,
    responses: { 200: SilenceView, ...errors },
  }),
} as const;
