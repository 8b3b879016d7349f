import type { Bus } from './bus';

/** A bounded in-memory queue with one consumer: the bus of the embedded, single-process deployment. */
export class InProcessBus<T> implements Bus<T> {
  /** A queued message dies with the process: its cursor must be stored with its data, not at publish. */
  readonly durable = false;
  readonly #capacity: number;
  readonly #queue: T[] = [];
  readonly #waiters = new Set<() => void>();
  #consuming = false;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`bus capacity must be a positive integer, got ${capacity}`);
    this.#capacity = capacity;
  }

  /** Messages waiting for the consumer. */
  get size(): number {
    return this.#queue.length;
  }

  async publish(message: T, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    while (this.#queue.length >= this.#capacity) await this.#nextChange(signal);
    this.#queue.push(message);
    this.#notify();
  }

  async consume(handler: (message: T, signal: AbortSignal) => Promise<void>, signal: AbortSignal): Promise<void> {
    if (this.#consuming) throw new Error('an in-process bus has one consumer');
    this.#consuming = true;
    try {
      while (!signal.aborted) {
        if (this.#queue.length === 0) {
          await this.#nextChange(signal).catch(() => undefined);
          continue;
        }
        const message = this.#queue.shift() as T;
        this.#notify();
        try {
          await handler(message, signal);
        } catch (err) {
          if (signal.aborted) return;
          throw err;
        }
      }
    } finally {
      this.#consuming = false;
    }
  }

  /** Resolves at the next publish or take; rejects with the signal's reason when it aborts first. */
  #nextChange(signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason as Error);
      const onAbort = () => {
        this.#waiters.delete(wake);
        reject(signal!.reason as Error);
      };
      const wake = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      this.#waiters.add(wake);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  #notify(): void {
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const wake of waiters) wake();
  }
}
