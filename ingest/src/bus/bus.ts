import type { RejectedRecord, SourceBatch } from '@ioc/core';

/**
 * What a connector hands to the writer for one pulled page: the records that passed validation, the ones that did
 * not (for quarantine), and the cursor after both, to be committed with them.
 */
export interface DossierBatch extends SourceBatch {
  rejected: RejectedRecord[];
}

/**
 * The pipe between connectors and writers. The in-process one is the embedded default; a Kafka one will honour the
 * same contract: bounded (publishers wait, nothing is dropped), in order, and a message counts as done only once its
 * handler resolved.
 */
export interface Bus<T> {
  /** Resolves once the message is queued; waits while the bus is full. Rejects with the signal's reason on abort. */
  publish(message: T, signal?: AbortSignal): Promise<void>;
  /**
   * Hands messages to `handler` one at a time, in publish order, waiting for each to settle. Resolves when `signal`
   * aborts (after the running handler settles); rejects if the handler fails for any other reason.
   */
  consume(handler: (message: T) => Promise<void>, signal: AbortSignal): Promise<void>;
}
