import type { WallPatch, WallSnapshot } from '@ioc/core';
import { applyWallPatch } from '../live/wall-contract';
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { useLiveSubscription, type LiveSubscriptionSettings } from '../live/live-subscription';
import { openWallChannel, type WallChannel, type WallChannelHandlers } from '../live/socket';

// The wall's badge and header take them from here.
export { OFFLINE_AFTER_ATTEMPTS, type LinkState } from '../live/live-subscription';

/** What `applyPatch` did with a patch. */
export type PatchOutcome = 'applied' | 'stale' | 'gap' | 'dayChanged' | 'buffered';

export interface WallConnectOptions extends LiveSubscriptionSettings {
  /** Opens the live channel; default: socket.io on the page's origin. */
  open?: (handlers: WallChannelHandlers) => WallChannel;
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
  /** True from a gap, a day change or a reconnect until the fresh snapshot has arrived. */
  const awaitingSnapshot = ref(false);
  /** Snapshots requested because the patch stream could not be trusted (gaps, new day, malformed patch). */
  const resyncCount = ref(0);

  let buffered: WallPatch[] = [];
  const live = useLiveSubscription<WallChannel, WallSnapshot>({
    request: (channel, timeoutMilliseconds) => channel.subscribe('wall', timeoutMilliseconds),
    hydrate,
  });

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
    live.resubscribe();
  }

  /** Opens the live channel (once) and keeps the state current until `disconnect`. */
  function connect(options: WallConnectOptions = {}): void {
    const open = options.open ?? ((handlers: WallChannelHandlers) => openWallChannel(handlers));
    live.open(
      (hub) =>
        open({
          ...hub,
          onConnect() {
            // The server keeps no subscription across connections: patches wait in the buffer for this one's snapshot.
            awaitingSnapshot.value = true;
            hub.onConnect();
          },
          onDisconnect() {
            hub.onDisconnect();
            // The next connection starts from a fresh snapshot; a restarted server may even count seq from 1 again.
            buffered = [];
            awaitingSnapshot.value = true;
          },
          onPatch(patch) {
            applyPatch(patch);
          },
          onMalformedPatch() {
            requestSnapshot();
          },
        }),
      options,
    );
  }

  /** Closes the channel; the last state stays on screen. */
  function disconnect(): void {
    live.close();
  }

  return {
    // State: changed only by the actions below.
    snapshot,
    link: live.link,
    refusal: live.refusal,
    sessionRefused: live.sessionRefused,
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
