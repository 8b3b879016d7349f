import { describe, expect, it } from 'vitest';
import { RequestRateLimiter, type RateTimer } from './request-rate-limiter';

/** Time that moves only when someone waits: each sleep advances it by exactly the wait. */
function fakeTimer(): RateTimer & { waits: number[] } {
  let now = 1_000_000;
  const waits: number[] = [];
  return {
    waits,
    now: () => now,
    sleep: (milliseconds, signal) => {
      signal.throwIfAborted();
      waits.push(milliseconds);
      now += milliseconds;
      return Promise.resolve();
    },
  };
}

/** Takes `n` tokens one after the other; returns when each was granted, relative to the start. */
async function grantTimes(limiter: RequestRateLimiter, timer: RateTimer, n: number): Promise<number[]> {
  const start = timer.now();
  const times: number[] = [];
  for (let i = 0; i < n; i += 1) {
    await limiter.take(new AbortController().signal);
    times.push(timer.now() - start);
  }
  return times;
}

describe('RequestRateLimiter', () => {
  it('spreads 10 back-to-back requests at 5 per second 200 ms apart: 5 in the first second, not 10', async () => {
    const timer = fakeTimer();
    const times = await grantTimes(new RequestRateLimiter({ requestsPerSecond: 5, timer }), timer, 10);
    expect(times).toEqual([0, 200, 400, 600, 800, 1000, 1200, 1400, 1600, 1800]);
    expect(times.filter((t) => t < 1000)).toHaveLength(5);
  });

  it('lets a burst go at once after a quiet spell, then returns to the rate', async () => {
    const timer = fakeTimer();
    const limiter = new RequestRateLimiter({ requestsPerSecond: 5, burst: 3, timer });
    expect(await grantTimes(limiter, timer, 5)).toEqual([0, 0, 0, 200, 400]);
    // Quiet for ten seconds: the bucket refills to its burst, no further.
    await timer.sleep(10_000, new AbortController().signal);
    expect(await grantTimes(limiter, timer, 5)).toEqual([0, 0, 0, 200, 400]);
  });

  it('keeps a slow caller at its own pace: no waiting when requests are further apart than the rate', async () => {
    const timer = fakeTimer();
    const limiter = new RequestRateLimiter({ requestsPerSecond: 5, timer });
    for (let i = 0; i < 4; i += 1) {
      await limiter.take(new AbortController().signal);
      await timer.sleep(300, new AbortController().signal);
    }
    expect(timer.waits).toEqual([300, 300, 300, 300]);
  });

  it('rejects with the signal reason when aborted before or while waiting', async () => {
    const timer = fakeTimer();
    const limiter = new RequestRateLimiter({ requestsPerSecond: 1, timer });
    const stopped = new AbortController();
    stopped.abort(new Error('stopped'));
    await expect(limiter.take(stopped.signal)).rejects.toThrow('stopped');

    const real = new RequestRateLimiter({ requestsPerSecond: 0.001 });
    await real.take(new AbortController().signal);
    const during = new AbortController();
    const waiting = real.take(during.signal);
    during.abort(new Error('stopped while waiting'));
    await expect(waiting).rejects.toThrow('stopped while waiting');
  });

  it('refuses a rate or burst that is not positive', () => {
    expect(() => new RequestRateLimiter({ requestsPerSecond: 0 })).toThrow(/positive/);
    expect(() => new RequestRateLimiter({ requestsPerSecond: 5, burst: 0 })).toThrow(/positive integer/);
  });
});
