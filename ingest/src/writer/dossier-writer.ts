import type { Logger } from 'pino';
import { writeDossierBatch, type Db, type DossierWriteResult } from '@ioc/core';
import type { Bus, DossierBatch } from '../bus/bus';
import { retryWithBackoff } from '../retry/retry-with-backoff';

export interface DossierWriterOptions {
  db: Db;
  bus: Bus<DossierBatch>;
  logger: Logger;
  signal: AbortSignal;
  retry: { baseMilliseconds: number; maxMilliseconds: number };
  onWritten(batch: DossierBatch, result: DossierWriteResult): void;
  /** A write failed and will be retried; `message` is the store's error. */
  onError(message: string): void;
}

/**
 * Writes each batch from the bus in one transaction (state, history, rollups, quarantine, and the cursor when it
 * travels with the batch). A failed write is retried with backoff until it succeeds: a batch is never skipped, and
 * retrying is safe because the write is idempotent. When the bus takes the batch back (stop, or a Kafka rebalance)
 * the retrying ends with the batch unwritten and not done: Kafka delivers it again, and without Kafka its cursor was
 * not stored, so the next start pulls it again. Resolves when the signal aborts.
 */
export function runDossierWriter(o: DossierWriterOptions): Promise<void> {
  return o.bus.consume(async (batch, signal) => {
    const result = await retryWithBackoff(() => writeDossierBatch(o.db, batch.source, batch.records, batch.cursor, batch.rejected), {
      signal,
      ...o.retry,
      isRetryable: () => true,
      onRetry: (err, attempt, delayMilliseconds) => {
        o.logger.error({ err, attempt, delayMilliseconds, records: batch.records.length }, 'batch write failed, retrying');
        o.onError(err instanceof Error ? err.message : String(err));
      },
    });
    // A routine batch every poll would drown the log; a quarantined record is something a person must look at.
    // Refused: valid records whose unit code names no unit on their date, quarantined by the write itself.
    const quarantined = batch.rejected.length + result.refused;
    const level = quarantined > 0 ? 'warn' : 'debug';
    o.logger[level]({ accepted: result.accepted, unchanged: result.unchanged, quarantined, refused: result.refused }, 'batch written');
    o.onWritten(batch, result);
  }, o.signal);
}
