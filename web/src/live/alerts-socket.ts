import type { AlertsSubscribeAck, AlertView, IncidentSummary } from '@ioc/core';
import { isRecord, openHubSocket, type HubConnectionHandlers, type HubSocketOptions } from './hub-socket';

/**
 * Event names of core/src/contracts/alerts.ts `AlertLiveEvents`, repeated here because that module imports zod
 * (the web app takes only types from @ioc/core); alerts-socket.test.ts checks they match.
 */
export const ALERT_EVENTS = { subscribe: 'alerts:subscribe', alert: 'alert', incident: 'incident' } as const;

/** What the alerts channel tells its owner (the alerts store). */
export interface AlertsChannelHandlers extends HubConnectionHandlers {
  /** An `alert` event with the shape of an `AlertView`. */
  onAlert(alert: AlertView): void;
  /** An `incident` event with the shape of an `IncidentSummary`. */
  onIncident(incident: IncidentSummary): void;
}

export interface AlertsChannel {
  /** Emits `alerts:subscribe`; a lost or late ack resolves as `live.ackTimeout`, an unreadable one as `live.badAck`. */
  subscribe(timeoutMilliseconds: number): Promise<AlertsSubscribeAck>;
  close(): void;
}

export type AlertsChannelOptions = HubSocketOptions;

/** Alerts and incidents (server/src/live/alert-push.ts) over the hub's connection (hub-socket.ts). */
export function openAlertsChannel(handlers: AlertsChannelHandlers, options: AlertsChannelOptions = {}): AlertsChannel {
  const { socket, close } = openHubSocket(handlers, options);
  socket.on(ALERT_EVENTS.alert, (payload: unknown) => {
    if (isAlertView(payload)) handlers.onAlert(payload);
  });
  socket.on(ALERT_EVENTS.incident, (payload: unknown) => {
    if (isIncidentSummary(payload)) handlers.onIncident(payload);
  });

  return {
    subscribe(timeoutMilliseconds) {
      return new Promise<AlertsSubscribeAck>((resolve) => {
        socket.timeout(timeoutMilliseconds).emit(ALERT_EVENTS.subscribe, {}, (err: Error | null, ack: unknown) => {
          if (err) resolve({ ok: false, error: { code: 'live.ackTimeout', message: 'no answer to alerts:subscribe' } });
          else if (isAlertsAck(ack)) resolve(ack);
          else resolve({ ok: false, error: { code: 'live.badAck', message: 'unexpected answer to alerts:subscribe' } });
        });
      });
    },
    close,
  };
}

// The server validates what it sends with the contract's zod schemas; the browser checks by hand what it relies on.
const isBilingual = (v: unknown) => isRecord(v) && typeof v.vi === 'string' && typeof v.en === 'string';
const isNullableString = (v: unknown) => v === null || typeof v === 'string';

export function isAlertView(value: unknown): value is AlertView {
  return (
    isRecord(value) &&
    typeof value.id === 'string' &&
    typeof value.ruleId === 'string' &&
    isBilingual(value.ruleName) &&
    typeof value.state === 'string' &&
    typeof value.severity === 'string' &&
    isNullableString(value.agencyCode) &&
    Number.isInteger(value.count) &&
    typeof value.startedAt === 'string' &&
    isNullableString(value.incidentId)
  );
}

export function isIncidentSummary(value: unknown): value is IncidentSummary {
  return (
    isRecord(value) &&
    typeof value.id === 'string' &&
    isBilingual(value.title) &&
    typeof value.state === 'string' &&
    typeof value.severity === 'string' &&
    isNullableString(value.agencyCode) &&
    isNullableString(value.assignedAgencyCode) &&
    typeof value.openedAt === 'string' &&
    isNullableString(value.ackDueAt) &&
    Array.isArray(value.alertIds) &&
    Array.isArray(value.linkedIds)
  );
}

function isAlertsAck(value: unknown): value is AlertsSubscribeAck {
  if (!isRecord(value)) return false;
  if (value.ok === true) {
    const s = value.snapshot;
    return (
      isRecord(s) &&
      Array.isArray(s.alerts) &&
      s.alerts.every(isAlertView) &&
      Array.isArray(s.incidents) &&
      s.incidents.every(isIncidentSummary)
    );
  }
  return value.ok === false && isRecord(value.error) && typeof value.error.code === 'string';
}
