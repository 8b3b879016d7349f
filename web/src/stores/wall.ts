import type { SubscribeAck, WallPatch, WallSnapshot } from '@ioc/core';
import { applyWallPatch } from '../live/wall-contract';
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { openWallChannel, type WallChannel, type WallChannelHandlers } from '../live/socket';

/**
 * `connecting`: no snapshot yet on this connection; `live`: subscribed, patches flowing; `reconnecting`: the socket
 * dropped and socket.io is retrying; `offline`: still retrying after several attempts (the server or the network is
 * down, the figures on screen are getting old).
 */
export type LinkState = 'connecting' | 'live' | 'reconnecting' | 'offline';

/** What `applyPatch` did with a patch. */
export type PatchOutcome = 'applied' | 'stale' | 'gap' | 'dayChanged' | 'buffered';

/** Failed reconnection attempts after which the badge says offline rather than reconnecting (≈ 15–20 s of backoff). */
export const OFFLINE_AFTER_ATTEMPTS = 5;

export interface WallConnectOptions {
  /** Opens the live channel; default: socket.io on the page's origin. */
  open?: (handlers: WallChannelHandlers) => WallChannel;
  /** How long to wait for the subscribe ack. */
  subscribeTimeoutMilliseconds?: number;
  /** Delay before subscribing again after the server refused or did not answer. */
  retryDelayMilliseconds?: number;
}

/** Patches kept while a snapshot is on its way; more than this and the snapshot will be older anyway. */
const MAX_BUFFERED_PATCHES = 200;

/**
 * The live state of the wall dashboard: one snapshot, then patches in `seq` order (core/src/contracts/live.ts).
 * A patch that skips a number, or that starts a new provincial day, is not applied: the store asks the server for a
 * fresh snapshot instead, and keeps patches that arrive meanwhile to apply them on top of it.
 */
export const useWallStore = defineStore('wall', () => {
  // Replaced as a whole on every patch: `shallowRef` spares deep proxies of ~100 rows a second.
  const snapshot = shallowRef<WallSnapshot | null>(null);
  const link = ref<LinkState>('connecting');
  /** The server's answer when it refused the subscription; cleared by the next snapshot. */
  const refusal = ref<{ code: string; message: string } | null>(null);
  /** Set when the server refused or ended the session (`auth.*`): retrying cannot help, the page sends to sign-in. */
  const sessionRefused = ref<{ code: string; message: string } | null>(null);
  /** True from a gap, a day change or a reconnect until the fresh snapshot has arrived. */
  const awaitingSnapshot = ref(false);
  /** Snapshots requested because the patch stream could not be trusted (gaps, new day, malformed patch). */
  const resyncCount = ref(0);

  let channel: WallChannel | null = null;
  let connected = false;
  let subscribeGeneration = 0;
  let subscribeInFlight = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let buffered: WallPatch[] = [];
  let settings: Required<Omit<WallConnectOptions, 'open'>> = { subscribeTimeoutMilliseconds: 10_000, retryDelayMilliseconds: 3_000 };

  const day = computed(() => snapshot.value?.day ?? null);
  const rows = computed(() => snapshot.value?.rows ?? []);
  const totals = computed(() => snapshot.value?.totals ?? null);
  const dataUpdatedAt = computed(() => snapshot.value?.dataUpdatedAt ?? null);

  /** Takes a full snapshot as the state, then applies any newer patches that arrived while it was on its way. */
  function hydrate(fresh: WallSnapshot): void {
    snapshot.value = fresh;
    awaitingSnapshot.value = false;
    const later = buffered.filter((p) => p.seq > fresh.seq).sort((a, b) => a.seq - b.seq);
    buffered = [];
    for (const patch of later) if (applyPatch(patch) !== 'applied') break;
  }

  /** The current state, e.g. to keep it across a reload; null before the first snapshot. */
  function dehydrate(): WallSnapshot | null {
    return snapshot.value;
  }

  /**
   * Applies the next patch (`seq` = state + 1). Older or repeated patches are ignored. A gap or a new day asks for a
   * fresh snapshot and leaves the state as it is until then; patches arriving before any snapshot are kept.
   */
  function applyPatch(patch: WallPatch): PatchOutcome {
    const state = snapshot.value;
    if (!state || awaitingSnapshot.value) {
      if (buffered.length < MAX_BUFFERED_PATCHES) buffered.push(patch);
      return 'buffered';
    }
    if (patch.seq <= state.seq) return 'stale';
    if (patch.seq !== state.seq + 1) {
      requestSnapshot();
      buffered.push(patch);
      return 'gap';
    }
    if (patch.day !== state.day) {
      // A patch carries only the rows that changed: merged into yesterday's rows, the others would keep
      // yesterday's counts under today's date.
      requestSnapshot();
      return 'dayChanged';
    }
    snapshot.value = applyWallPatch(state, patch);
    return 'applied';
  }

  /** Marks the state as untrusted and, when connected, subscribes again for a fresh snapshot. */
  function requestSnapshot(): void {
    resyncCount.value += 1;
    awaitingSnapshot.value = true;
    if (connected) void subscribe();
  }

  async function subscribe(): Promise<void> {
    if (!channel || subscribeInFlight) return;
    clearRetry();
    subscribeInFlight = true;
    awaitingSnapshot.value = true;
    const generation = ++subscribeGeneration;
    let ack: SubscribeAck;
    try {
      ack = await channel.subscribe('wall', settings.subscribeTimeoutMilliseconds);
    } finally {
      if (generation === subscribeGeneration) subscribeInFlight = false;
    }
    // A reconnect in between started a newer subscription; this answer belongs to a dead connection.
    if (generation !== subscribeGeneration || !connected) return;
    if (ack.ok) {
      refusal.value = null;
      link.value = 'live';
      hydrate(ack.snapshot);
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

  /** Opens the live channel (once) and keeps the state current until `disconnect`. */
  function connect(options: WallConnectOptions = {}): void {
    if (channel) return;
    sessionRefused.value = null;
    settings = { ...settings, ...stripUndefined(options) };
    link.value = 'connecting';
    const open = options.open ?? ((handlers: WallChannelHandlers) => openWallChannel(handlers));
    channel = open({
      onConnect() {
        connected = true;
        // The server keeps no subscription across connections, and patches were lost meanwhile.
        subscribeGeneration += 1;
        subscribeInFlight = false;
        if (link.value !== 'live') link.value = 'connecting';
        void subscribe();
      },
      onDisconnect() {
        connected = false;
        clearRetry();
        // The next connection starts from a fresh snapshot; a restarted server may even count seq from 1 again.
        buffered = [];
        awaitingSnapshot.value = true;
        link.value = 'reconnecting';
      },
      onReconnectAttempt(attempt) {
        link.value = attempt >= OFFLINE_AFTER_ATTEMPTS ? 'offline' : 'reconnecting';
      },
      onPatch(patch) {
        applyPatch(patch);
      },
      onMalformedPatch() {
        requestSnapshot();
      },
      onSessionRefused(reason) {
        refusal.value = reason;
        sessionRefused.value = reason;
      },
    });
  }

  /** Closes the channel; the last state stays on screen. */
  function disconnect(): void {
    clearRetry();
    channel?.close();
    channel = null;
    connected = false;
    subscribeGeneration += 1;
    subscribeInFlight = false;
  }

  return {
    // State: changed only by the actions below.
    snapshot,
    link,
    refusal,
    sessionRefused,
    awaitingSnapshot,
    resyncCount,
    day,
    rows,
    totals,
    dataUpdatedAt,
    hydrate,
    dehydrate,
    applyPatch,
    connect,
    disconnect,
  };
});

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
