import type { Logger } from 'pino';
import type { Clock, Db, VersionedRecord } from '@ioc/core';
import type { Bus, RecordBatch } from '../bus/bus';
import { retryWithBackoff } from '../retry/retry-with-backoff';
import type { SourceSystemSpec } from '../source/source-system-spec';

export interface RecordWriterHealth {
  /** When a batch was last committed to the store. */
  lastWriteAt: Date | null;
  /** The current failure of a write or of the bus; null once writing succeeds again. */
  lastError: string | null;
  /** Valid records handed to the store (new versions and replays alike). */
  recordsTotal: number;
  /** Records sent to quarantine: rejected by validation, or refused by the store. */
  quarantinedTotal: number;
}

export interface RecordWriterEnv<T> {
  db: Db;
  bus: Bus<RecordBatch<T>>;
  logger: Logger;
  clock: Clock;
  signal: AbortSignal;
  retry: { baseMilliseconds: number; maxMilliseconds: number };
  /** Whether a failed bus (a lost broker, a crashed consumer) is joined again; false ends the loop, logged. */
  rejoin: boolean;
}

/**
 * Writes each batch from the bus with the system's `write`, in one transaction (state, history, rollups, quarantine,
 * and the cursor when it travels with the batch). A failed write is retried with backoff until it succeeds: a batch is
 * never skipped, and retrying is safe because the write is idempotent. When the bus takes the batch back (stop, or a
 * Kafka rebalance) the retrying ends with the batch unwritten and not done: Kafka delivers it again, and without Kafka
 * its cursor was not stored, so the next start pulls it again. `done` resolves when the signal aborts, or when the
 * loop ended on a bus failure without `rejoin` (logged, and shown in `health()`); it never rejects.
 */
export function launchRecordWriter<T extends VersionedRecord>(
  spec: Pick<SourceSystemSpec<T>, 'label' | 'write'>,
  env: RecordWriterEnv<T>,
): { done: Promise<void>; health: () => RecordWriterHealth } {
  const state: RecordWriterHealth = { lastWriteAt: null, lastError: null, recordsTotal: 0, quarantinedTotal: 0 };
  const run = () =>
    env.bus.consume(async (batch, signal) => {
      const result = await retryWithBackoff(() => spec.write(env.db, batch.source, batch.records, batch.cursor, batch.rejected), {
        signal,
        ...env.retry,
        isRetryable: () => true,
        onRetry: (err, attempt, delayMilliseconds) => {
          env.logger.error({ err, attempt, delayMilliseconds, records: batch.records.length }, 'batch write failed, retrying');
          state.lastError = err instanceof Error ? err.message : String(err);
        },
      });
      // Refused: valid records whose unit code names no unit on their date, quarantined by the write itself.
      const refused = result.refused ?? 0;
      const quarantined = batch.rejected.length + refused;
      state.recordsTotal += batch.records.length;
      state.quarantinedTotal += quarantined;
      state.lastWriteAt = env.clock.now();
      state.lastError = null;
      // A routine batch every poll would drown the log; a quarantined record is something a person must look at.
      const level = quarantined > 0 ? 'warn' : 'debug';
      env.logger[level]({ accepted: result.accepted, unchanged: result.unchanged, quarantined, refused }, 'batch written');
    }, env.signal);
  const looping = env.rejoin
    ? retryWithBackoff(run, {
        signal: env.signal,
        ...env.retry,
        isRetryable: () => true,
        onRetry: (err, attempt, delayMilliseconds) => {
          // Nothing is lost: what was not committed is delivered again, to this writer or another.
          env.logger.error({ err, attempt, delayMilliseconds, system: spec.label }, 'record writer lost the bus, joining again');
          state.lastError = `bus: ${err instanceof Error ? err.message : String(err)}`;
        },
      })
    : run();
  const done = looping.catch((err: unknown) => {
    if (env.signal.aborted) return;
    // Without Kafka the batch in hand is gone and its cursor with it: stopping is the only safe thing left.
    env.logger.error({ err, system: spec.label }, 'record writer stopped unexpectedly');
    state.lastError = `writer stopped: ${err instanceof Error ? err.message : String(err)}`;
  });
  return { done, health: () => ({ ...state }) };
}
