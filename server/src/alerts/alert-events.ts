import type { Db, Queryable } from '@ioc/core';
import type { Logger } from '../logging/logger';
import { AlertChangeSchema, type AlertChange } from '@ioc/core';

/** The NOTIFY channel of alert changes (payload: a JSON array of `AlertChange`). */
export const ALERT_CHANNEL = 'ioc_alerts';
/** NOTIFY refuses payloads of 8000 bytes or more; changes are sent in chunks under this. */
const MAX_PAYLOAD_BYTES = 7_000;

/**
 * Announces `changes` to every process listening on the store, the evaluating one included: queued in the caller's
 * transaction, delivered only if and when it commits, so no process hears of an alert that was not stored.
 */
export async function publishAlertChanges(tx: Queryable, changes: readonly AlertChange[]): Promise<void> {
  const payloads: string[] = [];
  let chunk: string[] = [];
  let bytes = 2;
  const flush = () => {
    if (chunk.length > 0) payloads.push(`[${chunk.join(',')}]`);
    chunk = [];
    bytes = 2;
  };
  for (const change of changes) {
    const json = JSON.stringify(change);
    const size = Buffer.byteLength(json) + 1;
    if (bytes + size > MAX_PAYLOAD_BYTES) flush();
    chunk.push(json);
    bytes += size;
  }
  flush();
  if (payloads.length === 0) return;
  // One round trip for all chunks (thousands of changes when many alerts fire at once); `with ordinality` keeps
  // them in the order written, which is the order NOTIFY delivers them in.
  await tx.query('select pg_notify($1, p.payload) from unnest($2::text[]) with ordinality as p(payload, n) order by p.n', [
    ALERT_CHANNEL,
    payloads,
  ]);
}

export type AlertChangeListener = (change: AlertChange) => void;

/**
 * The one place alert changes come out of: every committed change of an alert (state, severity, silencing, count),
 * whichever process evaluated it, in commit order. The live hub serves these to the rooms of the alert's scope;
 * notifications (part 3) act on `change.notify`.
 */
export class AlertEvents {
  private readonly listeners = new Set<AlertChangeListener>();
  private unlisten: (() => Promise<void>) | null = null;

  private constructor(private readonly logger: Logger) {}

  /** Starts listening on the store; resolves once listening. */
  static async listen(db: Db, logger: Logger): Promise<AlertEvents> {
    const events = new AlertEvents(logger);
    events.unlisten = await db.listen(ALERT_CHANNEL, (payload) => events.onPayload(payload));
    return events;
  }

  /** Calls `listener` with each change; returns the function that stops it. A listener that throws is logged, not fatal. */
  onAlertChange(listener: AlertChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
    await this.unlisten?.();
    this.unlisten = null;
  }

  private onPayload(payload: string): void {
    let items: unknown;
    try {
      items = JSON.parse(payload);
    } catch (err) {
      this.logger.warn({ err }, 'alert change notice is not JSON');
      return;
    }
    for (const item of Array.isArray(items) ? items : [items]) {
      const parsed = AlertChangeSchema.safeParse(item);
      if (!parsed.success) {
        this.logger.warn({ issues: parsed.error.issues }, 'alert change notice refused');
        continue;
      }
      for (const listener of this.listeners) {
        try {
          listener(parsed.data);
        } catch (err) {
          this.logger.error({ err, alertId: parsed.data.alertId }, 'alert change listener failed');
        }
      }
    }
  }
}
