import {
  QuarantineEntryNotFound,
  countQuarantine,
  getQuarantineEntry,
  listQuarantine,
  loadWorkingCalendar,
  sourceSystemKinds,
  waitingQuarantineIds,
  type Clock,
  type Db,
  type QuarantineEntry,
  type QuarantineFilter,
  type WorkingCalendar,
} from '@ioc/core';
import { replayQuarantine, replayersBySource, systemReplayers, type QuarantineReplayer, type QuarantineReplayResult } from '@ioc/ingest';
import { audit, type Actor } from '../audit/audit.service';

/**
 * Quarantine for the admin screen and `ioc quarantine`: list what was refused, and replay it after a schema or
 * source fix. Every replay is audited (`quarantine.replay`) in the transaction that marks its outcome. A record is
 * replayed through the schema and writer of its source's system (dossier, document, project, KPI feed): the kind its
 * connector recorded in `source_health`, else the default source names (`dvc`, `qlvb`, `csdldt`, `kpi`).
 */
export class QuarantineService {
  #calendar: Promise<WorkingCalendar> | null = null;

  constructor(
    private readonly o: {
      db: Db;
      clock: Clock;
      /** Replayers by source name, instead of those of the four systems (tests). */
      replayers?: Readonly<Record<string, QuarantineReplayer>>;
      calendar?: WorkingCalendar;
    },
  ) {}

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

  private async replay(actor: Actor, ids: number[], resource: { kind: string; id: string | number }): Promise<QuarantineReplayResult> {
    const at = this.o.clock.now();
    return replayQuarantine(this.o.db, ids, {
      at,
      replayers: await this.replayers(),
      record: (tx, r) =>
        audit(tx, at, actor, 'quarantine.replay', resource, {
          replayed: r.replayed.length,
          stillFailing: r.stillFailing.length,
          skipped: r.skipped.length,
        }),
    });
  }

  private async replayers(): Promise<Readonly<Record<string, QuarantineReplayer>>> {
    if (this.o.replayers) return this.o.replayers;
    this.#calendar ??= (this.o.calendar ? Promise.resolve(this.o.calendar) : loadWorkingCalendar()).catch((err: unknown) => {
      // Not cached: the next replay tries again.
      this.#calendar = null;
      throw err;
    });
    return replayersBySource(systemReplayers(await this.#calendar), await sourceSystemKinds(this.o.db));
  }
}
