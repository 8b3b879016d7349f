import type { AlertChange, Catalogue, Notification } from '@ioc/core';

/**
 * One announcement to people outside the screens: the `Notification` of core/src/contracts/alerts.ts, with the key
 * that makes it unique across the cluster (the dedupe key, and the webhook's `X-IOC-Delivery`).
 */
export interface OutgoingNotification extends Notification {
  key: string;
}

/** Keys the contract's notification: one per (alert or incident, kind, instant). */
export function outgoing(n: Notification): OutgoingNotification {
  const subject = n.alertId ? `alert:${n.alertId}` : `incident:${n.incidentId ?? n.ruleId}`;
  return { ...n, key: `${subject}:${n.kind}:${n.at}` };
}

const KIND_VI = { firing: 'Cảnh báo mới', escalated: 'Cảnh báo leo thang', resolved: 'Đã hết cảnh báo' } as const;
const KIND_EN = { firing: 'New alert', escalated: 'Alert escalated', resolved: 'Alert resolved' } as const;

/**
 * Adapter while the alert engine's own `onNotification` is not started with the server: the notification an alert
 * change announces, or null when it announces nothing. The engine sets `notify` only on changes it announces, never on
 * silenced ones (core/src/sla/alert-state.ts), so a silenced alert never gets here. Swapping to the engine's
 * notifications is the one call in start-notifications.ts.
 */
export function notificationFromAlertChange(change: AlertChange, catalogue: Pick<Catalogue, 'agencies'>): Notification | null {
  if (!change.notify || change.silenced) return null;
  const agency = change.agencyCode ? catalogue.agencies.find((a) => a.code === change.agencyCode) : undefined;
  const whereVi = agency ? agency.name : (change.agencyCode ?? change.unitCode ?? 'toàn tỉnh');
  const whereEn = agency ? agency.nameEn : (change.agencyCode ?? change.unitCode ?? 'province-wide');
  return {
    kind: change.notify,
    alertId: change.alertId,
    incidentId: null,
    ruleId: change.ruleId,
    severity: change.severity,
    agencyCode: change.agencyCode,
    unitCode: change.unitCode,
    title: {
      vi: `${KIND_VI[change.notify]}: ${change.ruleId} — ${whereVi} (${change.count} trường hợp)`,
      en: `${KIND_EN[change.notify]}: ${change.ruleId} — ${whereEn} (${change.count} cases)`,
    },
    link: `/alerts?rule=${encodeURIComponent(change.ruleId)}`,
    at: change.at,
  };
}

/** The link as people can open it: absolute under IOC_NOTIFY_LINK_BASE_URL when set. */
export function absoluteLink(n: OutgoingNotification, baseUrl: string | undefined): OutgoingNotification {
  return baseUrl ? { ...n, link: new URL(n.link, baseUrl).toString() } : n;
}
