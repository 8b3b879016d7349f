/**
 * Waits for `work`, or rejects with the signal's reason as soon as it aborts, for calls that take no signal (kafkajs).
 * The work itself goes on after an abort; its outcome is then ignored, not left as an unhandled rejection.
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  void work.catch(() => undefined);
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    const settle = () => signal.removeEventListener('abort', onAbort);
    // Both callbacks only settle this promise; nothing can reject the chain they return.
    void work.then(
      (value) => (settle(), resolve(value)),
      (err: unknown) => (settle(), reject(err as Error)),
    );
  });
}
