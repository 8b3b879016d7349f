import type { SessionEndedEvent } from '@ioc/core';
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import { LiveEvents } from './wall-contract';

/** What any channel to the live hub tells its owner about the connection itself. */
export interface HubConnectionHandlers {
  /** Connected, the first time or after a reconnect. The server keeps no subscription across connections. */
  onConnect(): void;
  /** The connection dropped; socket.io is already trying again. */
  onDisconnect(): void;
  /** Reconnection attempt `attempt` (1, 2, …) since the connection dropped. */
  onReconnectAttempt(attempt: number): void;
  /**
   * The server refused the connection for want of a valid session (`auth.*`, at the handshake) or ended the session
   * (`session:ended`): no retry will help, the person must sign in again.
   */
  onSessionRefused?(reason: SessionEndedEvent): void;
}

export interface HubSocketOptions {
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

export interface HubSocket {
  /** The socket, for the channel's own events and emits. */
  socket: Socket;
  /** Stops reconnecting and closes the socket. */
  close: () => void;
}

/**
 * Opens a socket.io connection to the live hub. socket.io reconnects forever with its default backoff (1 s doubling
 * to 5 s, randomised); the two cases where it gives up on its own — the server closing the socket, or a middleware
 * refusing the handshake — are retried here, because a wall or a console is never left disconnected.
 */
export function openHubSocket(handlers: HubConnectionHandlers, options: HubSocketOptions = {}): HubSocket {
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

  return {
    socket,
    close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      socket.close();
    },
  };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** An `auth.*` refusal from the server (handshake error data or `session:ended`), or null. */
function sessionRefusal(value: unknown): SessionEndedEvent | null {
  if (!isRecord(value) || typeof value.code !== 'string' || !value.code.startsWith('auth.')) return null;
  return { code: value.code, message: typeof value.message === 'string' ? value.message : '' };
}
