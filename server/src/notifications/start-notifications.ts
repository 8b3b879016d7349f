import type { Registry } from 'prom-client';
import type { Catalogue, Clock, Db, Notification } from '@ioc/core';
import { AlertEvents } from '../alerts/alert-events';
import { ConfigError, type Config } from '../config/config';
import type { Logger } from '../logging/logger';
import { EmailSender } from './email';
import { absoluteLink, notificationFromAlertChange, outgoing } from './notification';
import { Notifier, type Audience, type ContactPoint } from './notifier';
import type { Sleep } from './webhook';

type NotifyConfig = Pick<
  Config,
  | 'IOC_NOTIFY_WEBHOOK_URL'
  | 'IOC_NOTIFY_LEADERS_WEBHOOK_URL'
  | 'IOC_NOTIFY_WEBHOOK_SECRET'
  | 'IOC_NOTIFY_WEBHOOK_ATTEMPTS'
  | 'IOC_SMTP_URL'
  | 'IOC_NOTIFY_EMAIL_FROM'
  | 'IOC_NOTIFY_EMAIL_TO'
  | 'IOC_NOTIFY_LEADERS_EMAIL_TO'
  | 'IOC_NOTIFY_LINK_BASE_URL'
>;

const addresses = (list: string | undefined) =>
  (list ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/**
 * The contact points the configuration names. The leaders' webhook and addresses default to the operators' ones, so
 * one channel is enough to get everything. Throws a `ConfigError` naming each variable that is missing its partner.
 */
export function contactPoints(c: NotifyConfig): {
  routes: Record<Audience, ContactPoint>;
  email: { smtpUrl: string; from: string } | null;
} {
  const problems: string[] = [];
  const anyWebhook = c.IOC_NOTIFY_WEBHOOK_URL ?? c.IOC_NOTIFY_LEADERS_WEBHOOK_URL;
  if (anyWebhook && !c.IOC_NOTIFY_WEBHOOK_SECRET)
    problems.push('IOC_NOTIFY_WEBHOOK_SECRET=: required when a notification webhook URL is set');
  const anyTo = c.IOC_NOTIFY_EMAIL_TO ?? c.IOC_NOTIFY_LEADERS_EMAIL_TO;
  if (anyTo && !c.IOC_SMTP_URL) problems.push('IOC_SMTP_URL=: required when notification e-mail addresses are set');
  if (anyTo && !c.IOC_NOTIFY_EMAIL_FROM) problems.push('IOC_NOTIFY_EMAIL_FROM=: required when notification e-mail addresses are set');
  if (problems.length > 0) throw new ConfigError(problems);
  const webhook = (url: string | undefined) =>
    url && c.IOC_NOTIFY_WEBHOOK_SECRET ? { url, secret: c.IOC_NOTIFY_WEBHOOK_SECRET, attempts: c.IOC_NOTIFY_WEBHOOK_ATTEMPTS } : undefined;
  const point = (url: string | undefined, to: string[]): ContactPoint => ({
    ...(webhook(url) ? { webhook: webhook(url)! } : {}),
    ...(to.length > 0 ? { emailTo: to } : {}),
  });
  const operatorsTo = addresses(c.IOC_NOTIFY_EMAIL_TO);
  const leadersTo = addresses(c.IOC_NOTIFY_LEADERS_EMAIL_TO);
  return {
    routes: {
      operators: point(c.IOC_NOTIFY_WEBHOOK_URL, operatorsTo),
      leaders: point(c.IOC_NOTIFY_LEADERS_WEBHOOK_URL ?? c.IOC_NOTIFY_WEBHOOK_URL, leadersTo.length > 0 ? leadersTo : operatorsTo),
    },
    email: anyTo && c.IOC_SMTP_URL && c.IOC_NOTIFY_EMAIL_FROM ? { smtpUrl: c.IOC_SMTP_URL, from: c.IOC_NOTIFY_EMAIL_FROM } : null,
  };
}

export interface NotificationsOptions {
  db: Db;
  config: NotifyConfig;
  catalogue: Pick<Catalogue, 'agencies'>;
  clock: Clock;
  logger: Logger;
  /** The server's Prometheus registry: `ioc_notifications_total` is served at `/metrics`. */
  registry: Registry;
  sleep?: Sleep;
  /** The alert engine's subscription point (`Alerting.onNotification`), when the server runs alerting. */
  onNotification?: (listener: (n: Notification) => void) => () => void;
}

export interface Notifications {
  notifier: Notifier;
  /** Waits for the deliveries under way (retries included), then stops listening. */
  close(): Promise<void>;
}

/**
 * Starts notifications when a contact point is configured (off by default: resolves null). Listens to the alert
 * changes of the whole cluster on the store and hands every announced one (`notify` set) to the notifier.
 */
export async function startNotifications(o: NotificationsOptions): Promise<Notifications | null> {
  const { routes, email } = contactPoints(o.config);
  const logger = o.logger.child({ component: 'notifications' });
  const sender = email ? new EmailSender(email) : undefined;
  const notifier = new Notifier({
    db: o.db,
    clock: o.clock,
    logger,
    registry: o.registry,
    routes,
    ...(sender ? { email: sender } : {}),
    ...(o.sleep ? { sleep: o.sleep } : {}),
  });
  if (!notifier.enabled) {
    sender?.close();
    return null;
  }
  const submit = (n: Notification) => notifier.submit(absoluteLink(outgoing(n), o.config.IOC_NOTIFY_LINK_BASE_URL));
  // The engine's notifications (escalations included) when the server runs alerting; else every process's alert
  // changes from the store, through the adapter. Either way the claim in the store makes one process send each.
  let stop: () => void | Promise<void>;
  if (o.onNotification) stop = o.onNotification(submit);
  else {
    const events = await AlertEvents.listen(o.db, logger);
    events.onAlertChange((change) => {
      const n = notificationFromAlertChange(change, o.catalogue);
      if (n) submit(n);
    });
    stop = () => events.close();
  }
  logger.info(
    {
      operators: { webhook: Boolean(routes.operators.webhook), email: routes.operators.emailTo?.length ?? 0 },
      leaders: { webhook: Boolean(routes.leaders.webhook), email: routes.leaders.emailTo?.length ?? 0 },
    },
    'notifications started',
  );
  return {
    notifier,
    async close() {
      await stop();
      await notifier.idle();
      sender?.close();
    },
  };
}
