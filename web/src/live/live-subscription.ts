import { ref } from 'vue';
import type { HubConnectionHandlers } from './hub-socket';

/**
 * `connecting`: no snapshot yet on this connection; `live`: subscribed, events flowing; `reconnecting`: the socket
 * dropped and socket.io is retrying; `offline`: still retrying after several attempts (the server or the network is
 * down, the figures on screen are getting old).
 */
export type LinkState = 'connecting' | 'live' | 'reconnecting' | 'offline';

/** Failed reconnection attempts after which the badge says offline rather than reconnecting (≈ 15–20 s of backoff). */
export const OFFLINE_AFTER_ATTEMPTS = 5;

/** The server's reason for refusing a subscription or ending the session. */
export interface Refusal {
  code: string;
  message: string;
}

/** A subscribe ack, as the wall's and the alerts' channels both answer it. */
export type LiveAck<Snapshot> = { ok: true; snapshot: Snapshot } | { ok: false; error: Refusal };

export interface LiveSubscriptionOptions<Channel, Snapshot> {
  /** Emits the channel's subscribe; resolves with the ack and never rejects (a lost ack is `live.ackTimeout`). */
  request(channel: Channel, timeoutMilliseconds: number): Promise<LiveAck<Snapshot>>;
  /** Takes the fresh snapshot as the store's whole state. */
  hydrate(snapshot: Snapshot): void;
  /** Refusals that asking again will not change but that leave the session valid; default: none. */
  isFinalRefusal?(code: string): boolean;
}

export interface LiveSubscriptionSettings {
  /** How long to wait for the subscribe ack; default 10 s. */
  subscribeTimeoutMilliseconds?: number;
  /** Delay before subscribing again after the server refused or did not answer; default 3 s. */
  retryDelayMilliseconds?: number;
}

/**
 * The part of a live store that keeps one subscription over a hub channel (hub-socket.ts). It subscribes on every
 * (re)connection, since the server keeps no subscription across connections; it ignores an answer that belongs to a
 * connection that has since dropped; it asks again after a delay when the server refused for a passing reason, and
 * sets `sessionRefused` for an `auth.*` one (the page then sends to sign-in).
 * Its refs are meant to be returned by the store as its own state.
 */
export function useLiveSubscription<Channel extends { close(): void }, Snapshot>(options: LiveSubscriptionOptions<Channel, Snapshot>) {
  const link = ref<LinkState>('connecting');
  /** The server's answer when it refused the subscription; cleared by the next snapshot. */
  const refusal = ref<Refusal | null>(null);
  /** Set when the server refused or ended the session (`auth.*`): retrying cannot help, the page sends to sign-in. */
  const sessionRefused = ref<Refusal | null>(null);

  const settings: Required<LiveSubscriptionSettings> = { subscribeTimeoutMilliseconds: 10_000, retryDelayMilliseconds: 3_000 };
  let channel: Channel | null = null;
  let connected = false;
  let generation = 0;
  let inFlight = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  async function subscribe(): Promise<void> {
    if (!channel || inFlight) return;
    clearRetry();
    inFlight = true;
    const mine = ++generation;
    let ack: LiveAck<Snapshot>;
    try {
      ack = await options.request(channel, settings.subscribeTimeoutMilliseconds);
    } finally {
      if (mine === generation) inFlight = false;
    }
    // A reconnect in between started a newer subscription; this answer belongs to a dead connection.
    if (mine !== generation || !connected) return;
    if (ack.ok) {
      refusal.value = null;
      link.value = 'live';
      options.hydrate(ack.snapshot);
    } else if (options.isFinalRefusal?.(ack.error.code)) {
      refusal.value = ack.error;
    } else if (ack.error.code.startsWith('auth.')) {
      refusal.value = ack.error;
      sessionRefused.value = ack.error;
    } else {
      refusal.value = ack.error;
      retryTimer = setTimeout(() => {
        retryTimer = undefined;
        if (connected) void subscribe();
      }, settings.retryDelayMilliseconds);
    }
  }

  function clearRetry(): void {
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = undefined;
  }

  const hubHandlers: HubConnectionHandlers = {
    onConnect() {
      connected = true;
      // An answer still on its way belongs to the old connection: a new subscription starts now.
      generation += 1;
      inFlight = false;
      if (link.value !== 'live') link.value = 'connecting';
      void subscribe();
    },
    onDisconnect() {
      connected = false;
      generation += 1;
      clearRetry();
      link.value = 'reconnecting';
    },
    onReconnectAttempt(attempt) {
      link.value = attempt >= OFFLINE_AFTER_ATTEMPTS ? 'offline' : 'reconnecting';
    },
    onSessionRefused(reason) {
      refusal.value = reason;
      sessionRefused.value = reason;
    },
  };

  /**
   * Opens the channel unless one is open. `build` opens it with the hub's handlers here, which it may extend (each
   * extension calls the handler it replaces) and add its own events to.
   */
  function open(build: (hub: HubConnectionHandlers) => Channel, next: LiveSubscriptionSettings = {}): void {
    if (channel) return;
    if (next.subscribeTimeoutMilliseconds !== undefined) settings.subscribeTimeoutMilliseconds = next.subscribeTimeoutMilliseconds;
    if (next.retryDelayMilliseconds !== undefined) settings.retryDelayMilliseconds = next.retryDelayMilliseconds;
    sessionRefused.value = null;
    link.value = 'connecting';
    channel = build(hubHandlers);
  }

  /** Subscribes again for a fresh snapshot when connected (and no subscription is already on its way). */
  function resubscribe(): void {
    if (connected) void subscribe();
  }

  /** Stops retrying and closes the channel; the refs keep their last values. */
  function close(): void {
    clearRetry();
    channel?.close();
    channel = null;
    connected = false;
    generation += 1;
    inFlight = false;
  }

  return { link, refusal, sessionRefused, open, resubscribe, close };
}
