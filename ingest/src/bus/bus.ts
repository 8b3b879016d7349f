import type { Dossier, RejectedRecord, SourceCursor } from '@ioc/core';

/**
 * What a connector hands to the writer for one pulled page of a versioned source: the records that passed validation,
 * the ones that did not (for quarantine), and the cursor after both. On a bus that is not `durable` the cursor travels
 * with the page and is committed with its data; on a durable one the connector has stored it already and the writer
 * gets null.
 */
export interface RecordBatch<T> {
  source: string;
  records: T[];
  rejected: RejectedRecord[];
  cursor: SourceCursor | null;
}

/** A page of the dossier system: the `SourceBatch` of the bus contract (core/src/contracts/bus.ts), with its rejects. */
export type DossierBatch = RecordBatch<Dossier>;

/**
 * The pipe between connectors and writers: the in-process queue (embedded default) or Kafka (scale-out). Both are
 * bounded (publishers wait, nothing is dropped), keep one entity's updates in order, and count a message as done only
 * once its handler resolved; a message not done is delivered again (Kafka), or pulled again from the source because
 * its cursor was not stored (in-process).
 */
export interface Bus<T> {
  /**
   * Whether a resolved `publish` survives a crash of this process (Kafka, acks from all in-sync replicas). Then the
   * publisher may store its source cursor at once; otherwise the cursor must travel with the message and be stored
   * together with the message's data.
   */
  readonly durable: boolean;
  /** Resolves once the message is accepted; waits while the bus is full. Rejects with the signal's reason on abort. */
  publish(message: T, signal?: AbortSignal): Promise<void>;
  /**
   * Hands messages to `handler`, waiting for each to settle; one entity's messages arrive in publish order. The
   * handler's signal aborts when `signal` does, or when the message was taken away (a Kafka rebalance gave its
   * partition to another writer): the handler should then give up, and the message is not done. Resolves when
   * `signal` aborts (after the running handler settles); rejects if the handler fails for any other reason.
   */
  consume(handler: (message: T, signal: AbortSignal) => Promise<void>, signal: AbortSignal): Promise<void>;
}
