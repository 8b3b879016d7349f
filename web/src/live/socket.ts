import type { DashboardId, SubscribeAck, WallPatch } from '@ioc/core';
import { isRecord, openHubSocket, type HubConnectionHandlers, type HubSocketOptions } from './hub-socket';
import { LiveEvents } from './wall-contract';

/** What the live channel tells its owner (the wall store). */
export interface WallChannelHandlers extends HubConnectionHandlers {
  /** A `dashboard:patch` that has the shape of a wall patch. */
  onPatch(patch: WallPatch): void;
  /** A `dashboard:patch` that is not a wall patch: the state may have missed something. */
  onMalformedPatch(): void;
}

export interface WallChannel {
  /** Emits `dashboard:subscribe` and resolves with the ack; a lost or late ack resolves as `live.ackTimeout`. */
  subscribe(dashboard: DashboardId, timeoutMilliseconds: number): Promise<SubscribeAck>;
  /** Stops reconnecting and closes the socket. */
  close(): void;
}

export type WallChannelOptions = HubSocketOptions;

/** The wall's channel: dashboard snapshots and patches over the hub's connection (hub-socket.ts). */
export function openWallChannel(handlers: WallChannelHandlers, options: WallChannelOptions = {}): WallChannel {
  const { socket, close } = openHubSocket(handlers, options);
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
    close,
  };
}

/*
 * The server validates what it sends with the contract's zod schemas. The browser checks only the shape it relies
 * on, by hand: parsing with zod in jitless mode (see zod-jitless.ts) would work too, but costs more on a wall that
 * applies a patch a second, for data from its own origin.
 */
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

export function isWallPatch(value: unknown): value is WallPatch {
  return isWallState(value);
}

function isSubscribeAck(value: unknown): value is SubscribeAck {
  if (!isRecord(value)) return false;
  if (value.ok === true) return isWallState(value.snapshot);
  return value.ok === false && isRecord(value.error) && typeof value.error.code === 'string';
}
