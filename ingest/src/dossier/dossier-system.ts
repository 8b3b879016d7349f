import { DossierRecord, writeDossierBatch, type Dossier } from '@ioc/core';
import type { SourceSystemSpec } from '../source/source-system-spec';

/** The dossier system's `source_system` and checkpoint key by default (Dịch vụ công). */
export const DOSSIER_SOURCE_SYSTEM = 'dvc';

/**
 * The public-service dossier system as a source: `GET /api/v1/dossiers`, validated by `DossierRecord`, written by
 * `writeDossierBatch`. Its Kafka topics and writers' group predate the other systems' and keep their layout: messages
 * keyed by the bare `source_id`, read whether or not they carry the format header, and one group `<prefix>.writers`.
 */
export const DOSSIER_SYSTEM: SourceSystemSpec<Dossier> = {
  label: 'dossier',
  path: 'api/v1/dossiers',
  defaultSourceSystem: DOSSIER_SOURCE_SYSTEM,
  system: 'dossier',
  schema: DossierRecord,
  write: writeDossierBatch,
  pollIntervalMilliseconds: 500,
  wire: { bareKeys: true, headerlessIsCurrent: true },
  writersGroup: (topicPrefix) => `${topicPrefix}.writers`,
};
