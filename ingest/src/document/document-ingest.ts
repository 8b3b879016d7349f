import { DocumentRecord, loadWorkingCalendar, writeDocumentBatch, type OfficialDocument, type WorkingCalendar } from '@ioc/core';
import { startSourceIngest, type SourceIngest, type SourceIngestOptions, type SourceSystemSpec } from '../source/source-ingest';

/** The document system's `source_system` and checkpoint key by default (QLVBĐH liên thông). */
export const DOCUMENT_SOURCE_SYSTEM = 'qlvb';

export function documentSystemSpec(calendar: WorkingCalendar): SourceSystemSpec<OfficialDocument> {
  return {
    label: 'document',
    path: 'api/v1/documents',
    defaultSourceSystem: DOCUMENT_SOURCE_SYSTEM,
    system: 'document',
    schema: DocumentRecord,
    // The calendar decides V6 (registered by the end of the next working day) when the counters are written.
    write: (db, source, records, cursor, rejected) => writeDocumentBatch(db, calendar, source, records, cursor, rejected),
  };
}

/**
 * The document pipeline in one process: pulls `GET /api/v1/documents`, validates, writes state, history, per-minute
 * counters, quarantine and checkpoint. Resolves once started; see `startSourceIngest` for the guarantees.
 */
export async function startDocumentIngest(
  o: SourceIngestOptions<OfficialDocument> & { calendar?: WorkingCalendar },
): Promise<SourceIngest> {
  const calendar = o.calendar ?? (await loadWorkingCalendar());
  return startSourceIngest(documentSystemSpec(calendar), o);
}
