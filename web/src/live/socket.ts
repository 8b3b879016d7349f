import type { DashboardId, SessionEndedEvent, SubscribeAck, WallPatch } from '@ioc/core';
import { LiveEvents } from './wall-contract';
import { io, type ManagerOptions, type SocketOptions } from 'socket.io-client';

/** What the live channel tells its owner (the wall store). */
export interface WallChannelHandlers {
  /** Connected, the first time or after a reconnect. The server keeps no subscription across connections. */
  onConnect(): void;
  /** The connection dropped; socket.io is already trying again. */
  onDisconnect(): void;
  /** Reconnection attempt `attempt` (1, 2, …) since the connection dropped. */
  onReconnectAttempt(attempt: number): void;
  /** A `dashboard:patch` that has the shape of a wall patch. */
  onPatch(patch: WallPatch): void;
  /** A `dashboard:patch` that is not a wall patch: the state may have missed something. */
  onMalformedPatch(): void;
  /**
   * The server refused the connection for want of a valid session (`auth.*`, at the handshake) or ended the session
   * (`session:ended`): no retry will help, the person must sign in again.
   */
  onSessionRefused?(reason: SessionEndedEvent): void;
}

export interface WallChannel {
  /** Emits `dashboard:subscribe` and resolves with the ack; a lost or late ack resolves as `live.ackTimeout`. */
  subscribe(dashboard: DashboardId, timeoutMilliseconds: number): Promise<SubscribeAck>;
  /** Stops reconnecting and closes the socket. */
  close(): void;
}

export interface WallChannelOptions {
  /** Server origin; default: the page's own origin (the server serves the app and the socket together). */
  url?: string;
  /** Engine.IO path; default `/socket.io`. */
  path?: string;
  /** Transports to try; tests in node pass `['websocket']`. */
  transports?: ManagerOptions['transports'];
  /** Delay before reconnecting when the server closed the socket or refused the handshake; default 5 s. */
  refusedRetryMilliseconds?: number;
  /** The interface language for the server's messages; default: `<html lang>`. */
  language?: string;
  /** Extra handshake headers (node clients in tests: the session cookie). Browsers send the cookie themselves. */
  extraHeaders?: Record<string, string>;
}

/**
 * Opens the socket.io connection of the live hub. socket.io reconnects forever with its default backoff
 * (1 s doubling to 5 s, randomised); the two cases where it gives up on its own — the server closing the socket,
 * or a middleware refusing the handshake — are retried here, because a wall is never left disconnected.
 */
export function openWallChannel(handlers: WallChannelHandlers, options: WallChannelOptions = {}): WallChannel {
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
    // `active` is false when the server refused the handshake: socket.io will not retry by itself.
    if (!socket.active) retryLater();
  });
  socket.on(LiveEvents.sessionEnded, (payload: unknown) => {
    const reason = sessionRefusal(payload);
    if (reason) handlers.onSessionRefused?.(reason);
  });
  socket.io.on('reconnect_attempt', (attempt) => handlers.onReconnectAttempt(attempt));
  socket.on(LiveEvents.patch, (payload: unknown) => {
    if (isWallPatch(payload)) handlers.onPatch(payload);
    else handlers.onMalformedPatch();
  });

  return {
    subscribe(dashboard, timeoutMilliseconds) {
      return new Promise<SubscribeAck>((resolve) => {
        socket.timeout(timeoutMilliseconds).emit(LiveEvents.subscribe, { dashboard }, (err: Error | null, ack: unknown) => {
          if (err) resolve({ ok: false, error: { code: 'live.ackTimeout', message: 'no answer to dashboard:subscribe' } });
          else if (isSubscribeAck(ack)) resolve(ack);
          else resolve({ ok: false, error: { code: 'live.badAck', message: 'unexpected answer to dashboard:subscribe' } });
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

/*
 * The server validates what it sends with the contract's zod schemas. The browser checks only the shape it relies
 * on, by hand: parsing with zod in jitless mode (see zod-jitless.ts) would work too, but costs more on a wall that
 * applies a patch a second, for data from its own origin.
 */
function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isCounters(value: unknown): boolean {
  return (
    isRecord(value) &&
    ['received', 'finished', 'finishedOnTime', 'finishedLate', 'open', 'overdue'].every((k) => Number.isInteger(value[k]))
  );
}

function isWallState(value: unknown): boolean {
  return (
    isRecord(value) &&
    value.dashboard === 'wall' &&
    Number.isInteger(value.seq) &&
    typeof value.day === 'string' &&
    typeof value.asOf === 'string' &&
    (value.dataUpdatedAt === null || typeof value.dataUpdatedAt === 'string') &&
    isCounters(value.totals) &&
    Array.isArray(value.rows) &&
    value.rows.every((r) => isRecord(r) && typeof r.agencyCode === 'string' && isCounters(r))
  );
}

/** An `auth.*` refusal from the server (handshake error data or `session:ended`), or null. */
function sessionRefusal(value: unknown): SessionEndedEvent | null {
  if (!isRecord(value) || typeof value.code !== 'string' || !value.code.startsWith('auth.')) return null;
  return { code: value.code, message: typeof value.message === 'string' ? value.message : '' };
}

export function isWallPatch(value: unknown): value is WallPatch {
  return isWallState(value);
}

function isSubscribeAck(value: unknown): value is SubscribeAck {
  if (!isRecord(value)) return false;
  if (value.ok === true) return isWallState(value.snapshot);
  return value.ok === false && isRecord(value.error) && typeof value.error.code === 'string';
}
