import {
  documentReadPlan,
  dossierReadPlan,
  listSlaDocumentVersions,
  listSlaDossierVersions,
  listSlaProjectVersions,
  projectReadPlan,
  readProjectAgencyLastUpdates,
  readSlaDocumentRows,
  readSlaDossierRows,
  readSlaProjectRows,
  type AlertRule,
  type DataVersions,
  type Db,
  type EntityVersion,
  type SlaDocument,
  type SlaDossier,
  type SlaProject,
  type VersionedRow,
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

/** One kind's rows as read, and each by its link id (`source_system/source_id`) with its version. */
interface KeptRows<T> {
  rows: T[];
  byKey: Map<string, VersionedRow<T>>;
}

/** The data version each kind was read at (`DataVersions.of`). */
interface KindVersions {
  dossiers: string;
  documents: string;
  projects: string;
}

interface Kept {
  versions: KindVersions;
  plans: ReadPlans;
  dossiers: KeptRows<SlaDossier>;
  documents: KeptRows<SlaDocument>;
  projects: KeptRows<SlaProject>;
  agencyLastUpdates: Map<string, Date | null>;
  lagging: string[];
}

type Linked = { source_system: string; source_id: string };
const keyOf = (s: string, i: string) => `${s}/${i}`;

function keptRows<T extends Linked>(read: readonly VersionedRow<T>[]): KeptRows<T> {
  const byKey = new Map<string, VersionedRow<T>>();
  for (const r of read) byKey.set(keyOf(r.row.source_system, r.row.source_id), r);
  return { rows: [...byKey.values()].map((r) => r.row), byKey };
}

/** `kept` with the rows `added` appended (a read extended past its bound: none of them was in it); `kept` itself for none. */
function extended<T extends Linked>(kept: KeptRows<T>, added: readonly VersionedRow<T>[]): KeptRows<T> {
  if (added.length === 0) return kept;
  const byKey = new Map(kept.byKey);
  for (const r of added) byKey.set(keyOf(r.row.source_system, r.row.source_id), r);
  return { rows: [...kept.rows, ...added.map((r) => r.row)], byKey };
}

/**
 * The rows of `listing` (a consistent list of what the plan selects now, with versions), reusing each kept row whose
 * version is the same and fetching the others; `kept` itself when every listed row is kept and none left.
 */
async function reconciled<T extends Linked>(
  kept: KeptRows<T>,
  listing: readonly EntityVersion[],
  fetch: (keys: [string, string][]) => Promise<VersionedRow<T>[]>,
): Promise<KeptRows<T>> {
  const missing: [string, string][] = [];
  for (const [s, i, v] of listing) if (kept.byKey.get(keyOf(s, i))?.version !== v) missing.push([s, i]);
  if (missing.length === 0 && listing.length === kept.rows.length) return kept;
  const fetched = missing.length > 0 ? await fetch(missing) : [];
  const byKey = new Map<string, VersionedRow<T>>();
  for (const [s, i, v] of listing) {
    const row = kept.byKey.get(keyOf(s, i));
    if (row?.version === v) byKey.set(keyOf(s, i), row);
  }
  // Fetched under the plan again: a row that changed since the listing is in as it is now, or out if it left the plan.
  for (const r of fetched) byKey.set(keyOf(r.row.source_system, r.row.source_id), r);
  return { rows: [...byKey.values()].map((r) => r.row), byKey };
}

const sameUpdates = (a: ReadonlyMap<string, Date | null>, b: ReadonlyMap<string, Date | null>) =>
  a.size === b.size && [...a].every(([k, v]) => b.has(k) && (b.get(k)?.getTime() ?? null) === (v?.getTime() ?? null));

/** The later of two bounds where null means "read none"; the bounds are Dates or ISO local dates (which sort as text). */
function wider<T extends Date | string>(a: T | null, b: T | null): T | null {
  if (a === null) return b;
  if (b === null) return a;
  return a >= b ? a : b;
}

/** Whether a read made with `bound` holds every row a read with `needed` would: null needs nothing, and reads nothing. */
const covers = <T extends Date | string>(bound: T | null, needed: T | null) => needed === null || (bound !== null && needed <= bound);

/**
 * Reads the entities the rules need, and keeps them between ticks, so that a tick reads and parses only what changed
 * (re-reading and re-parsing thousands of rows, and the garbage they left, was the tail of `npm run bench:rules`):
 * - nothing of its kind committed since (the same data version of the kind, read before the entities by the caller;
 *   every writer raises its source's in its own transaction, `bumpDataVersion`): the kept rows serve as long as their plans cover the plans at the new
 *   `now`; each read is made with the plans at `now` and at `now + lookAhead` merged (the later bound of each), and
 *   a kind the clock outran is extended with only the rows its wider bound adds;
 * - a write committed since: each kind lists the key and version of every row its plan selects (one JSON text), keeps
 *   the kept rows whose version is the same (a stored row changes only with a new version) and reads only the others.
 * Either way unchanged rows stay the same objects, and a kind with no change is the very array it was, so core's
 * work kept per array (link order, groupings, project rules per day) is known again. Extra rows are harmless: core
 * judges each entity by `now` (overdue, due soon, delayed, lagging), never by having been read.
 */
export class EntityReadCache {
  private kept: Kept | null = null;

  constructor(
    private readonly db: Db,
    private readonly rules: readonly AlertRule[],
    private readonly calendar: WorkingCalendar,
    private readonly lookAheadMilliseconds: number,
  ) {}

  /**
   * The entities for the rules at `now`, and whether all of them are the ones kept from an earlier read (nothing read).
   * `versions`: the data versions read before this tick's reads (`readDataVersions`); each kind is judged by its own.
   */
  async read(versions: DataVersions, now: Date, signal: AbortSignal): Promise<{ reads: EntityReads; reused: boolean }> {
    const needed = this.plansAt(now);
    const kept = this.kept;
    // Dropped first: a read that fails or is aborted leaves nothing kept.
    this.kept = null;
    const version: KindVersions = {
      dossiers: versions.of('dossier'),
      documents: versions.of('document'),
      projects: versions.of('project'),
    };
    const same = {
      dossiers: kept?.versions.dossiers === version.dossiers,
      documents: kept?.versions.documents === version.documents,
      projects: kept?.versions.projects === version.projects,
    };
    const keepDossiers =
      kept !== null &&
      covers(kept.plans.dossiers.dueBefore, needed.dossiers.dueBefore) &&
      kept.plans.dossiers.minSupplementRequests === needed.dossiers.minSupplementRequests;
    const keepDocuments = kept !== null && covers(kept.plans.documents.deadlineBefore, needed.documents.deadlineBefore);
    const keepProjects =
      kept !== null &&
      covers(kept.plans.projects.delayedOn, needed.projects.delayedOn) &&
      covers(kept.plans.projects.updatedBefore, needed.projects.updatedBefore);
    if (same.dossiers && same.documents && same.projects && keepDossiers && keepDocuments && keepProjects) {
      this.kept = kept;
      return { reads: readsOf(kept), reused: true };
    }
    const ahead = this.plansAt(new Date(now.getTime() + this.lookAheadMilliseconds));
    // A kind whose kept plan still covers keeps it; the others widen to the plans at `now` and `now + lookAhead`.
    const plans: ReadPlans = {
      dossiers:
        kept && keepDossiers
          ? kept.plans.dossiers
          : {
              dueBefore: wider(needed.dossiers.dueBefore, ahead.dossiers.dueBefore),
              // Fixed by the rules: the same at every instant.
              minSupplementRequests: needed.dossiers.minSupplementRequests,
            },
      documents:
        kept && keepDocuments
          ? kept.plans.documents
          : { deadlineBefore: wider(needed.documents.deadlineBefore, ahead.documents.deadlineBefore) },
      projects:
        kept && keepProjects
          ? kept.plans.projects
          : {
              delayedOn: wider(needed.projects.delayedOn, ahead.projects.delayedOn),
              updatedBefore: wider(needed.projects.updatedBefore, ahead.projects.updatedBefore),
            },
    };
    // Independent reads, each on its own pooled connection: the read waits for the slowest, not for their sum.
    const [dossiers, documents, projects] = await Promise.all([
      this.readDossiers(kept, same.dossiers, keepDossiers, plans.dossiers, signal),
      this.readDocuments(kept, same.documents, keepDocuments, plans.documents, signal),
      this.readProjects(kept, same.projects && keepProjects, plans.projects, signal),
    ]);
    const next: Kept = { versions: version, plans, dossiers, documents, ...projects };
    this.kept = next;
    return { reads: readsOf(next), reused: false };
  }

  private async readDossiers(
    kept: Kept | null,
    same: boolean,
    covered: boolean,
    plan: ReadPlans['dossiers'],
    signal: AbortSignal,
  ): Promise<KeptRows<SlaDossier>> {
    if (!kept) return keptRows(await readSlaDossierRows(this.db, plan, {}, signal));
    if (same && covered) return kept.dossiers;
    if (same && kept.plans.dossiers.minSupplementRequests === plan.minSupplementRequests && kept.plans.dossiers.dueBefore !== null)
      return extended(kept.dossiers, await readSlaDossierRows(this.db, plan, { after: kept.plans.dossiers.dueBefore }, signal));
    return reconciled(kept.dossiers, await listSlaDossierVersions(this.db, plan, signal), (keys) =>
      readSlaDossierRows(this.db, plan, { keys }, signal),
    );
  }

  private async readDocuments(
    kept: Kept | null,
    same: boolean,
    covered: boolean,
    plan: ReadPlans['documents'],
    signal: AbortSignal,
  ): Promise<KeptRows<SlaDocument>> {
    if (!kept) return keptRows(await readSlaDocumentRows(this.db, plan, {}, signal));
    if (same && covered) return kept.documents;
    if (same && kept.plans.documents.deadlineBefore !== null)
      return extended(kept.documents, await readSlaDocumentRows(this.db, plan, { after: kept.plans.documents.deadlineBefore }, signal));
    return reconciled(kept.documents, await listSlaDocumentVersions(this.db, plan, signal), (keys) =>
      readSlaDocumentRows(this.db, plan, { keys }, signal),
    );
  }

  /** Projects change by agency as well as by row (an agency's update moves it out of "lagging"): always listed again. */
  private async readProjects(
    kept: Kept | null,
    keep: boolean,
    plan: ReadPlans['projects'],
    signal: AbortSignal,
  ): Promise<Pick<Kept, 'projects' | 'agencyLastUpdates' | 'lagging'>> {
    if (kept && keep) return { projects: kept.projects, agencyLastUpdates: kept.agencyLastUpdates, lagging: kept.lagging };
    const read = await readProjectAgencyLastUpdates(this.db, plan, signal);
    const agencyLastUpdates =
      kept && sameUpdates(kept.agencyLastUpdates, read.agencyLastUpdates) ? kept.agencyLastUpdates : read.agencyLastUpdates;
    const projects = kept
      ? await reconciled(kept.projects, await listSlaProjectVersions(this.db, plan, read.lagging, signal), (keys) =>
          readSlaProjectRows(this.db, plan, read.lagging, { keys }, signal),
        )
      : keptRows(await readSlaProjectRows(this.db, plan, read.lagging, {}, signal));
    return { projects, agencyLastUpdates, lagging: read.lagging };
  }

  private plansAt(at: Date): ReadPlans {
    return {
      dossiers: dossierReadPlan(this.rules, at, this.calendar),
      documents: documentReadPlan(this.rules, at, this.calendar),
      projects: projectReadPlan(this.rules, at, this.calendar.timeZone),
    };
  }
}

function readsOf(kept: Kept): EntityReads {
  return {
    dossiers: kept.dossiers.rows,
    documents: kept.documents.rows,
    projects: kept.projects.rows,
    projectAgencyLastUpdates: kept.agencyLastUpdates,
  };
}
