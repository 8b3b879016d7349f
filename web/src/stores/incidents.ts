import type { IncidentDetail, IncidentStateName, IncidentSummary } from '@ioc/core';
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { apiRequest, type ApiError, type ApiResult, type Fetcher } from '../auth/api';
import { useSessionStore } from '../auth/session';
import { bySeverityThenNewest, trackEnded, upsertById, withoutExpired, type Ended } from './live-list';

/** What a person can do to an incident: `POST /api/incidents/:id/<action>` (core/src/contracts/incidents.ts). */
export type IncidentActionName = 'ack' | 'assign' | 'comment' | 'checklist' | 'progress' | 'resolve' | 'close' | 'reopen';

/**
 * How long an ended incident stays in the live queue: a resolved one long enough for the centre to close it from the
 * queue (the snapshot after a reconnect holds only unresolved ones), a closed one briefly, to show it went.
 */
export const RESOLVED_GRACE_MILLISECONDS = 10 * 60_000;
export const CLOSED_GRACE_MILLISECONDS = 60_000;

const ENDED_STATES: readonly IncidentStateName[] = ['resolved', 'closed'];
const order = bySeverityThenNewest<IncidentSummary>((i) => i.openedAt);
const graceOf = (i: IncidentSummary) => (i.state === 'closed' ? CLOSED_GRACE_MILLISECONDS : RESOLVED_GRACE_MILLISECONDS);
const isEnded = (i: IncidentSummary) => ENDED_STATES.includes(i.state);

/**
 * The workflow's transitions (core/src/sla/incident-workflow.ts `nextIncidentState`), to offer only the buttons that
 * can work in a state. The server decides: a refused action shows its message.
 */
export function actionsForState(state: IncidentStateName): IncidentActionName[] {
  const byState: Record<IncidentStateName, IncidentActionName[]> = {
    open: ['ack', 'comment', 'checklist'],
    acknowledged: ['assign', 'resolve', 'comment', 'checklist'],
    assigned: ['assign', 'progress', 'resolve', 'comment', 'checklist'],
    in_progress: ['assign', 'progress', 'resolve', 'comment', 'checklist'],
    resolved: ['close', 'reopen', 'comment', 'checklist'],
    closed: ['reopen', 'comment'],
  };
  return byState[state];
}

/** The incident actions a role is granted (server/src/policy/policy.ts GRANTS): the page hides the others. */
export function actionsForRole(role: string | null | undefined): IncidentActionName[] {
  if (role === 'operator' || role === 'admin') return ['ack', 'assign', 'comment', 'checklist', 'progress', 'resolve', 'close', 'reopen'];
  if (role === 'department') return ['comment', 'progress', 'resolve'];
  return [];
}

export interface IncidentsOptions {
  fetcher?: Fetcher;
  /** Local clock (ms), for the grace of ended incidents. */
  clock?: () => number;
}

/**
 * Open incidents in the session's scope (live: snapshot from the alerts channel, then `incident` events), and the one
 * selected with its checklist and timeline (REST). Every action's answer is the incident as the server now has it.
 */
export const useIncidentsStore = defineStore('incidents', () => {
  const incidents = shallowRef<IncidentSummary[]>([]);
  /** When each incident in `incidents` was last replaced by a live event (local ms), to highlight it briefly. */
  const changedAt = shallowRef<Record<string, number>>({});
  const selectedId = ref<string | null>(null);
  const detail = shallowRef<IncidentDetail | null>(null);
  const detailError = ref<ApiError | null>(null);
  /** The action on its way, one at a time. */
  const pending = ref<IncidentActionName | null>(null);
  /** The server's refusal of the last action, in the interface language. */
  const actionError = ref<ApiError | null>(null);

  let ended: Ended = {};
  let fetcher: Fetcher = (input, init) => fetch(input, init);
  let clock: () => number = Date.now;
  let detailGeneration = 0;

  const byId = computed(() => new Map(incidents.value.map((i) => [i.id, i])));

  function configure(options: IncidentsOptions): void {
    if (options.fetcher) fetcher = options.fetcher;
    if (options.clock) clock = options.clock;
  }

  /** Takes a snapshot's incidents as the queue (a reconnect's fresh snapshot replaces everything). */
  function hydrate(list: readonly IncidentSummary[]): void {
    const now = clock();
    const sorted = [...list].sort(order);
    ended = trackEnded({}, sorted, isEnded, now);
    incidents.value = sorted;
    changedAt.value = {};
  }

  function dehydrate(): IncidentSummary[] {
    return incidents.value;
  }

  /** A live `incident` event (or an action's answer): replaces the incident with that id, or adds it. */
  function applyIncident(incident: IncidentSummary, options: { highlight?: boolean } = {}): void {
    const now = clock();
    const next = upsertById(incidents.value, incident, order);
    ended = trackEnded(ended, next, isEnded, now);
    incidents.value = withoutExpired(next, ended, now, graceOf);
    if (options.highlight !== false) changedAt.value = { ...changedAt.value, [incident.id]: now };
    // A live event may stand for a comment or a checklist tick the summary does not show: the timeline is read again.
    if (options.highlight !== false && selectedId.value === incident.id) void load(incident.id, { quiet: true });
  }

  /** Removes incidents whose grace after resolving or closing has passed; call it every few seconds. */
  function prune(): void {
    const now = clock();
    const kept = withoutExpired(incidents.value, ended, now, graceOf);
    if (kept.length !== incidents.value.length) incidents.value = kept;
  }

  const call = <T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<ApiResult<T>> => {
    const session = useSessionStore();
    return apiRequest<T>(fetcher, { method, path, body, csrfToken: session.csrfToken, locale: document?.documentElement.lang || 'vi' });
  };

  /** Selects an incident and loads its detail; null clears the selection. */
  async function select(id: string | null): Promise<void> {
    if (selectedId.value !== id) {
      actionError.value = null;
      detail.value = null;
    }
    selectedId.value = id;
    if (id) await load(id);
  }

  /** `GET /api/incidents/:id`; an answer for an incident no longer selected is dropped. */
  async function load(id: string, options: { quiet?: boolean } = {}): Promise<void> {
    const generation = ++detailGeneration;
    if (!options.quiet) detailError.value = null;
    const result = await call<IncidentDetail>('GET', `/api/incidents/${encodeURIComponent(id)}`);
    if (generation !== detailGeneration || selectedId.value !== id) return;
    if (result.ok) {
      detail.value = result.body;
      detailError.value = null;
    } else detailError.value = result.error;
  }

  /** `POST /api/incidents/:id/<action>`; resolves true when the server accepted it. The view takes the server's answer. */
  async function act(action: IncidentActionName, body: Record<string, unknown>): Promise<boolean> {
    const id = selectedId.value;
    if (!id || pending.value) return false;
    pending.value = action;
    actionError.value = null;
    try {
      const result = await call<IncidentDetail>('POST', `/api/incidents/${encodeURIComponent(id)}/${action}`, body);
      if (!result.ok) {
        actionError.value = result.error;
        return false;
      }
      detailGeneration += 1;
      if (selectedId.value === id) detail.value = result.body;
      applyIncident(summaryOf(result.body), { highlight: false });
      return true;
    } finally {
      pending.value = null;
    }
  }

  return {
    incidents,
    changedAt,
    byId,
    selectedId,
    detail,
    detailError,
    pending,
    actionError,
    configure,
    hydrate,
    dehydrate,
    applyIncident,
    prune,
    select,
    load,
    act,
  };
});

/** The summary part of a detail (what the live queue keeps). */
export function summaryOf(detail: IncidentDetail): IncidentSummary {
  const { checklist: _checklist, timeline: _timeline, ...summary } = detail;
  return summary;
}
