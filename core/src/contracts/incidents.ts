import { z } from 'zod';
import { Role } from './auth';
import { ErrorBody } from './auth';
import { defineRoute } from './openapi-route';
import { IncidentStateName, IncidentSummary } from './alerts';
import { Severity } from '../sla/rule.schema';

const Iso = z.iso.datetime({ offset: true });

/** What happened to an incident; each is one row of its logbook (001 Art 14.1.d; 002 Art 13.3.d). */
export const INCIDENT_EVENT_KINDS = [
  'opened',
  'alert_linked',
  'alert_resolved',
  'acknowledged',
  'assigned',
  'commented',
  'checklist',
  'progress',
  'resolved',
  'closed',
  'reopened',
  'escalated',
] as const;
export const IncidentEventKind = z.enum(INCIDENT_EVENT_KINDS);
export type IncidentEventKind = z.infer<typeof IncidentEventKind>;

export const IncidentEventView = z.object({
  id: z.int(),
  at: Iso,
  kind: IncidentEventKind,
  /** User name, or `system` for the evaluator. */
  actor: z.string(),
  role: Role.nullable(),
  fromState: IncidentStateName.nullable(),
  toState: IncidentStateName.nullable(),
  comment: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});
export type IncidentEventView = z.infer<typeof IncidentEventView>;

export const ChecklistItemView = z.object({
  index: z.int(),
  text: z.object({ vi: z.string(), en: z.string() }),
  done: z.boolean(),
  doneBy: z.string().nullable(),
  doneAt: Iso.nullable(),
});
export type ChecklistItemView = z.infer<typeof ChecklistItemView>;

export const IncidentDetail = IncidentSummary.extend({
  checklist: z.array(ChecklistItemView),
  timeline: z.array(IncidentEventView),
});
export type IncidentDetail = z.infer<typeof IncidentDetail>;

export const IncidentListQuery = z.strictObject({
  /** `unresolved` (open to in_progress: the default), `all`, or one state. */
  state: z.enum(['unresolved', 'all', ...IncidentStateName.options]).default('unresolved'),
  severity: Severity.optional(),
  agency: z.string().trim().min(1).max(40).optional(),
  minAgeMinutes: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
export type IncidentListQuery = z.infer<typeof IncidentListQuery>;

export const IncidentList = z.object({ incidents: z.array(IncidentSummary), total: z.int() });
export type IncidentList = z.infer<typeof IncidentList>;

export const IncidentParams = z.strictObject({ id: z.uuid() });

const Comment = z.string().trim().min(1).max(2000);

export const IncidentNoteRequest = z.strictObject({ comment: Comment.optional() });
export const IncidentCommentRequest = z.strictObject({ comment: Comment });
/** Forward to the responsible agency (004 Art 6.2): by field, to one agency of the catalogue. */
export const IncidentAssignRequest = z.strictObject({ agencyCode: z.string().trim().min(1).max(40), comment: Comment.optional() });
/** The agency's status report (004 Art 9.3). */
export const IncidentProgressRequest = z.strictObject({ comment: Comment });
export const IncidentResolveRequest = z.strictObject({ comment: Comment });
export const IncidentChecklistRequest = z.strictObject({ index: z.int().min(0).max(100), done: z.boolean(), comment: Comment.optional() });
export const IncidentReopenRequest = z.strictObject({ comment: Comment });

export type IncidentAssignRequest = z.infer<typeof IncidentAssignRequest>;
export type IncidentChecklistRequest = z.infer<typeof IncidentChecklistRequest>;

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };
/** What each workflow action does, for the API document. */
const ACTION_SUMMARIES = {
  ack: 'Acknowledge an incident (operator)',
  assign: 'Forward an incident to the responsible agency (004 Art 6.2)',
  comment: 'Add a comment to the incident logbook',
  checklist: 'Tick or untick an item of the SOP checklist',
  progress: "Report the agency's progress (004 Art 9.3)",
  resolve: 'Report the incident resolved',
  close: 'Close a resolved incident (operator)',
  reopen: 'Reopen a resolved or closed incident',
} as const;
const action = <const N extends keyof typeof ACTION_SUMMARIES, B extends z.ZodType>(name: N, body: B) =>
  defineRoute({
    method: 'POST',
    path: `/api/incidents/:id/${name}` as const,
    summary: ACTION_SUMMARIES[name],
    tag: 'incidents',
    access: 'session',
    params: IncidentParams,
    body,
    responses: { 200: IncidentDetail, ...errors },
  });

export const incidentsContract = {
  list: defineRoute({
    method: 'GET',
    path: '/api/incidents',
    summary: "List incidents within the caller's scope (a department: those forwarded to its agency)",
    tag: 'incidents',
    access: 'session',
    query: IncidentListQuery,
    body: null,
    responses: { 200: IncidentList, ...errors },
  }),
  get: defineRoute({
    method: 'GET',
    path: '/api/incidents/:id',
    summary: 'One incident with its SOP checklist and its logbook',
    tag: 'incidents',
    access: 'session',
    params: IncidentParams,
    body: null,
    responses: { 200: IncidentDetail, ...errors },
  }),
  ack: action('ack', IncidentNoteRequest),
  assign: action('assign', IncidentAssignRequest),
  comment: action('comment', IncidentCommentRequest),
  checklist: action('checklist', IncidentChecklistRequest),
  progress: action('progress', IncidentProgressRequest),
  resolve: action('resolve', IncidentResolveRequest),
  close: action('close', IncidentNoteRequest),
  reopen: action('reopen', IncidentReopenRequest),
} as const;
