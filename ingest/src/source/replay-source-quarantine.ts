import type { VersionedRecord, WorkingCalendar } from '@ioc/core';
import { DOCUMENT_SOURCE_SYSTEM, documentSystemSpec } from '../document/document-ingest';
import { DOSSIER_SOURCE_SYSTEM, DOSSIER_SYSTEM } from '../dossier/dossier-system';
import type { QuarantineReplayer } from '../dossier/replay-quarantine';
import { KPI_FEED_SOURCE_SYSTEM, KPI_FEED_SYSTEM } from '../kpi-feed/kpi-feed-ingest';
import { PROJECT_SOURCE_SYSTEM, PROJECT_SYSTEM } from '../project/project-ingest';
import type { SourceSystemSpec } from './source-ingest';
import { validateSourceItems } from './validate-source-items';

/** The kinds of source system, as `source_health.system` and the metric catalogue name them. */
export type SourceSystemKind = 'dossier' | 'document' | 'project' | 'kpi_feed';

/** Each system's default `source_system` name (the quarantine row's `source`) and its kind. */
export const DEFAULT_SOURCE_KINDS: Readonly<Record<string, SourceSystemKind>> = {
  [DOSSIER_SOURCE_SYSTEM]: 'dossier',
  [DOCUMENT_SOURCE_SYSTEM]: 'document',
  [PROJECT_SOURCE_SYSTEM]: 'project',
  [KPI_FEED_SOURCE_SYSTEM]: 'kpi_feed',
};

/** Replays records of a generic source system through its own schema and batch writer, as a pull would store them. */
export function sourceSystemReplayer<T extends VersionedRecord>(spec: SourceSystemSpec<T>): QuarantineReplayer {
  return {
    validate(items) {
      const valid: number[] = [];
      const rejected: { index: number; reason: string }[] = [];
      items.forEach((item, index) => {
        const { records, rejected: bad } = validateSourceItems(spec.schema, [item]);
        if (records.length === 1) valid.push(index);
        else rejected.push({ index, reason: bad[0]!.reason });
      });
      return { valid, rejected };
    },
    async write(db, source, items) {
      const { records } = validateSourceItems(spec.schema, items);
      // No cursor: a replay never moves the pull's checkpoint. Each item passed validation, so records[i] is items[i].
      const { refusals = [] } = await spec.write(db, source, records, null, []);
      // Refused again for a unit code still not valid at the record's date: the replay leaves it waiting. By index
      // where the writer gives one; the dossier writer names the record by its id.
      const refused = refusals.flatMap((r) =>
        r.index !== undefined
          ? [{ index: r.index, reason: r.reason }]
          : records.flatMap((record, index) => (record.source_id === r.sourceId ? [{ index, reason: r.reason }] : [])),
      );
      return { refused };
    },
  };
}

/** One replayer per kind of system; the document writer needs the working calendar (deadline counters). */
export function systemReplayers(calendar: WorkingCalendar): Readonly<Record<SourceSystemKind, QuarantineReplayer>> {
  return {
    dossier: sourceSystemReplayer(DOSSIER_SYSTEM),
    document: sourceSystemReplayer(documentSystemSpec(calendar)),
    project: sourceSystemReplayer(PROJECT_SYSTEM),
    kpi_feed: sourceSystemReplayer(KPI_FEED_SYSTEM),
  };
}

/**
 * The replayer of each source: by the kind its connector recorded in `source_health` (`kinds`, so that a source
 * renamed with `sourceSystem` still replays), else by the default names. A source of no known kind has none: its
 * records are skipped, never written by a guess.
 */
export function replayersBySource(
  byKind: Readonly<Record<SourceSystemKind, QuarantineReplayer>>,
  kinds: ReadonlyArray<{ source: string; system: string }>,
): Record<string, QuarantineReplayer> {
  const out: Record<string, QuarantineReplayer> = {};
  for (const [source, kind] of Object.entries(DEFAULT_SOURCE_KINDS)) out[source] = byKind[kind];
  for (const { source, system } of kinds) if (system in byKind) out[source] = byKind[system as SourceSystemKind];
  return out;
}
