// @vitest-environment node
import type { AddressInfo } from 'node:net';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AlertsSnapshot, AlertsSubscribeAck } from '@ioc/core';
import { createPinia, setActivePinia } from 'pinia';
import { Server, type Socket } from 'socket.io';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AlertLiveEvents } from '../../../core/src/contracts/alerts';
import { ALERT_EVENTS, openAlertsChannel } from '../live/alerts-socket';
import { makeAlert, makeIncident } from '../ops/ops-factories';
import { RESOLVED_ALERT_GRACE_MILLISECONDS, useAlertsStore } from './alerts';
import { useIncidentsStore } from './incidents';

let now = Date.parse('2026-11-25T03:00:00.000Z');
beforeEach(() => {
  setActivePinia(createPinia());
  now = Date.parse('2026-11-25T03:00:00.000Z');
  useAlertsStore().setClock(() => now);
});

describe('alerts store without a connection', () => {
  it('keeps only active alerts from the snapshot, critical first then newest, and hands incidents to their store', () => {
    const alerts = useAlertsStore();
    const warning = makeAlert({ severity: 'warning', firedAt: '2026-11-25T02:50:00.000Z' });
    const critical = makeAlert({ severity: 'critical', firedAt: '2026-11-25T01:00:00.000Z' });
    const pending = makeAlert({ severity: 'warning', state: 'pending', firedAt: null, startedAt: '2026-11-25T02:55:00.000Z' });
    const resolved = makeAlert({ state: 'resolved' });
    const incident = makeIncident();
    alerts.hydrate({ alerts: [warning, resolved, pending, critical], incidents: [incident] });

    expect(alerts.alerts.map((a) => a.id)).toEqual([critical.id, pending.id, warning.id]);
    expect(alerts.firing.map((a) => a.id)).toEqual([critical.id, warning.id]);
    expect(useIncidentsStore().incidents.map((i) => i.id)).toEqual([incident.id]);
    expect(alerts.dehydrate()).toEqual({ alerts: alerts.alerts, incidents: [incident] });
  });

  it('replaces an alert by id, keeps a resolved one for its grace, then drops it', () => {
    const alerts = useAlertsStore();
    const a = makeAlert({ count: 3 });
    alerts.hydrate({ alerts: [a], incidents: [] });

    alerts.applyAlert({ ...a, count: 5 });
    expect(alerts.alerts).toHaveLength(1);
    expect(alerts.alerts[0]!.count).toBe(5);

    alerts.applyAlert({ ...a, state: 'resolved', resolvedAt: '2026-11-25T03:00:00.000Z' });
    expect(alerts.firing).toHaveLength(0);
    now += RESOLVED_ALERT_GRACE_MILLISECONDS - 1;
    alerts.prune();
    expect(alerts.alerts.map((x) => x.id)).toEqual([a.id]);
    now += 1;
    alerts.prune();
    expect(alerts.alerts).toHaveLength(0);
  });

  it('ignores the resolution of an alert it never showed', () => {
    const alerts = useAlertsStore();
    alerts.hydrate({ alerts: [], incidents: [] });
    alerts.applyAlert(makeAlert({ state: 'resolved' }));
    expect(alerts.alerts).toHaveLength(0);
  });
});

describe('alerts channel event names', () => {
  it('are the contract’s', () => {
    expect(ALERT_EVENTS).toEqual(AlertLiveEvents);
  });
});

async function startAlertsServer() {
  const http: HttpServer = createServer();
  const io = new Server(http);
  const sockets: Socket[] = [];
  const initial: AlertsSnapshot = { alerts: [makeAlert()], incidents: [makeIncident()] };
  const server = {
    state: initial,
    subscribes: 0,
    refusals: [] as AlertsSubscribeAck[],
    url: '',
  };
  io.on('connection', (socket) => {
    sockets.push(socket);
    socket.on(ALERT_EVENTS.subscribe, (_payload: unknown, ack: (a: AlertsSubscribeAck) => void) => {
      server.subscribes += 1;
      void socket.join('alerts');
      ack(server.refusals.shift() ?? { ok: true, snapshot: server.state });
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  server.url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const close = () =>
    new Promise<void>((resolve) => {
      void io.close(() => resolve());
    });
  return { server, io, sockets, url: server.url, close };
}

describe('alerts store over socket.io', () => {
  let live: Awaited<ReturnType<typeof startAlertsServer>>;
  beforeEach(async () => {
    live = await startAlertsServer();
  });
  afterEach(async () => {
    useAlertsStore().disconnect();
    await live.close();
  });

  const connect = () =>
    useAlertsStore().connect({
      open: (handlers) => openAlertsChannel(handlers, { url: live.url, transports: ['websocket'], refusedRetryMilliseconds: 200 }),
      retryDelayMilliseconds: 100,
      clock: () => now,
    });

  it('subscribes, takes the snapshot, then applies alert and incident events', async () => {
    const alerts = useAlertsStore();
    const incidents = useIncidentsStore();
    connect();
    await vi.waitFor(() => expect(alerts.link).toBe('live'));
    expect(alerts.alerts.map((a) => a.id)).toEqual(live.server.state.alerts.map((a) => a.id));

    const critical = makeAlert({ severity: 'critical' });
    const assigned = { ...live.server.state.incidents[0]!, state: 'assigned' as const, assignedAgencyCode: 'STP' };
    live.io.to('alerts').emit(ALERT_EVENTS.alert, critical);
    live.io.to('alerts').emit(ALERT_EVENTS.incident, assigned);
    live.io.to('alerts').emit(ALERT_EVENTS.alert, { id: 'broken' });

    await vi.waitFor(() => expect(incidents.incidents[0]?.state).toBe('assigned'));
    expect(alerts.alerts[0]!.id).toBe(critical.id);
    expect(alerts.alerts.some((a) => a.id === 'broken')).toBe(false);
    expect(incidents.changedAt[assigned.id]).toBe(now);
  });

  it('after the connection drops, subscribes again and takes the fresh snapshot as the whole state', async () => {
    const alerts = useAlertsStore();
    const incidents = useIncidentsStore();
    connect();
    await vi.waitFor(() => expect(alerts.link).toBe('live'));

    live.sockets[0]!.conn.close();
    await vi.waitFor(() => expect(alerts.link).not.toBe('live'));
    const fresh = { alerts: [makeAlert({ severity: 'critical' })], incidents: [makeIncident({ state: 'acknowledged' })] };
    live.server.state = fresh; // changed while the page was away

    await vi.waitFor(() => expect(alerts.link).toBe('live'), { timeout: 8_000 });
    expect(live.server.subscribes).toBe(2);
    expect(alerts.snapshots).toBe(2);
    expect(alerts.alerts.map((a) => a.id)).toEqual([fresh.alerts[0]!.id]);
    expect(incidents.incidents.map((i) => i.id)).toEqual([fresh.incidents[0]!.id]);
  });

  it('shows a refusal and retries; a forbidden role is not sent to sign in again', async () => {
    const alerts = useAlertsStore();
    live.server.refusals.push({ ok: false, error: { code: 'live.unavailable', message: 'Tạm thời không sẵn sàng.' } });
    connect();
    await vi.waitFor(() => expect(alerts.refusal?.code).toBe('live.unavailable'));
    await vi.waitFor(() => expect(alerts.link).toBe('live'));
    expect(alerts.refusal).toBeNull();

    alerts.disconnect();
    setActivePinia(createPinia());
    live.server.refusals.push({ ok: false, error: { code: 'auth.forbidden', message: 'Không có quyền.' } });
    const second = useAlertsStore();
    connect();
    await vi.waitFor(() => expect(second.refusal?.code).toBe('auth.forbidden'));
    expect(second.sessionRefused).toBeNull();
  });
});
