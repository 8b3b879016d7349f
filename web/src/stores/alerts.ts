import type { AlertsSnapshot, AlertView } from '@ioc/core';
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { openAlertsChannel, type AlertsChannel, type AlertsChannelHandlers } from '../live/alerts-socket';
import { useLiveSubscription, type LiveSubscriptionSettings } from '../live/live-subscription';
import { useIncidentsStore } from './incidents';
import { bySeverityThenNewest, trackEnded, upsertById, withoutExpired, type Ended } from './live-list';

/** How long a resolved alert stays in the queue, struck through, before it leaves. */
export const RESOLVED_ALERT_GRACE_MILLISECONDS = 2 * 60_000;

const order = bySeverityThenNewest<AlertView>((a) => a.firedAt ?? a.startedAt);
/** pending, firing, resolving are active (core/src/sla/alert-state.ts); inactive and resolved have ended. */
const isEnded = (a: AlertView) => a.state === 'resolved' || a.state === 'inactive';
const graceOf = () => RESOLVED_ALERT_GRACE_MILLISECONDS;

export interface AlertsConnectOptions extends LiveSubscriptionSettings {
  /** Opens the live channel; default: socket.io on the page's origin. */
  open?: (handlers: AlertsChannelHandlers) => AlertsChannel;
  /** Local clock (ms), for the grace of resolved alerts and the highlight of new ones. */
  clock?: () => number;
}

/**
 * Active alerts in the session's scope, and the live channel that also feeds the incidents store: on every
 * (re)connection it subscribes again and takes the fresh snapshot as the whole state, then applies `alert` and
 * `incident` events, each a whole view replacing the one with its id (so one arriving twice changes nothing).
 */
export const useAlertsStore = defineStore('alerts', () => {
  const alerts = shallowRef<AlertView[]>([]);
  const changedAt = shallowRef<Record<string, number>>({});
  /** Snapshots taken (the first, then one per reconnect). */
  const snapshots = ref(0);

  let ended: Ended = {};
  let clock: () => number = Date.now;
  const live = useLiveSubscription<AlertsChannel, AlertsSnapshot>({
    request: (channel, timeoutMilliseconds) => channel.subscribe(timeoutMilliseconds),
    hydrate,
    // The role may not see alerts (a display device): asking again will not change that.
    isFinalRefusal: (code) => code === 'auth.forbidden',
  });

  /** Firing alerts by severity, for the wall's strip. */
  const firing = computed(() => alerts.value.filter((a) => a.state === 'firing' && !a.silenced));

  function setClock(next: () => number): void {
    clock = next;
    useIncidentsStore().configure({ clock: next });
  }

  /** Takes a snapshot as the whole state, alerts here and incidents in the incidents store. */
  function hydrate(snapshot: AlertsSnapshot): void {
    const now = clock();
    // The snapshot may hold alerts that already ended: only the active ones are the queue.
    const sorted = snapshot.alerts.filter((a) => !isEnded(a)).sort(order);
    ended = trackEnded({}, sorted, isEnded, now);
    alerts.value = sorted;
    changedAt.value = {};
    useIncidentsStore().hydrate(snapshot.incidents);
    snapshots.value += 1;
  }

  function dehydrate(): AlertsSnapshot {
    return { alerts: alerts.value, incidents: useIncidentsStore().dehydrate() };
  }

  /** A live `alert` event: replaces the alert with that id or adds it; a resolved one leaves after its grace. */
  function applyAlert(alert: AlertView): void {
    const now = clock();
    if (isEnded(alert) && !alerts.value.some((a) => a.id === alert.id)) return;
    const next = upsertById(alerts.value, alert, order);
    ended = trackEnded(ended, next, isEnded, now);
    alerts.value = withoutExpired(next, ended, now, graceOf);
    changedAt.value = { ...changedAt.value, [alert.id]: now };
  }

  function prune(): void {
    const kept = withoutExpired(alerts.value, ended, clock(), graceOf);
    if (kept.length !== alerts.value.length) alerts.value = kept;
    useIncidentsStore().prune();
  }

  /** Opens the live channel (once) and keeps alerts and incidents current until `disconnect`. */
  function connect(options: AlertsConnectOptions = {}): void {
    live.open((hub) => {
      if (options.clock) setClock(options.clock);
      const incidents = useIncidentsStore();
      const open = options.open ?? ((handlers: AlertsChannelHandlers) => openAlertsChannel(handlers));
      return open({
        ...hub,
        onAlert(alert) {
          applyAlert(alert);
        },
        onIncident(incident) {
          incidents.applyIncident(incident);
        },
      });
    }, options);
  }

  function disconnect(): void {
    live.close();
  }

  return {
    alerts,
    changedAt,
    firing,
    link: live.link,
    refusal: live.refusal,
    sessionRefused: live.sessionRefused,
    snapshots,
    setClock,
    hydrate,
    dehydrate,
    applyAlert,
    prune,
    connect,
    disconnect,
  };
});
