import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import {
  readCheckpoint,
  recordSourcePull,
  stampCheckpointSuccess,
  writeDossierBatch,
  type Checkpoint,
  type Clock,
  type Db,
} from '@ioc/core';
import type { Bus, DossierBatch } from '../bus/bus';
import type { RequestRateLimiter } from '../retry/request-rate-limiter';
import { retryWithBackoff } from '../retry/retry-with-backoff';
import { fetchDossierPage, SourceRequestError } from './fetch-dossier-page';
import { validateDossierItems } from './validate-dossier-items';

/** After a refusal that needs a person (wrong key, wrong URL), ask again this much later: loud, but not hammering. */
const REFUSED_PAUSE_MILLISECONDS = 60_000;
/** The cursor that means "from the beginning": every record sorts after it. */
const BEGINNING: Checkpoint = { updatedSince: new Date(0).toISOString(), afterId: '' };

export interface DossierConnectorOptions {
  db: Db;
  sourceSystem: string;
  sourceUrl: string;
  apiKey: string;
  pageSize: number;
  pollIntervalMilliseconds: number;
  requestTimeoutMilliseconds: number;
  retry: { baseMilliseconds: number; maxMilliseconds: number };
  /** The source's request budget (per-source rate limit); none: unlimited. */
  limiter?: RequestRateLimiter;
  bus: Bus<DossierBatch>;
  logger: Logger;
  /** Stamps the health rows (`source_health`); a fake one in tests of freshness. */
  clock: Clock;
  signal: AbortSignal;
  /** A page came back (even an empty one): the source is reachable and answering. */
  onPulled(): void;
  /** A page was handed to the bus (on a durable bus: and its cursor stored). */
  onPublished?(batch: DossierBatch): void;
  /** The pull is failing; `message` is safe to show (no key, no record content). */
  onError(message: string): void;
}

/**
 * Pulls the dossier system from the stored checkpoint: page after page while pages come back full, then a pause,
 * forever. Each page is validated and published with the cursor after it. Who stores the cursor depends on the bus:
 * - in-process (not durable): the writer, in the transaction that writes the page, so a crash re-pulls at most what
 *   was not yet written;
 * - Kafka (durable): this loop, right after the broker acknowledged the page. From then on Kafka holds the page until
 *   a writer has committed it, so the source need not be asked again. A crash between the acknowledgement and storing
 *   the cursor re-pulls and re-publishes that page; the writers store the copies as no-ops.
 * Either way a crash loses nothing, and replays change nothing. Resolves when the signal aborts.
 */
export async function runDossierConnector(o: DossierConnectorOptions): Promise<void> {
  const health = healthRecorder(o);
  const retry = (what: string) => ({
    signal: o.signal,
    ...o.retry,
    onRetry: (err: unknown, attempt: number, delayMilliseconds: number) => {
      const message = err instanceof Error ? err.message : String(err);
      o.logger.warn({ err, attempt, delayMilliseconds, what }, 'dossier connector step failed, retrying');
      o.onError(message);
      // The recorder never throws.
      if (what === 'page') void health({ error: message });
    },
  });
  try {
    let cursor = await retryWithBackoff(() => readCheckpoint(o.db, o.sourceSystem), { ...retry('checkpoint'), isRetryable: () => true });
    o.logger.info({ cursor }, 'dossier connector started');
    while (!o.signal.aborted) {
      let page;
      try {
        page = await retryWithBackoff(
          () =>
            fetchDossierPage({
              sourceUrl: o.sourceUrl,
              apiKey: o.apiKey,
              cursor,
              limit: o.pageSize,
              timeoutMilliseconds: o.requestTimeoutMilliseconds,
              signal: o.signal,
              ...(o.limiter ? { limiter: o.limiter } : {}),
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
        const message = err instanceof Error ? err.message : String(err);
        o.logger.error({ err, status: err instanceof SourceRequestError ? err.status : null }, 'dossier source refused the request');
        o.onError(message);
        await health({ error: message });
        await sleep(REFUSED_PAUSE_MILLISECONDS, undefined, { signal: o.signal });
        continue;
      }
      o.onPulled();
      // Every answer counts as a success, an empty one too: a silent source is not a dead one.
      await health({ error: null, records: page.items.length, sourceNewestAt: newestOf(page.items) });
      if (page.items.length > 0) {
        const { records, rejected } = validateDossierItems(page.items);
        const next: Checkpoint = page.next
          ? { updatedSince: page.next.updated_since, afterId: page.next.after_id }
          : (furthest(cursor, furthestItem(page.items)) ?? BEGINNING);
        o.logger.debug({ fetched: page.items.length, rejected: rejected.length, full: page.next !== null }, 'dossier page pulled');
        const batch: DossierBatch = { source: o.sourceSystem, records, rejected, cursor: next };
        await retryWithBackoff(() => o.bus.publish(batch, o.signal), { ...retry('publish'), isRetryable: () => true });
        if (o.bus.durable)
          // No records: this transaction only moves the cursor (and stamps last_success_at).
          await retryWithBackoff(() => writeDossierBatch(o.db, o.sourceSystem, [], next), { ...retry('cursor'), isRetryable: () => true });
        cursor = next;
        o.onPublished?.(batch);
      }
      // A full page means more are waiting: go on at once. Otherwise we are caught up.
      if (!page.next) await sleep(o.pollIntervalMilliseconds, undefined, { signal: o.signal });
    }
  } catch (err) {
    if (!o.signal.aborted) throw err;
  }
}

/**
 * Writes the pull's health row and stamps the checkpoint's `last_success_at` (what rule SRC-01 reads) on success.
 * Never throws: health is worth a log line, not a stopped pull.
 */
function healthRecorder(o: DossierConnectorOptions) {
  return async (pull: { error: string | null; records?: number; sourceNewestAt?: Date | null }) => {
    const at = o.clock.now();
    try {
      // The stored checkpoint, not the pull's own cursor: pages still on the bus are pulled but not yet kept.
      const stored = pull.error === null ? await readCheckpoint(o.db, o.sourceSystem) : null;
      await recordSourcePull(o.db, {
        source: o.sourceSystem,
        system: 'dossier',
        at,
        error: pull.error,
        records: pull.records ?? 0,
        sourceNewestAt: pull.sourceNewestAt ?? null,
        checkpointAt: stored ? new Date(stored.updatedSince) : null,
      });
      if (pull.error === null) await stampCheckpointSuccess(o.db, o.sourceSystem, at);
    } catch (err) {
      o.logger.warn({ err }, 'source health not recorded');
    }
  };
}

/** A record's (source_updated_at, source_id) when both can be read: a malformed record may still carry them. */
function positionOf(item: unknown): Checkpoint | null {
  if (item === null || typeof item !== 'object') return null;
  const { source_updated_at: at, source_id: id } = item as Record<string, unknown>;
  if (typeof at === 'string' && typeof id === 'string' && id.length > 0 && !Number.isNaN(Date.parse(at)))
    return { updatedSince: at, afterId: id };
  return null;
}

/** The later of two cursors (by instant, then id); null only when both are. */
function furthest(a: Checkpoint | null, b: Checkpoint | null): Checkpoint | null {
  if (!a || !b) return a ?? b;
  const d = Date.parse(a.updatedSince) - Date.parse(b.updatedSince);
  return d > 0 || (d === 0 && a.afterId >= b.afterId) ? a : b;
}

/**
 * The source gives `next` only for a full page; after a shorter one the cursor is the furthest item's own position.
 * Not simply the last item's: a source that serves a late, older version after a newer one would move the cursor
 * backwards, and the same page would come back forever.
 */
function furthestItem(items: readonly unknown[]): Checkpoint | null {
  return items.reduce<Checkpoint | null>((acc, item) => furthest(acc, positionOf(item)), null);
}

function newestOf(items: readonly unknown[]): Date | null {
  const c = furthestItem(items);
  return c ? new Date(c.updatedSince) : null;
}
