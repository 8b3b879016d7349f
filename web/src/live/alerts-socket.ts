import type { AlertsSubscribeAck, AlertView, IncidentSummary, SessionEndedEvent } from '@ioc/core';
import { io, type ManagerOptions, type SocketOptions } from 'socket.io-client';
import { LiveEvents } from './wall-contract';

/**
 * Event names of core/src/contracts/alerts.ts `AlertLiveEvents`, repeated here because that module imports zod
 * (the web app takes only types from @ioc/core); alerts-socket.test.ts checks they match.
 */
export const ALERT_EVENTS = { subscribe: 'alerts:subscribe', alert: 'alert', incident: 'incident' } as const;

/** What the alerts channel tells its owner (the alerts store). */
export interface AlertsChannelHandlers {
  /** Connected, the first time or after a reconnect: the server keeps no subscription across connections. */
  onConnect(): void;
  onDisconnect(): void;
  onReconnectAttempt(attempt: number): void;
  /** An `alert` event with the shape of an `AlertView`. */
  onAlert(alert: AlertView): void;
  /** An `incident` event with the shape of an `IncidentSummary`. */
  onIncident(incident: IncidentSummary): void;
  /** The server refused or ended the session (`auth.*`): the person must sign in again. */
  onSessionRefused?(reason: SessionEndedEvent): void;
}

export interface AlertsChannel {
  /** Emits `alerts:subscribe`; a lost or late ack resolves as `live.ackTimeout`, an unreadable one as `live.badAck`. */
  subscribe(timeoutMilliseconds: number): Promise<AlertsSubscribeAck>;
  close(): void;
}

export interface AlertsChannelOptions {
  url?: string;
  path?: string;
  transports?: ManagerOptions['transports'];
  refusedRetryMilliseconds?: number;
  language?: string;
  extraHeaders?: Record<string, string>;
}

/**
 * A socket.io connection to the live hub for alerts and incidents (server/src/live/alert-push.ts). Reconnects as the
 * wall's channel does (live/socket.ts): socket.io retries by itself, and the two cases it gives up on are retried here.
 */
export function openAlertsChannel(handlers: AlertsChannelHandlers, options: AlertsChannelOptions = {}): AlertsChannel {
  const socketOptions: Partial<ManagerOptions & SocketOptions> = {
    path: options.path ?? '/socket.io',
    reconnection: true,
    reconnectionAttempts: Infinity,
    query: { lang: options.language ?? globalThis.document?.documentElement.lang ?? 'vi' },
  };
  if (options.transports) socketOptions.transports = options.transports;
  if (options.extraHeaders) socketOptions.extraHeaders = options.extraHeaders;
  const socket = options.url === undefined ? io(socketOptions) : io(options.url, socketOptions);
  let closed = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  const retryLater = () => {
    if (closed || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      if (!closed && !socket.connected) socket.connect();
    }, options.refusedRetryMilliseconds ?? 5_000);
  };

  socket.on('connect', () => handlers.onConnect());
  socket.on('disconnect', (reason) => {
    handlers.onDisconnect();
    if (reason === 'io server disconnect') retryLater();
  });
  socket.on('connect_error', (err: Error & { data?: unknown }) => {
    const reason = sessionRefusal(err.data);
    if (reason && handlers.onSessionRefused) {
      handlers.onSessionRefused(reason);
      return;
    }
    if (!socket.active) retryLater();
  });
  socket.on(LiveEvents.sessionEnded, (payload: unknown) => {
    const reason = sessionRefusal(payload);
    if (reason) handlers.onSessionRefused?.(reason);
  });
  socket.io.on('reconnect_attempt', (attempt) => handlers.onReconnectAttempt(attempt));
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
    close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      socket.close();
    },
  };
}

// The server validates what it sends with the contract's zod schemas; the browser checks by hand what it relies on.
function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

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

function sessionRefusal(value: unknown): SessionEndedEvent | null {
  if (!isRecord(value) || typeof value.code !== 'string' || !value.code.startsWith('auth.')) return null;
  return { code: value.code, message: typeof value.message === 'string' ? value.message : '' };
}
