import { DOSSIER_SYSTEM } from '../dossier/dossier-system';
import { startRecordWriters, type RecordWritersHealth, type RecordWritersOptions, type RecordWritersRole } from './start-record-writers';

/** As for any system; the group defaults to '<topicPrefix>.writers', the source system to 'dvc'. */
export type DossierWritersOptions = RecordWritersOptions;
export type DossierWritersHealth = RecordWritersHealth;
export type DossierWritersRole = RecordWritersRole;

/**
 * The writer role of a scaled-out dossier ingestion: one member of a Kafka consumer group that writes what the
 * dossier connector published, with `writeDossierBatch`; see `startRecordWriters` for the guarantees.
 */
export function startDossierWriters(o: DossierWritersOptions): DossierWritersRole {
  return startRecordWriters(DOSSIER_SYSTEM, o);
}
