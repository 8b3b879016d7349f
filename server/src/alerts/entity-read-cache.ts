import {
  documentReadPlan,
  dossierReadPlan,
  projectReadPlan,
  readSlaDocuments,
  readSlaDossiers,
  readSlaProjects,
  type AlertRule,
  type Db,
  type SlaDocument,
  type SlaDossier,
  type SlaProject,
  type WorkingCalendar,
} from '@ioc/core';

/** The open dossiers, open incoming documents and active projects the entity rules read, as one store read gave them. */
export interface EntityReads {
  dossiers: SlaDossier[];
  documents: SlaDocument[];
  projects: SlaProject[];
  projectAgencyLastUpdates: Map<string, Date | null>;
}

interface ReadPlans {
  dossiers: ReturnType<typeof dossierReadPlan>;
  documents: ReturnType<typeof documentReadPlan>;
  projects: ReturnType<typeof projectReadPlan>;
}

/** The later of two bounds where null means "read none"; the bounds are Dates or ISO local dates (which sort as text). */
function wider<T extends Date | string>(a: T | null, b: T | null): T | null {
  if (a === null) return b;
  if (b === null) return a;
  return a >= b ? a : b;
}

/** Whether a read made with `bound` holds every row a read with `needed` would: null needs nothing, and reads nothing. */
const covers = <T extends Date | string>(bound: T | null, needed: T | null) => needed === null || (bound !== null && needed <= bound);

/**
 * Reads the entities the rules need, and keeps them while the store's data version stays the same: a tick on the
 * clock alone then costs one one-row query instead of re-reading and re-parsing thousands of rows (and the garbage
 * they leave, which was the tail of `npm run bench:rules`).
 *
 * Two things make a kept read valid for a later `now`:
 * - nothing committed since: the version is read before the entities (by the caller), and every writer raises it in
 *   its own transaction (`bumpDataVersion`), so a write committed at any point after that read changes the next
 *   version read (a write that lands between the two reads is then read twice, never missed);
 * - its plans cover the later instant's: each read is made with the plans at `now` and at `now + lookAhead` merged
 *   (the later bound of each), and reused only while the plans at the new `now` ask for no row beyond them; each kind
 *   (dossiers, documents, projects) is judged and read again on its own. Extra rows are harmless: core judges each
 *   entity by `now` (overdue, due soon, delayed, lagging), never by having been read.
 */
export class EntityReadCache {
  private kept: { version: string; plans: ReadPlans; reads: EntityReads } | null = null;

  constructor(
    private readonly db: Db,
    private readonly rules: readonly AlertRule[],
    private readonly calendar: WorkingCalendar,
    private readonly lookAheadMilliseconds: number,
  ) {}

  /**
   * The entities for the rules at `now`, and whether all of them are the ones kept from an earlier read (nothing read).
   * `version`: the data version read before this tick's reads (`readDataVersion`).
   */
  async read(version: string, now: Date, signal: AbortSignal): Promise<{ reads: EntityReads; reused: boolean }> {
    const needed = this.plansAt(now);
    // Kept under another version: every kind is read again (the version is one number for every source).
    const kept = this.kept?.version === version ? this.kept : null;
    // Dropped first: a read that fails or is aborted leaves nothing kept.
    this.kept = null;
    const keepDossiers =
      kept !== null &&
      covers(kept.plans.dossiers.dueBefore, needed.dossiers.dueBefore) &&
      kept.plans.dossiers.minSupplementRequests === needed.dossiers.minSupplementRequests;
    const keepDocuments = kept !== null && covers(kept.plans.documents.deadlineBefore, needed.documents.deadlineBefore);
    const keepProjects =
      kept !== null &&
      covers(kept.plans.projects.delayedOn, needed.projects.delayedOn) &&
      covers(kept.plans.projects.updatedBefore, needed.projects.updatedBefore);
    if (kept && keepDossiers && keepDocuments && keepProjects) {
      this.kept = kept;
      return { reads: kept.reads, reused: true };
    }
    const ahead = this.plansAt(new Date(now.getTime() + this.lookAheadMilliseconds));
    // Each kind the kept read no longer covers is read again, the others are kept (their plans and rows).
    const plans: ReadPlans = {
      dossiers: keepDossiers
        ? kept.plans.dossiers
        : {
            dueBefore: wider(needed.dossiers.dueBefore, ahead.dossiers.dueBefore),
            // Fixed by the rules: the same at every instant.
            minSupplementRequests: needed.dossiers.minSupplementRequests,
          },
      documents: keepDocuments
        ? kept.plans.documents
        : { deadlineBefore: wider(needed.documents.deadlineBefore, ahead.documents.deadlineBefore) },
      projects: keepProjects
        ? kept.plans.projects
        : {
            delayedOn: wider(needed.projects.delayedOn, ahead.projects.delayedOn),
            updatedBefore: wider(needed.projects.updatedBefore, ahead.projects.updatedBefore),
          },
    };
    // A kind the clock outran, with nothing written since, is extended: only the rows its wider bound adds are read,
    // and the kept rows stay the same objects (their link ids and groupings are known again). A read of the whole
    // backlog at each look-ahead was the slowest tick of `npm run bench:rules`.
    const dossierFrom =
      kept && kept.plans.dossiers.minSupplementRequests === plans.dossiers.minSupplementRequests ? kept.plans.dossiers.dueBefore : null;
    const documentFrom = kept ? kept.plans.documents.deadlineBefore : null;
    const extend = <T>(rows: readonly T[], added: readonly T[]): T[] => (added.length === 0 ? (rows as T[]) : [...rows, ...added]);
    // Independent reads, each on its own pooled connection: the read waits for the slowest, not for their sum.
    const [dossiers, documents, projects] = await Promise.all([
      keepDossiers
        ? kept.reads.dossiers
        : dossierFrom !== null
          ? readSlaDossiers(this.db, plans.dossiers, signal, dossierFrom).then((added) => extend(kept!.reads.dossiers, added))
          : readSlaDossiers(this.db, plans.dossiers, signal),
      keepDocuments
        ? kept.reads.documents
        : documentFrom !== null
          ? readSlaDocuments(this.db, plans.documents, signal, documentFrom).then((added) => extend(kept!.reads.documents, added))
          : readSlaDocuments(this.db, plans.documents, signal),
      keepProjects
        ? { projects: kept.reads.projects, agencyLastUpdates: kept.reads.projectAgencyLastUpdates }
        : readSlaProjects(this.db, plans.projects, signal),
    ]);
    const reads: EntityReads = { dossiers, documents, projects: projects.projects, projectAgencyLastUpdates: projects.agencyLastUpdates };
    this.kept = { version, plans, reads };
    return { reads, reused: false };
  }

  private plansAt(at: Date): ReadPlans {
    return {
      dossiers: dossierReadPlan(this.rules, at, this.calendar),
      documents: documentReadPlan(this.rules, at, this.calendar),
      projects: projectReadPlan(this.rules, at, this.calendar.timeZone),
    };
  }
}
