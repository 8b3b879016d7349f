import { setTimeout as sleep } from 'node:timers/promises';

export type Outcome = { ok: true } | { ok: false; lost: unknown } | { ok: false; error: unknown };

/**
 * Runs `work` while sending a consumer-group heartbeat every `intervalMilliseconds`: kafkajs beats only between
 * batches, so a slow write, or a write retried through a database outage, would otherwise look like a dead writer and
 * lose its partitions mid-batch. A failed heartbeat (the group is rebalancing, this member was dropped) means the
 * batch may now belong to another writer: `work`'s signal aborts and the outcome is `lost`, with the heartbeat's error.
 * `work`'s signal also aborts with `stopping`. Never rejects.
 */
export async function whileHeartbeating(
  heartbeat: () => Promise<void>,
  intervalMilliseconds: number,
  stopping: AbortSignal,
  work: (signal: AbortSignal) => Promise<void>,
): Promise<Outcome> {
  const lost = new AbortController();
  const done = new AbortController();
  const beats = (async () => {
    while (!done.signal.aborted) {
      try {
        await sleep(intervalMilliseconds, undefined, { signal: done.signal });
        await heartbeat();
      } catch (err) {
        if (!done.signal.aborted) lost.abort(err);
        return;
      }
    }
  })();
  try {
    await work(AbortSignal.any([stopping, lost.signal]));
    return { ok: true };
  } catch (err) {
    return lost.signal.aborted ? { ok: false, lost: lost.signal.reason } : { ok: false, error: err };
  } finally {
    done.abort();
    await beats;
  }
}
