import { Counter, type Registry } from 'prom-client';
import { claimNotification, finishNotification, type Clock, type Db, type DeliveryOutcome } from '@ioc/core';
import type { Logger } from '../logging/logger';
import type { EmailSender } from './email';
import type { OutgoingNotification } from './notification';
import { postWebhook, realSleep, type Sleep, type WebhookOptions } from './webhook';

export type Audience = 'operators' | 'leaders';

/** Where one audience is told: a signed webhook and/or e-mail addresses; either may be absent. */
export interface ContactPoint {
  webhook?: Omit<WebhookOptions, 'sleep'>;
  emailTo?: readonly string[];
}

export interface NotifierOptions {
  db: Db;
  clock: Clock;
  logger: Logger;
  registry: Registry;
  routes: Record<Audience, ContactPoint>;
  email?: EmailSender;
  /** Tries per e-mail before giving up (the webhook has its own). */
  emailAttempts?: number;
  sleep?: Sleep;
}

/**
 * Firing and resolved alerts go to the operators on duty, who handle them (004 Art 6.2); escalations, to the
 * leaders, who direct the centre (004 Art 5). [domain.md §1.2]
 */
export function audienceOf(kind: OutgoingNotification['kind']): Audience {
  return kind === 'escalated' ? 'leaders' : 'operators';
}

/**
 * Sends each notification once per cluster. Every server process hears every alert change (NOTIFY reaches all of
 * them), and leadership of the alert engine can move between the commit and the delivery of a change, so "only the
 * leader sends" could drop or double a change at a hand-over. Instead the process whose insert of the
 * notification's key wins (`notification_delivery`, primary key) sends it, and records how each contact point fared.
 * A process that dies after claiming loses that one notification: at most once, never twice.
 */
export class Notifier {
  private readonly sent: Counter<'channel' | 'audience' | 'outcome'>;
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly o: NotifierOptions) {
    this.sent = new Counter({
      name: 'ioc_notifications_total',
      help: 'Notifications handed to contact points, by channel, audience and outcome (delivered, failed)',
      labelNames: ['channel', 'audience', 'outcome'],
      registers: [o.registry],
    });
  }

  /** Whether any contact point is configured; without one nothing is claimed or sent. */
  get enabled(): boolean {
    return Object.values(this.o.routes).some((r) => r.webhook || (r.emailTo?.length && this.o.email));
  }

  /** Starts sending in the background (retries can take minutes); `idle()` waits for everything started. */
  submit(n: OutgoingNotification): void {
    const job = this.deliver(n).catch((err: unknown) => this.o.logger.error({ err, key: n.key }, 'notification failed'));
    this.inFlight.add(job);
    void job.finally(() => this.inFlight.delete(job));
  }

  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  /** Claims and sends one notification; resolves with the outcomes, or null when another process had claimed it. */
  async deliver(n: OutgoingNotification): Promise<DeliveryOutcome[] | null> {
    const audience = audienceOf(n.kind);
    const route = this.o.routes[audience];
    if (!route.webhook && !(route.emailTo?.length && this.o.email)) return null;
    if (!(await claimNotification(this.o.db, n.key, n.kind, this.o.clock.now()))) return null;
    const jobs: Promise<DeliveryOutcome>[] = [];
    if (route.webhook) jobs.push(this.viaWebhook(route.webhook, audience, n));
    if (route.emailTo?.length && this.o.email) jobs.push(this.viaEmail(this.o.email, route.emailTo, audience, n));
    const outcomes = await Promise.all(jobs);
    await finishNotification(this.o.db, n.key, outcomes, this.o.clock.now());
    return outcomes;
  }

  private async viaWebhook(webhook: Omit<WebhookOptions, 'sleep'>, audience: Audience, n: OutgoingNotification): Promise<DeliveryOutcome> {
    const r = await postWebhook({ ...webhook, sleep: this.o.sleep ?? realSleep }, n.key, { notification: n });
    return this.record(
      { channel: 'webhook', audience, outcome: r.delivered ? 'delivered' : 'failed', attempts: r.attempts, error: r.error },
      n,
    );
  }

  private async viaEmail(email: EmailSender, to: readonly string[], audience: Audience, n: OutgoingNotification): Promise<DeliveryOutcome> {
    const attempts = this.o.emailAttempts ?? 3;
    let error: string | null = null;
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      if (attempt > 1) await (this.o.sleep ?? realSleep)(1000 * 2 ** (attempt - 2));
      try {
        await email.send(to, n);
        return this.record({ channel: 'email', audience, outcome: 'delivered', attempts: attempt, error: null }, n);
      } catch (err) {
        error = (err as Error).message;
      }
    }
    return this.record({ channel: 'email', audience, outcome: 'failed', attempts, error }, n);
  }

  private record(outcome: DeliveryOutcome, n: OutgoingNotification): DeliveryOutcome {
    this.sent.inc({ channel: outcome.channel, audience: outcome.audience, outcome: outcome.outcome });
    const fields = { key: n.key, kind: n.kind, channel: outcome.channel, audience: outcome.audience, attempts: outcome.attempts };
    if (outcome.outcome === 'failed') this.o.logger.error({ ...fields, error: outcome.error }, 'notification not delivered; giving up');
    else this.o.logger.info(fields, 'notification delivered');
    return outcome;
  }
}
