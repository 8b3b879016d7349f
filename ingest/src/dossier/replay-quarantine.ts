import {
  markQuarantineReplayed,
  updateQuarantineReasons,
  waitingQuarantineEntries,
  type Db,
  type QuarantineEntry,
  type Queryable,
} from '@ioc/core';
import { sourceSystemReplayer } from '../source/replay-source-quarantine';
import { DOSSIER_SYSTEM } from './dossier-system';

/** How the records of one kind of source are validated again and written: the same path as a pull. */
export interface QuarantineReplayer {
  /** Valid records keep their index in `items`; the rest come back with today's reason. */
  validate(items: readonly unknown[]): { valid: number[]; rejected: { index: number; reason: string }[] };
  /**
   * Writes the valid payloads (idempotent: an older or equal version changes nothing). Resolves with those the writer
   * refused on what only the store knows (a unit code not valid at the record's date), by index in `items`.
   */
  write(db: Db, source: string, items: readonly unknown[]): Promise<{ refused: { index: number; reason: string }[] } | void>;
}

/** Dossier sources (the dossier system and its simulator). */
export const dossierReplayer: QuarantineReplayer = sourceSystemReplayer(DOSSIER_SYSTEM);

export interface QuarantineReplayResult {
  /** Ids that passed and went through the writer; now marked replayed. */
  replayed: number[];
  /** Ids that still fail, with the reason as the current schema words it. */
  stillFailing: { id: number; reason: string }[];
  /** Ids whose source has no replayer (left as they are). */
  skipped: number[];
}

/**
 * Replays quarantined records: re-validates each stored raw payload with today's schema; those that pass are written
 * through the normal writer path and marked replayed, those that still fail keep waiting with the updated reason.
 * Records already replayed are left alone, so replaying twice changes nothing. `record` runs in the transaction that
 * marks the outcome (the place for the audit row). Crash-safe: the write is idempotent and the marking comes after it.
 */
export async function replayQuarantine(
  db: Db,
  ids: readonly number[],
  o: {
    at: Date;
    replayers: Readonly<Record<string, QuarantineReplayer>>;
    record?: (tx: Queryable, result: QuarantineReplayResult) => Promise<void>;
  },
): Promise<QuarantineReplayResult> {
  const entries = await waitingQuarantineEntries(db, ids);
  const bySource = new Map<string, QuarantineEntry[]>();
  for (const e of entries) bySource.set(e.source, [...(bySource.get(e.source) ?? []), e]);
  const result: QuarantineReplayResult = { replayed: [], stillFailing: [], skipped: [] };
  for (const [source, group] of bySource) {
    const replayer = o.replayers[source];
    if (!replayer) {
      result.skipped.push(...group.map((e) => e.id));
      continue;
    }
    const raws = group.map((e) => e.raw);
    const { valid, rejected } = replayer.validate(raws);
    const written =
      valid.length > 0
        ? await replayer.write(
            db,
            source,
            valid.map((i) => raws[i]),
          )
        : undefined;
    // Refused by the writer (a unit code still not valid at the record's date): still waiting, with the writer's reason.
    const refused = new Map((written?.refused ?? []).map((r) => [valid[r.index]!, r.reason]));
    result.replayed.push(...valid.filter((i) => !refused.has(i)).map((i) => group[i]!.id));
    result.stillFailing.push(...rejected.map((r) => ({ id: group[r.index]!.id, reason: r.reason })));
    result.stillFailing.push(...[...refused].map(([i, reason]) => ({ id: group[i]!.id, reason })));
  }
  await db.transaction(async (tx) => {
    await markQuarantineReplayed(tx, result.replayed, o.at);
    await updateQuarantineReasons(tx, result.stillFailing);
    await o.record?.(tx, result);
  });
  return result;
}
