import { setTimeout as sleep } from 'node:timers/promises';

export interface RetryOptions {
  signal: AbortSignal;
  /** First delay cap; doubles per attempt up to `maxMilliseconds`. */
  baseMilliseconds: number;
  maxMilliseconds: number;
  /** Whether this error is worth another try; a false stops at once and rethrows. */
  isRetryable(err: unknown): boolean;
  /** A delay the other side asked for (e.g. `Retry-After`), used instead of the computed one. */
  requestedDelay?(err: unknown): number | undefined;
  /** Called before each wait: the place to log and record the error. */
  onRetry(err: unknown, attempt: number, delayMilliseconds: number): void;
  /** Uniform in [0, 1); injectable so tests can pin the jitter. */
  random?: () => number;
}

/**
 * "Full jitter" exponential backoff: a random wait in [0, min(max, base × 2^attempt)). Many clients that failed
 * together then come back spread out instead of in one wave.
 */
export function backoffDelay(attempt: number, base: number, max: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(max, base * 2 ** Math.min(attempt, 30)));
}

/**
 * Runs `fn` until it succeeds, a non-retryable error occurs (rethrown), or the signal aborts (rejects with its
 * reason). There is no attempt limit: a source or store that is down is waited for, with the error reported each time.
 */
export async function retryWithBackoff<T>(fn: (attempt: number) => Promise<T>, o: RetryOptions): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    o.signal.throwIfAborted();
    try {
      return await fn(attempt);
    } catch (err) {
      if (o.signal.aborted) throw o.signal.reason;
      if (!o.isRetryable(err)) throw err;
      const delay = o.requestedDelay?.(err) ?? backoffDelay(attempt, o.baseMilliseconds, o.maxMilliseconds, o.random);
      o.onRetry(err, attempt, delay);
      await sleep(delay, undefined, { signal: o.signal });
    }
  }
}
