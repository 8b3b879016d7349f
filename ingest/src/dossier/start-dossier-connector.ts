import type { Logger } from 'pino';
import type { Clock, Db } from '@ioc/core';
import type { KafkaOptions } from '../bus/kafka-settings';
import { startSourceIngest, type SourceIngest, type SourceIngestHealth } from '../source/source-ingest';
import type { DossierSourceOptions } from './dossier-ingest';
import { DOSSIER_SYSTEM } from './dossier-system';

export interface DossierConnectorOptions extends DossierSourceOptions {
  /** Holds the checkpoint (the connector's cursor). */
  db: Db;
  kafka: KafkaOptions;
  logger: Logger;
  clock?: Clock;
}

/** Its `recordsTotal` and `quarantinedTotal` count what the broker acknowledged (and the cursor stored). */
export type DossierConnectorHealth = SourceIngestHealth;
export type DossierConnectorRole = SourceIngest;

/**
 * The connector role of a scaled-out ingestion: pulls the dossier system and publishes each page to Kafka, storing
 * its cursor once the broker acknowledged the page. Writers (`startDossierWriters`, in this process or others) store
 * the records. Run one connector per source system: two would pull the same pages (harmless, but wasted).
 * Throws at once on invalid options; after that it never throws: failures are retried, logged and shown in `health()`.
 */
export function startDossierConnector(o: DossierConnectorOptions): DossierConnectorRole {
  return startSourceIngest(DOSSIER_SYSTEM, { ...o, role: 'connector' });
}
