import type { Dossier } from '@ioc/core';
import { startSourceIngest, type SourceIngest, type SourceIngestHealth, type SourceIngestOptions } from '../source/source-ingest';
import { DOSSIER_SYSTEM } from './dossier-system';

/**
 * How to pull the dossier system: what `startDossierConnector` and `startDossierIngest` accept besides the store.
 * Defaults as for every source, but a 500 ms pause after catching up and the `source_system` 'dvc'.
 */
export type DossierSourceOptions = Omit<SourceIngestOptions<Dossier>, 'db' | 'logger' | 'clock' | 'bus' | 'kafka' | 'groupId' | 'role'>;

export type DossierIngestOptions = Omit<SourceIngestOptions<Dossier>, 'bus' | 'role'>;
export type DossierIngestHealth = SourceIngestHealth;
export type DossierIngest = SourceIngest;

/**
 * The dossier pipeline in one process: connector → bus → writer, running until `stop()`; see `startSourceIngest`.
 * The bus is in-process (the embedded default) unless `kafka` is given: then the writer joins the group `groupId`
 * (default '<topicPrefix>.writers'), so writers started elsewhere with `startDossierWriters` share the work.
 */
export function startDossierIngest(o: DossierIngestOptions): DossierIngest {
  return startSourceIngest(DOSSIER_SYSTEM, o);
}
