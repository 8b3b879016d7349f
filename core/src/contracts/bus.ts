import type { Dossier } from './dossier';

/**
 * The bus between ingestion and the writer/server: the only thing `ingest` and `server` share. The in-process
 * bus lives in `ingest`; the Kafka one comes with [B]. Both honour this contract.
 */
export interface SourceBatch {
  /** The source system, e.g. `dvc` (the dossier system). */
  source: string;
  records: Dossier[];
  /** The cursor after the last record of this batch, committed with the data it covers. */
  cursor: { updatedSince: string; afterId: string };
}

/** Sent after the writer's transaction committed: what changed, for the live hub to recompute. */
export interface ChangeNotice {
  source: string;
  /** Agencies whose counters or open dossiers changed. */
  agencyCodes: string[];
  /** Newest `source_updated_at` in the committed batch (ISO). */
  dataUpdatedAt: string;
  committedAt: string;
}

export interface ChangeFeed {
  /** Calls `listener` after each committed write; returns an unsubscribe function. */
  onChange(listener: (notice: ChangeNotice) => void): () => void;
}
