import type { z } from 'zod';
import type { Db, RejectedRecord, SourceCursor, VersionedRecord } from '@ioc/core';
import type { RecordWire } from '../bus/record-message-codec';

/** What a batch write reports, as far as the pipeline reads it (`VersionedWriteResult`, `DossierWriteResult`). */
export interface SourceWriteResult {
  /** Versions newer than what was stored. */
  accepted: number;
  /** Versions already stored or older: changed nothing. */
  unchanged: number;
  /** Valid records the store would not write on what only it knows (a unit code not valid at the record's date). */
  refused?: number;
  /** Those records, for a quarantine replay: by their index in the batch when the writer gives it, else by id. */
  refusals?: readonly { index?: number; sourceId: string; reason: string }[];
}

/** What differs between the dossier system, the document system, the project database and the KPI feed. */
export interface SourceSystemSpec<T extends VersionedRecord> {
  /** For logs and messages. */
  label: string;
  /** The records' path, e.g. `api/v1/documents`. */
  path: string;
  defaultSourceSystem: string;
  /** The kind of system for `source_health` (`document`, `project`, `kpi_feed`): picks the freshness thresholds. */
  system?: string;
  schema: z.ZodType<T, unknown>;
  /** Writes a batch in one transaction (state, history, rollups, quarantine, checkpoint); idempotent. */
  write(
    db: Db,
    source: string,
    records: readonly T[],
    cursor: SourceCursor | null,
    rejected: readonly RejectedRecord[],
  ): Promise<SourceWriteResult>;
  /** The pause after catching up when the options name none (default 1000). */
  pollIntervalMilliseconds?: number;
  /** How the records travel on Kafka (default: the current `RECORD_FORMAT`, keys `<source>/<source_id>`). */
  wire?: RecordWire;
  /** The writers' consumer group when the options name none (default `<topicPrefix>.<source>.writers`). */
  writersGroup?(topicPrefix: string, source: string): string;
}
