import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogue, loadWorkingCalendar, type Catalogue, type Queryable, type VersionedRecord } from '@ioc/core';
import { KAFKA_TESTS, testGroupId, testKafka } from '../../test/kafka-test-broker';
import { documentSystemSpec, startDocumentIngest } from '../document/document-ingest';
import { PROJECT_SYSTEM, startProjectIngest } from '../project/project-ingest';
import { startDocumentSimulator } from '../sim/document-simulator';
import type { LgspSimulator } from '../sim/lgsp-api';
import { startProjectSimulator } from '../sim/project-simulator';
import type { SystemSimulatorOptions } from '../sim/sim-settings';
import type { SourceIngest, SourceIngestOptions, SourceSystemSpec } from '../source/source-ingest';
import { openProcessDatabase } from '../testing/process-database';
import { countRows } from '../testing/store-probes';
import { fakeClock, silentLogger, waitFor, WEDNESDAY_MORNING } from '../testing/test-support';
import { startWriterProcess } from '../testing/writer-process';
import { startRecordWriters, type RecordWritersRole } from './start-record-writers';

// Issue #4: "Kafka: two writer processes in one group, one killed mid-stream: every record lands exactly once", for
// the document system and the project database (the same generic pipeline as the KPI feed). The connector publishes
// the simulator's world; one writer runs in a child process that commits a database transaction and then stalls before
// committing its offsets, and is SIGKILLed there; the other takes its partitions over.

const API_KEY = 'record-writers-key';
/** A consumer group settles within ≈ 2 × the 6 s session timeout on the mock broker; a crash adds one more. */
const GROUP_MILLISECONDS = 40_000;
const WRITER_PROCESS = fileURLToPath(new URL('../../test/record-writer-process.ts', import.meta.url));

interface SystemUnderTest {
  name: 'document' | 'project';
  source: string;
  spec(): Promise<SourceSystemSpec<VersionedRecord>>;
  simulate(o: SystemSimulatorOptions): Promise<LgspSimulator>;
  connector(o: SourceIngestOptions<never>): Promise<SourceIngest> | SourceIngest;
  /** `source_id|version` of every stored entity. */
  storedSql: string;
  /** The history: one row per stored version. */
  historyTable: string;
  /** Tables whose content must equal a single clean write of the same records (state, history, counters). */
  tables: string[];
}

const SYSTEMS: SystemUnderTest[] = [
  {
    name: 'document',
    source: 'qlvb',
    spec: async () => documentSystemSpec(await loadWorkingCalendar()),
    simulate: startDocumentSimulator,
    connector: startDocumentIngest,
    storedSql: "select source_id || '|' || version as line from document",
    historyTable: 'document_event',
    tables: ['document', 'document_event', 'document_rollup_minute'],
  },
  {
    name: 'project',
    source: 'csdldt',
    spec: () => Promise.resolve(PROJECT_SYSTEM as unknown as SourceSystemSpec<VersionedRecord>),
    simulate: startProjectSimulator,
    connector: startProjectIngest,
    storedSql: "select source_id || '|' || version as line from project",
    historyTable: 'project_update',
    tables: ['project', 'project_update', 'project_rollup_minute'],
  },
];

const checksum = (lines: readonly string[]) =>
  createHash('sha256')
    .update([...lines].sort().join('\n'))
    .digest('hex');

async function storedLines(db: Queryable, sql: string): Promise<string[]> {
  return (await db.query<{ line: string }>(sql)).rows.map((r) => r.line);
}

/** Every row of the tables but `ingested_at` (when the row was written: it differs between two stores), sorted. */
async function contents(db: Queryable, tables: readonly string[]): Promise<string[][]> {
  const out: string[][] = [];
  for (const t of tables) {
    const rows = (await db.query<Record<string, unknown>>(`select * from ${t}`)).rows;
    out.push(rows.map(({ ingested_at: _ingestedAt, ...row }) => JSON.stringify(row)).sort());
  }
  return out;
}

describe.skipIf(!KAFKA_TESTS)('record writers sharing Kafka partitions', { timeout: 120_000 }, () => {
  let catalogue: Catalogue;
  const cleanup: Array<() => Promise<unknown>> = [];

  beforeAll(async () => {
    catalogue = await loadCatalogue();
  });
  afterEach(async () => {
    // Most recent first: connectors and writers before the database they write to and the simulator they pull.
    for (const stop of cleanup.splice(0).reverse()) await stop();
  });
  afterAll(async () => {
    for (const stop of cleanup.splice(0).reverse()) await stop();
  });

  describe.each(SYSTEMS)('$name', (system) => {
    it('when one of two writer processes is killed mid-stream, every record lands exactly once', async () => {
      const sim = await system.simulate({
        catalogue,
        apiKey: API_KEY,
        clock: fakeClock(WEDNESDAY_MORNING),
        backlogDays: 1,
        logger: silentLogger,
      });
      cleanup.push(() => sim.stop());
      const opened = await openProcessDatabase();
      cleanup.push(() => opened.dispose());
      const { db, url } = opened;
      const kafka = await testKafka();
      const groupId = testGroupId();
      const spec = await system.spec();

      const victim = startWriterProcess(WRITER_PROCESS, {
        url,
        kafka,
        groupId,
        hangAfterWrites: 2,
        maxRecordsPerWrite: 100,
        env: { SYSTEM: system.name },
      });
      cleanup.push(() => victim.kill());
      // Both join within the broker's first 3 s: one assignment instead of a second rebalance (≈ 10 s on the mock).
      await waitFor(() => victim.started, 'the writer process to start', GROUP_MILLISECONDS);
      const survivor: RecordWritersRole = startRecordWriters(spec, {
        db,
        kafka,
        groupId,
        maxRecordsPerWrite: 500,
        retryBaseMilliseconds: 20,
        retryMaxMilliseconds: 200,
        logger: silentLogger,
      });
      cleanup.push(() => survivor.stop());
      await waitFor(
        () => survivor.health().partitions === 2 && victim.partitions === 2,
        'the group to give each writer 2 of the 4 partitions',
        GROUP_MILLISECONDS,
      );

      const connector = await system.connector({
        db,
        kafka,
        role: 'connector',
        sourceUrl: sim.url,
        apiKey: API_KEY,
        // Large pages: the test broker hands a writer one producer request's share of a partition per fetch.
        pageSize: 1000,
        pollIntervalMilliseconds: 20,
        maxRequestsPerSecond: 50,
        logger: silentLogger,
      });
      cleanup.push(() => connector.stop());

      // The victim commits its 3rd transaction to the database, then stalls before committing the offsets: killed there.
      const { written, lastSlice } = await waitFor(() => victim.hung, 'the victim to write and stall', GROUP_MILLISECONDS);
      expect(lastSlice).toBeGreaterThan(0);
      await victim.kill();
      await waitFor(() => survivor.health().partitions === 4, 'the survivor to take over all 4 partitions', GROUP_MILLISECONDS);

      const served = sim.records();
      const expected = served.map((r) => `${r.source_id as string}|${r.version as number}`);
      expect(served.length).toBeGreaterThan(100);
      await waitFor(
        async () => checksum(await storedLines(db, system.storedSql)) === checksum(expected),
        `the store to hold the simulator's ${served.length} ${system.name} records`,
        GROUP_MILLISECONDS,
      );
      await waitFor(() => connector.health().recordsTotal === served.length, 'the connector to count what it published');
      // Each version once in the history: the re-delivered slice was stored again as a no-op.
      expect(await countRows(db, `select count(*) as n from ${system.historyTable}`)).toBe(served.length);
      // The survivor re-read exactly the slice whose offsets the victim never committed.
      await waitFor(() => survivor.health().recordsTotal + written >= served.length + lastSlice, 'the survivor to count its records');
      expect(survivor.health().recordsTotal + written).toBe(served.length + lastSlice);
      expect(survivor.health().lastError).toBeNull();

      // Counters too: the store equals one clean write of the same records into an empty database.
      const reference = await openProcessDatabase();
      cleanup.push(() => reference.dispose());
      const parsed = served.map((r) => spec.schema.parse(r));
      await spec.write(reference.db, system.source, parsed, null, []);
      expect(await contents(db, system.tables)).toEqual(await contents(reference.db, system.tables));
    });
  });
});
