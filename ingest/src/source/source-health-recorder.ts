import type { Logger } from 'pino';
import { readCheckpoint, recordSourcePull, stampCheckpointSuccess, type Clock, type Db } from '@ioc/core';

/** One pull as the connector saw it: `error` null for an answer (an empty one too), else what failed. */
export interface PullOutcome {
  error: string | null;
  /** The page's items, valid and malformed alike. */
  items?: readonly unknown[];
}

/**
 * Writes a pull's `source_health` row and, on success, stamps the checkpoint's `last_success_at` (what rule SRC-01
 * reads), as the dossier connector does. `system` picks the freshness thresholds (`document`, `project`, `kpi_feed`).
 * The returned function never throws: health is worth a log line, not a stopped pull.
 */
export function sourceHealthRecorder(o: { db: Db; source: string; system: string; clock: Clock; logger: Logger }) {
  return async (pull: PullOutcome): Promise<void> => {
    const at = o.clock.now();
    try {
      // The stored checkpoint, not the pull's own cursor: pages still on the bus are pulled but not yet kept.
      const stored = pull.error === null ? await readCheckpoint(o.db, o.source) : null;
      await recordSourcePull(o.db, {
        source: o.source,
        system: o.system,
        at,
        error: pull.error,
        records: pull.items?.length ?? 0,
        sourceNewestAt: newestOf(pull.items ?? []),
        checkpointAt: stored ? new Date(stored.updatedSince) : null,
      });
      if (pull.error === null) await stampCheckpointSuccess(o.db, o.source, at);
    } catch (err) {
      o.logger.warn({ err }, 'source health not recorded');
    }
  };
}

/** The newest readable `source_updated_at` of a page (a malformed item may still carry one); null when none. */
function newestOf(items: readonly unknown[]): Date | null {
  let newest: number | null = null;
  for (const item of items) {
    if (item === null || typeof item !== 'object') continue;
    const at = (item as Record<string, unknown>).source_updated_at;
    const ms = typeof at === 'string' ? Date.parse(at) : NaN;
    if (!Number.isNaN(ms) && (newest === null || ms > newest)) newest = ms;
  }
  return newest === null ? null : new Date(newest);
}
