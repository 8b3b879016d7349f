import { setTimeout as sleep } from 'node:timers/promises';

/**
 * What the limiter measures and waits with. Not the pipeline's `Clock`: that one is the data's time, which tests
 * freeze or move by hours, while a source's request budget is spent in elapsed time. Tests inject a fake one.
 */
export interface RateTimer {
  /** Milliseconds on a monotonic scale. */
  now(): number;
  /** Resolves after `milliseconds`; rejects with the signal's reason when it aborts first. */
  sleep(milliseconds: number, signal: AbortSignal): Promise<void>;
}

export const realRateTimer: RateTimer = {
  now: () => performance.now(),
  // timers/promises rejects with its own AbortError; callers expect the signal's reason, as everywhere in ingest.
  sleep: (milliseconds, signal) =>
    sleep(milliseconds, undefined, { signal }).catch((err: unknown) => {
      throw signal.aborted ? signal.reason : err;
    }),
};

export interface RequestRateLimiterOptions {
  /** Requests allowed per second on average, e.g. 5. */
  requestsPerSecond: number;
  /** Requests that may go at once after a quiet spell (default 1: every request waits its turn). */
  burst?: number;
  timer?: RateTimer;
}

/**
 * A token bucket for the requests to one source system, so that a backlog catch-up, a poll every few milliseconds or
 * a retry storm never asks a provincial API more often than agreed. Each request takes a token; tokens come back at
 * `requestsPerSecond`, at most `burst` are kept.
 */
export class RequestRateLimiter {
  readonly #perMillisecond: number;
  readonly #burst: number;
  readonly #timer: RateTimer;
  #tokens: number;
  #updatedAt: number;

  constructor(o: RequestRateLimiterOptions) {
    const burst = o.burst ?? 1;
    if (!(o.requestsPerSecond > 0 && Number.isFinite(o.requestsPerSecond)))
      throw new Error(`requests per second must be a positive number, got ${o.requestsPerSecond}`);
    if (!Number.isInteger(burst) || burst < 1) throw new Error(`burst must be a positive integer, got ${burst}`);
    this.#perMillisecond = o.requestsPerSecond / 1000;
    this.#burst = burst;
    this.#timer = o.timer ?? realRateTimer;
    this.#tokens = burst;
    this.#updatedAt = this.#timer.now();
  }

  /** Resolves when a request may go (and counts it); rejects with the signal's reason when it aborts first. */
  async take(signal: AbortSignal): Promise<void> {
    for (;;) {
      signal.throwIfAborted();
      const now = this.#timer.now();
      this.#tokens = Math.min(this.#burst, this.#tokens + (now - this.#updatedAt) * this.#perMillisecond);
      this.#updatedAt = now;
      // Within rounding of a whole token: 200 ms × 0.005 per ms may come out a hair below 1.
      if (this.#tokens >= 1 - 1e-9) {
        this.#tokens = Math.max(0, this.#tokens - 1);
        return;
      }
      // Checked again after the wait: another caller of the same source may have taken the token meanwhile.
      await this.#timer.sleep(Math.ceil((1 - this.#tokens) / this.#perMillisecond), signal);
    }
  }
}
