import {
  QuarantineEntryNotFound,
  countQuarantine,
  getQuarantineEntry,
  listQuarantine,
  waitingQuarantineIds,
  type Clock,
  type Db,
  type QuarantineEntry,
  type QuarantineFilter,
} from '@ioc/core';
import { dossierReplayer, replayQuarantine, type QuarantineReplayer, type QuarantineReplayResult } from '@ioc/ingest';
import { audit, type Actor } from '../audit/audit.service';

/** Source systems whose quarantined records can be replayed, and how (default: the dossier source `dvc`). */
export const DEFAULT_REPLAYERS: Readonly<Record<string, QuarantineReplayer>> = { dvc: dossierReplayer };

/**
 * Quarantine for the admin screen and `ioc quarantine`: list what was refused, and replay it after a schema or
 * source fix. Every replay is audited (`quarantine.replay`) in the transaction that marks its outcome.
 */
export class QuarantineService {
  constructor(private readonly o: { db: Db; clock: Clock; replayers?: Readonly<Record<string, QuarantineReplayer>> }) {}

  async list(filter: QuarantineFilter): Promise<{ items: QuarantineEntry[]; total: number }> {
    const [items, total] = await Promise.all([listQuarantine(this.o.db, filter), countQuarantine(this.o.db, filter)]);
    return { items, total };
  }

  /** Replays one record; 404 `quarantine.notFound` when there is none with that id. Already replayed: nothing happens. */
  async replayOne(actor: Actor, id: number): Promise<QuarantineReplayResult> {
    if (!(await getQuarantineEntry(this.o.db, id))) throw QuarantineEntryNotFound.create({ id });
    return this.replay(actor, [id], { kind: 'quarantine', id });
  }

  /** Replays every waiting record of a source (none waiting: an empty result). */
  async replaySource(actor: Actor, source: string): Promise<QuarantineReplayResult> {
    return this.replay(actor, await waitingQuarantineIds(this.o.db, source), { kind: 'quarantine_source', id: source });
  }

  private replay(actor: Actor, ids: number[], resource: { kind: string; id: string | number }): Promise<QuarantineReplayResult> {
    const at = this.o.clock.now();
    return replayQuarantine(this.o.db, ids, {
      at,
      replayers: this.o.replayers ?? DEFAULT_REPLAYERS,
      record: (tx, r) =>
        audit(tx, at, actor, 'quarantine.replay', resource, {
          replayed: r.replayed.length,
          stillFailing: r.stillFailing.length,
          skipped: r.skipped.length,
        }),
    });
  }
}
