import type { IncidentDetail } from '@ioc/core';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { useSessionStore } from '../auth/session';
import { serverFake } from '../testing/server-fake';
// The real workflow of core, to check the buttons against (a test may import core at runtime; the app may not).
import { nextIncidentState } from '../../../core/src/sla/incident-workflow';
import { makeIncident, makeIncidentDetail } from '../ops/ops-factories';
import { actionsForRole, actionsForState, CLOSED_GRACE_MILLISECONDS, RESOLVED_GRACE_MILLISECONDS, useIncidentsStore } from './incidents';

let now = Date.parse('2026-11-25T03:00:00.000Z');
beforeEach(() => {
  setActivePinia(createPinia());
  now = Date.parse('2026-11-25T03:00:00.000Z');
  useIncidentsStore().configure({ clock: () => now });
});

describe('incidents store: snapshot and live events', () => {
  it('orders the snapshot most severe first, then newest first', () => {
    const store = useIncidentsStore();
    const oldWarning = makeIncident({ severity: 'warning', openedAt: '2026-11-25T01:00:00.000Z' });
    const newWarning = makeIncident({ severity: 'warning', openedAt: '2026-11-25T02:30:00.000Z' });
    const oldCritical = makeIncident({ severity: 'critical', openedAt: '2026-11-24T10:00:00.000Z' });
    const info = makeIncident({ severity: 'info', openedAt: '2026-11-25T02:59:00.000Z' });
    store.hydrate([oldWarning, info, newWarning, oldCritical]);
    expect(store.incidents.map((i) => i.id)).toEqual([oldCritical.id, newWarning.id, oldWarning.id, info.id]);
  });

  it('replaces an incident by id on an event, adds a new one, and applying the same event twice changes nothing', () => {
    const store = useIncidentsStore();
    const a = makeIncident({ severity: 'warning' });
    const b = makeIncident({ severity: 'warning', openedAt: '2026-11-25T01:00:00.000Z' });
    store.hydrate([a, b]);

    const escalated = { ...b, severity: 'critical' as const, escalations: 1 };
    store.applyIncident(escalated);
    store.applyIncident(escalated);
    const c = makeIncident({ severity: 'warning', openedAt: '2026-11-25T02:50:00.000Z' });
    store.applyIncident(c);

    expect(store.incidents.map((i) => i.id)).toEqual([b.id, c.id, a.id]);
    expect(store.byId.get(b.id)).toMatchObject({ severity: 'critical', escalations: 1 });
    expect(store.changedAt[c.id]).toBe(now);
  });

  it('keeps a resolved incident for its grace (to close it), a closed one briefly, then drops them', () => {
    const store = useIncidentsStore();
    const resolved = makeIncident();
    const closed = makeIncident();
    const open = makeIncident();
    store.hydrate([resolved, closed, open]);

    store.applyIncident({ ...resolved, state: 'resolved' });
    store.applyIncident({ ...closed, state: 'closed' });
    now += CLOSED_GRACE_MILLISECONDS - 1;
    store.prune();
    expect(store.incidents.map((i) => i.id).sort()).toEqual([resolved.id, closed.id, open.id].sort());

    now += 1;
    store.prune();
    expect(store.byId.has(closed.id)).toBe(false);
    expect(store.byId.get(resolved.id)?.state).toBe('resolved');

    now += RESOLVED_GRACE_MILLISECONDS;
    store.prune();
    expect(store.incidents.map((i) => i.id)).toEqual([open.id]);
  });

  it('a reopened incident is no longer counted as ended', () => {
    const store = useIncidentsStore();
    const i = makeIncident();
    store.hydrate([i]);
    store.applyIncident({ ...i, state: 'closed' });
    now += 10_000;
    store.applyIncident({ ...i, state: 'assigned' });
    now += CLOSED_GRACE_MILLISECONDS * 2;
    store.prune();
    expect(store.byId.get(i.id)?.state).toBe('assigned');
  });

  it('a fresh snapshot replaces everything, including incidents that ended meanwhile', () => {
    const store = useIncidentsStore();
    const gone = makeIncident();
    store.hydrate([gone]);
    const fresh = makeIncident();
    store.hydrate([fresh]);
    expect(store.dehydrate().map((i) => i.id)).toEqual([fresh.id]);
    expect(store.changedAt).toEqual({});
  });
});

describe('incidents store: actions over HTTP', () => {
  it('posts the action with the CSRF token and takes the server’s answer as the detail and the queue row', async () => {
    const incident = makeIncident({ state: 'acknowledged' });
    const detail: IncidentDetail = makeIncidentDetail({ ...incident });
    const assigned: IncidentDetail = { ...detail, state: 'assigned', assignedAgencyCode: 'STP' };
    const http = serverFake({
      [`GET /api/incidents/${incident.id}`]: { status: 200, body: detail },
      [`POST /api/incidents/${incident.id}/assign`]: { status: 200, body: assigned },
    });
    const session = useSessionStore();
    session.hydrate({ csrfToken: 'csrf-1' } as never);
    const store = useIncidentsStore();
    store.configure({ fetcher: http.fetcher });
    store.hydrate([incident]);

    await store.select(incident.id);
    expect(store.detail?.state).toBe('acknowledged');
    expect(await store.act('assign', { agencyCode: 'STP' })).toBe(true);

    const post = http.calls.find((c) => c.method === 'POST')!;
    expect(post.headers['x-csrf-token']).toBe('csrf-1');
    expect(post.body).toEqual({ agencyCode: 'STP' });
    expect(store.detail).toMatchObject({ state: 'assigned', assignedAgencyCode: 'STP' });
    expect(store.byId.get(incident.id)).toMatchObject({ state: 'assigned', assignedAgencyCode: 'STP' });
    expect(store.byId.get(incident.id)).not.toHaveProperty('timeline');
  });

  it('shows the server’s refusal and leaves the incident as it was', async () => {
    const incident = makeIncident({ state: 'open' });
    const http = serverFake({
      [`GET /api/incidents/${incident.id}`]: { status: 200, body: makeIncidentDetail({ ...incident }) },
      [`POST /api/incidents/${incident.id}/close`]: {
        status: 409,
        body: { error: { code: 'incident.transitionInvalid', message: 'Không thể đóng sự cố đang ở trạng thái open.' } },
      },
    });
    const store = useIncidentsStore();
    store.configure({ fetcher: http.fetcher });
    store.hydrate([incident]);
    await store.select(incident.id);

    expect(await store.act('close', {})).toBe(false);
    expect(store.actionError).toEqual({ code: 'incident.transitionInvalid', message: 'Không thể đóng sự cố đang ở trạng thái open.' });
    expect(store.detail?.state).toBe('open');
    expect(store.pending).toBeNull();
  });

  it('reads the detail again when a live event changes the selected incident', async () => {
    const incident = makeIncident({ state: 'assigned', assignedAgencyCode: 'SYT' });
    let served: IncidentDetail = makeIncidentDetail({ ...incident });
    const fetcher = () => Promise.resolve(new Response(JSON.stringify(served), { status: 200 }));
    const store = useIncidentsStore();
    store.configure({ fetcher });
    store.hydrate([incident]);
    await store.select(incident.id);

    served = {
      ...served,
      state: 'in_progress',
      timeline: [
        {
          id: 9,
          at: '2026-11-25T03:00:00.000Z',
          kind: 'progress',
          actor: 'syt.nv',
          role: 'department',
          fromState: 'assigned',
          toState: 'in_progress',
          comment: 'Đang liên hệ',
          details: {},
        },
      ],
    };
    store.applyIncident({ ...incident, state: 'in_progress' });
    await expect.poll(() => store.detail?.timeline.length).toBe(1);
    expect(store.detail?.state).toBe('in_progress');
  });
});

describe('incident actions offered', () => {
  const states = ['open', 'acknowledged', 'assigned', 'in_progress', 'resolved', 'closed'] as const;
  const actions = ['ack', 'assign', 'comment', 'checklist', 'progress', 'resolve', 'close', 'reopen'] as const;

  it.each(states)('in state %s: exactly the actions the core workflow accepts', (state) => {
    const accepted = actions.filter((action) => {
      try {
        nextIncidentState({ id: 'x', state, assignedAgencyCode: 'SYT' }, action);
        return true;
      } catch {
        return false;
      }
    });
    expect([...actionsForState(state)].sort()).toEqual([...accepted].sort());
  });

  it('by role: operators run the workflow, departments report and resolve, leaders and viewers only read', () => {
    expect(actionsForRole('operator')).toContain('close');
    expect(actionsForRole('department')).toEqual(['comment', 'progress', 'resolve']);
    expect(actionsForRole('leader')).toEqual([]);
    expect(actionsForRole('viewer')).toEqual([]);
  });
});
