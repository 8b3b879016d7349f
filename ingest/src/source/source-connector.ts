import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { readCheckpoint, type Clock, type Db, type VersionedRecord } from '@ioc/core';
import type { Bus, RecordBatch } from '../bus/bus';
import type { RequestRateLimiter } from '../retry/request-rate-limiter';
import { retryWithBackoff } from '../retry/retry-with-backoff';
import { fetchSourcePage } from './fetch-source-page';
import { cursorAfterPage } from './page-cursor';
import { sourceHealthRecorder } from './source-health-recorder';
import { SourceRequestError } from './source-request-error';
import type { SourceSystemSpec } from './source-system-spec';
import { validateSourceItemsInSlices } from './validate-source-items';

/** After a refusal that needs a person (wrong key, wrong URL), ask again this much later: loud, but not hammering. */
const REFUSED_PAUSE_MILLISECONDS = 60_000;

export interface SourceConnectorHealth {
  /** When a page last came back from the source (pipeline freshness, domain.md §3.5). */
  lastSuccessAt: Date | null;
  /** The current failure of the pull or the publish; null once they succeed again. */
  lastError: string | null;
  /** Valid records published (on Kafka: acknowledged by the broker, cursor stored). */
  recordsTotal: number;
  /** Rejected records published on their way to quarantine. */
  quarantinedTotal: number;
}

export interface SourceConnectorEnv<T> {
  db: Db;
  /** The `source_system`: the checkpoint's key and the batches' source. */
  source: string;
  sourceUrl: string;
  apiKey: string;
  pageSize: number;
  pollIntervalMilliseconds: number;
  requestTimeoutMilliseconds: number;
  retry: { baseMilliseconds: number; maxMilliseconds: number };
  /** The source's request budget (per-source rate limit). */
  limiter: RequestRateLimiter;
  bus: Bus<RecordBatch<T>>;
  logger: Logger;
  /** Stamps the health rows (`source_health`); a fake one in tests of freshness. */
  clock: Clock;
  signal: AbortSignal;
}

/**
 * Pulls one source system from the stored checkpoint: page after page while pages come back full, then a pause,
 * forever. Each page is validated and published with the cursor after it. Who stores the cursor depends on the bus:
 * - in-process (not durable): the writer, in the transaction that writes the page, so a crash re-pulls at most what
 *   was not yet written;
 * - Kafka (durable): this loop, right after the broker acknowledged the page. From then on Kafka holds the page until
 *   a writer has committed it, so the source need not be asked again. A crash between the acknowledgement and storing
 *   the cursor re-pulls and re-publishes that page; the writers store the copies as no-ops.
 * Either way a crash loses nothing, and replays change nothing. Every pull, success or failure, lands in
 * `source_health` (GET /api/sources, /metrics). `done` resolves when the signal aborts; it never rejects.
 */
export function launchSourceConnector<T extends VersionedRecord>(
  spec: Pick<SourceSystemSpec<T>, 'label' | 'path' | 'system' | 'schema' | 'write'>,
  o: SourceConnectorEnv<T>,
): { done: Promise<void>; health: () => SourceConnectorHealth } {
  const state: SourceConnectorHealth = { lastSuccessAt: null, lastError: null, recordsTotal: 0, quarantinedTotal: 0 };
  const recordPull = sourceHealthRecorder({
    db: o.db,
    source: o.source,
    system: spec.system ?? spec.label,
    clock: o.clock,
    logger: o.logger,
  });
  const retry = (what: string) => ({
    signal: o.signal,
    ...o.retry,
    isRetryable: () => true,
    onRetry: (err: unknown, attempt: number, delayMilliseconds: number) => {
      const message = err instanceof Error ? err.message : String(err);
      o.logger.warn({ err, attempt, delayMilliseconds, what }, 'source connector step failed, retrying');
      state.lastError = message;
      // The recorder never throws.
      if (what === 'page') void recordPull({ error: message });
    },
  });

  const pull = async () => {
    let cursor = await retryWithBackoff(() => readCheckpoint(o.db, o.source), retry('checkpoint'));
    o.logger.info({ cursor, source: o.source }, 'source connector started');
    while (!o.signal.aborted) {
      let page;
      try {
        page = await retryWithBackoff(
          () =>
            fetchSourcePage({
              sourceUrl: o.sourceUrl,
              apiKey: o.apiKey,
              path: spec.path,
              label: spec.label,
              cursor,
              limit: o.pageSize,
              timeoutMilliseconds: o.requestTimeoutMilliseconds,
              signal: o.signal,
              limiter: o.limiter,
            }),
          {
            ...retry('page'),
            isRetryable: (err) => !(err instanceof SourceRequestError) || err.retryable,
            requestedDelay: (err) => (err instanceof SourceRequestError ? err.retryAfterMilliseconds : undefined),
          },
        );
      } catch (err) {
        if (o.signal.aborted) break;
        // Not retryable: a person must act. Say so loudly and ask again much later, in case they did.
        state.lastError = err instanceof Error ? err.message : String(err);
        o.logger.error({ err, status: err instanceof SourceRequestError ? err.status : null }, 'source refused the request');
        await recordPull({ error: state.lastError });
        await sleep(REFUSED_PAUSE_MILLISECONDS, undefined, { signal: o.signal });
        continue;
      }
      state.lastSuccessAt = o.clock.now();
      state.lastError = null;
      // Every answer counts as a success, an empty one too: a silent source is not a dead one.
      await recordPull({ error: null, items: page.items });
      if (page.items.length > 0) {
        const { records, rejected } = await validateSourceItemsInSlices(spec.schema, page.items);
        const next = cursorAfterPage(page, cursor);
        o.logger.debug({ fetched: page.items.length, rejected: rejected.length, full: page.next !== null }, 'source page pulled');
        const batch: RecordBatch<T> = { source: o.source, records, rejected, cursor: o.bus.durable ? null : next };
        await retryWithBackoff(() => o.bus.publish(batch, o.signal), retry('publish'));
        // No records: this transaction only moves the cursor (and stamps last_success_at).
        if (o.bus.durable) await retryWithBackoff(() => spec.write(o.db, o.source, [], next, []), retry('cursor'));
        cursor = next;
        state.recordsTotal += records.length;
        state.quarantinedTotal += rejected.length;
        state.lastError = null;
      }
      // A full page means more are waiting: go on at once. Otherwise we are caught up.
      if (!page.next) await sleep(o.pollIntervalMilliseconds, undefined, { signal: o.signal });
    }
  };

  const done = pull().catch((err: unknown) => {
    if (o.signal.aborted) return;
    // Every expected failure is retried inside; reaching here is a bug, and the pull has stopped.
    o.logger.error({ err, system: spec.label }, 'source connector stopped unexpectedly');
    state.lastError = `connector stopped: ${err instanceof Error ? err.message : String(err)}`;
  });
  return { done, health: () => ({ ...state }) };
}
