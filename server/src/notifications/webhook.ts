import { createHmac } from 'node:crypto';

/** Waits `ms`; injected so that tests observe the backoff instead of sleeping through it. */
export type Sleep = (ms: number) => Promise<void>;
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export interface WebhookOptions {
  url: string;
  secret: string;
  /** Tries in all, the first included (IOC_NOTIFY_WEBHOOK_ATTEMPTS). */
  attempts: number;
  /** First backoff; each retry doubles it, up to `maxDelayMilliseconds`, then adds up to 50 % jitter. */
  baseDelayMilliseconds?: number;
  maxDelayMilliseconds?: number;
  /** Per attempt: a receiver that does not answer in time counts as a failed try. */
  timeoutMilliseconds?: number;
  sleep?: Sleep;
  /** Seconds since the epoch for the timestamp header. */
  nowSeconds?: () => number;
  random?: () => number;
}

export interface WebhookResult {
  delivered: boolean;
  attempts: number;
  /** The last failure: `HTTP 503`, `timeout`, `ECONNREFUSED`…; null when delivered. */
  error: string | null;
}

/**
 * `X-IOC-Signature: sha256=<hex>` is the HMAC-SHA256, keyed with the shared secret, of `<timestamp>.<body>`, where
 * `<timestamp>` is `X-IOC-Timestamp` (Unix seconds). Signing the timestamp with the body lets a receiver refuse a
 * replayed delivery (e.g. older than 5 minutes) without trusting an unsigned header.
 */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** Retry a 5xx, a 408, a 429, a timeout or a network failure; any other answer is final. */
const retryable = (status: number) => status >= 500 || status === 408 || status === 429;

/**
 * POSTs `payload` as JSON, signed, retrying with exponential backoff and jitter. Never throws: the outcome, and
 * after the last failed attempt the reason, is in the result. `deliveryId` goes out as `X-IOC-Delivery` on every
 * attempt, so a receiver can drop a retry of a delivery it already took (the answer may have been lost).
 */
export async function postWebhook(o: WebhookOptions, deliveryId: string, payload: unknown): Promise<WebhookResult> {
  const body = JSON.stringify(payload);
  const sleep = o.sleep ?? realSleep;
  const base = o.baseDelayMilliseconds ?? 1000;
  const max = o.maxDelayMilliseconds ?? 60_000;
  const random = o.random ?? Math.random;
  let error: string | null = null;
  for (let attempt = 1; attempt <= o.attempts; attempt += 1) {
    if (attempt > 1) {
      const backoff = Math.min(max, base * 2 ** (attempt - 2));
      await sleep(Math.round(backoff + backoff * 0.5 * random()));
    }
    const timestamp = String(Math.floor(o.nowSeconds?.() ?? Date.now() / 1000));
    try {
      const res = await fetch(o.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'x-ioc-delivery': deliveryId,
          'x-ioc-timestamp': timestamp,
          'x-ioc-signature': webhookSignature(o.secret, timestamp, body),
        },
        body,
        signal: AbortSignal.timeout(o.timeoutMilliseconds ?? 10_000),
        redirect: 'error',
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) return { delivered: true, attempts: attempt, error: null };
      error = `HTTP ${res.status}`;
      if (!retryable(res.status)) return { delivered: false, attempts: attempt, error };
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      error = e.name === 'TimeoutError' ? 'timeout' : (e.cause?.code ?? e.message);
    }
  }
  return { delivered: false, attempts: o.attempts, error };
}
