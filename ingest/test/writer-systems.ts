import { loadWorkingCalendar, type Db, type VersionedRecord } from '@ioc/core';
import type { KafkaOptions } from '../src/bus/kafka-settings';
import { documentSystemSpec } from '../src/document/document-ingest';
import { DOSSIER_SYSTEM } from '../src/dossier/dossier-system';
import { KPI_FEED_SYSTEM } from '../src/kpi-feed/kpi-feed-ingest';
import { PROJECT_SYSTEM } from '../src/project/project-ingest';
import { startSourceIngest, type SourceIngest, type SourceIngestOptions, type SourceSystemSpec } from '../src/source/source-ingest';
import { startRecordWriters, type RecordWritersOptions, type RecordWritersRole } from '../src/writer/start-record-writers';

/** The systems whose records go over Kafka from a connector to writers, by the name record-writer-process.ts takes. */
export const WRITER_SYSTEMS = ['dossier', 'document', 'project', 'kpi'] as const;
export type WriterSystemName = (typeof WRITER_SYSTEMS)[number];

/** A connector's options: it publishes to Kafka and stores its cursor; the writers store the records. */
export type ConnectorOptions = Omit<SourceIngestOptions<VersionedRecord>, 'bus' | 'role' | 'kafka'> & { kafka: KafkaOptions };

/**
 * One system's Kafka roles and batch write, bound to its spec, so that tests and the writer process drive every
 * system the same way (the specs differ in their record type, which a plain list of specs would lose).
 */
export interface WriterSystem {
  name: WriterSystemName;
  /** Its default `source_system`: the topic is `<prefix>.<source>.records`, the stored rows carry it. */
  source: string;
  startWriters(o: RecordWritersOptions): RecordWritersRole;
  startConnector(o: ConnectorOptions): SourceIngest;
  /** Validates the records as served and writes them in one batch: what a pipeline that never crashed stores. */
  writeOnce(db: Db, served: readonly unknown[]): Promise<void>;
}

function bind<T extends VersionedRecord>(name: WriterSystemName, spec: SourceSystemSpec<T>): WriterSystem {
  return {
    name,
    source: spec.defaultSourceSystem,
    startWriters: (o) => startRecordWriters(spec, o),
    startConnector: (o) => startSourceIngest(spec, { ...o, role: 'connector' }),
    writeOnce: async (db, served) => {
      await spec.write(
        db,
        spec.defaultSourceSystem,
        served.map((r) => spec.schema.parse(r)),
        null,
        [],
      );
    },
  };
}

/** The system named `name`; the document system's writes need the working calendar, loaded here. */
export async function writerSystem(name: WriterSystemName): Promise<WriterSystem> {
  switch (name) {
    case 'dossier':
      return bind(name, DOSSIER_SYSTEM);
    case 'document':
      return bind(name, documentSystemSpec(await loadWorkingCalendar()));
    case 'project':
      return bind(name, PROJECT_SYSTEM);
    case 'kpi':
      return bind(name, KPI_FEED_SYSTEM);
  }
}

/** `value` as a system name; throws naming the valid ones. */
export function parseWriterSystemName(value: string): WriterSystemName {
  const name = WRITER_SYSTEMS.find((s) => s === value);
  if (!name) throw new Error(`SYSTEM=${value}: expected one of ${WRITER_SYSTEMS.join(', ')}`);
  return name;
}
