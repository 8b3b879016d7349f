import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, it, type TestContext } from 'vitest';
import { loadCatalogue, type Catalogue, type Db, type Queryable } from '@ioc/core';
import { KAFKA_TESTS, testGroupId, testKafka } from '../../test/kafka-test-broker';
import { withTransaction } from '../../test/with-transaction';
import { WRITER_SYSTEMS, writerSystem, type WriterSystemName } from '../../test/writer-systems';
import { sourceTopic } from '../bus/kafka-settings';
import { startDocumentSimulator } from '../sim/document-simulator';
import { startDossierSimulator } from '../sim/dossier-simulator';
import { startKpiFeedSimulator } from '../sim/kpi-feed-simulator';
import { startProjectSimulator } from '../sim/project-simulator';
import type { SystemSimulatorOptions } from '../sim/sim-settings';
import { openProcessDatabase } from '../testing/process-database';
import { countRows } from '../testing/store-probes';
import { fakeClock, silentLogger, waitFor, WEDNESDAY_MORNING } from '../testing/test-support';
import { startWriterProcess } from '../testing/writer-process';
import type { RecordWritersRole } from './start-record-writers';

// Issue #4: "Kafka: two writer processes in one group, one killed mid-stream: every record lands exactly once", for
// each system whose connector publishes to Kafka. The connector publishes the simulator's world; one writer runs in a
// child process that commits a database transaction and then stalls before committing its offsets, and is SIGKILLed
// there; the other takes its partitions over. How a group splits the partitions and when offsets are committed is the
// same code for every system (startRecordWriters): those are checked once, on the dossier system, the largest source.
//
// The tests run concurrently: each has its own database, topics and group, and most of their time is spent waiting for
// the broker's group protocol (one session timeout to notice a dead member, about as long to rebalance).

const API_KEY = 'record-writers-key';
/** A consumer group settles within ≈ 2 × the 6 s session timeout on the mock broker; a crash adds one more. */
const GROUP_MILLISECONDS = 40_000;
const WRITER_PROCESS = fileURLToPath(new URL('../../test/record-writer-process.ts', import.meta.url));

type Served = Record<string, unknown>;

interface Source {
  url: string;
  /** Every record as served now; the simulators run on a clock that does not move, so this never changes. */
  records(): readonly Served[];
  stop(): Promise<void>;
}

interface SystemCase {
  name: WriterSystemName;
  simulate(o: SystemSimulatorOptions): Promise<Source>;
  /** One line per stored entity, as `line` gives it for a served record. */
  storedSql: string;
  line(r: Served): string;
  /** `n`: the versions the history holds. */
  historySql: string;
  /** What must equal one clean write of the same records into an empty database, `ingested_at` aside. */
  snapshotSql: string[];
  /** Counters checked against the served records themselves too, not only against a clean write. */
  counters?: { sql: string; expected(served: readonly Served[]): Record<string, number> };
}

const idAndVersion = (r: Served) => `${r.source_id as string}|${r.version as number}`;

/** A system stored as the current state, one history row per version, and per-minute counters kept by upsert. */
function stateHistoryRollup(
  name: WriterSystemName,
  simulate: (o: SystemSimulatorOptions) => Promise<Source>,
  tables: { state: string; history: string; rollup: string },
): SystemCase {
  return {
    name,
    simulate: (o) => simulate({ ...o, backlogDays: 1 }),
    storedSql: `select source_id || '|' || version as line from ${tables.state}`,
    line: idAndVersion,
    historySql: `select count(*) as n from ${tables.history}`,
    snapshotSql: [tables.state, tables.history, tables.rollup].map((t) => `select * from ${t}`),
  };
}

const CASES: SystemCase[] = [
  {
    name: 'dossier',
    // A tenth of a day: from this morning's midnight, plus the dossiers still in progress (≈ 16,000).
    simulate: (o) => startDossierSimulator({ ...o, live: false, backlogDays: 0.1 }),
    storedSql: "select source_id || '|' || version || '|' || status as line from dossier",
    line: (r) => `${idAndVersion(r)}|${r.status as string}`,
    historySql: 'select count(*) as n from dossier_event',
    snapshotSql: [
      'select * from dossier',
      'select * from dossier_superseded',
      // The rollup holds deltas, as many rows per key as batches touched it: equal sums per key, not equal rows.
      `select bucket, handling_agency_code, unit_code, sum(received)::int as received,
              sum(received_online)::int as received_online, sum(finished)::int as finished,
              sum(finished_on_time)::int as finished_on_time
       from dossier_rollup_minute group by 1, 2, 3`,
    ],
    counters: {
      sql: 'select coalesce(sum(received), 0)::int as received, coalesce(sum(finished), 0)::int as finished from dossier_rollup_minute',
      expected: (served) => ({
        received: served.filter((r) => r.received_at != null).length,
        finished: served.filter((r) => r.finished_at != null).length,
      }),
    },
  },
  stateHistoryRollup('document', startDocumentSimulator, {
    state: 'document',
    history: 'document_event',
    rollup: 'document_rollup_minute',
  }),
  stateHistoryRollup('project', startProjectSimulator, { state: 'project', history: 'project_update', rollup: 'project_rollup_minute' }),
  {
    name: 'kpi',
    simulate: (o) => startKpiFeedSimulator({ ...o, backlogDays: 1 }),
    // Every version of a sample is kept; the entity is its newest.
    storedSql: "select source_id || '|' || max(version) as line from kpi_sample group by source_id",
    line: idAndVersion,
    historySql: 'select count(*) as n from kpi_sample',
    snapshotSql: ['select * from kpi_sample', 'select * from kpi_sample_rollup_minute'],
  },
];
if (CASES.map((c) => c.name).join() !== WRITER_SYSTEMS.join()) throw new Error('a writer system has no case here');

const checksum = (lines: readonly string[]) =>
  createHash('sha256')
    .update([...lines].sort().join('\n'))
    .digest('hex');

async function storedLines(db: Queryable, sql: string): Promise<string[]> {
  return (await db.query<{ line: string }>(sql)).rows.map((r) => r.line);
}

/** Every row of each query but `ingested_at` (when the row was written: it differs between two stores), sorted. */
async function snapshot(db: Queryable, queries: readonly string[]): Promise<string[][]> {
  const out: string[][] = [];
  for (const sql of queries) {
    const rows = (await db.query<Record<string, unknown>>(sql)).rows;
    out.push(rows.map(({ ingested_at: _ingestedAt, ...row }) => JSON.stringify(row)).sort());
  }
  return out;
}

describe.skipIf(!KAFKA_TESTS).concurrent('record writers sharing Kafka partitions', { timeout: 120_000 }, () => {
  let catalogue: Catalogue;
  /** One simulator per system, shared by its tests: it serves the same records to every connector. */
  const sources = new Map<WriterSystemName, Promise<Source>>();

  beforeAll(async () => {
    catalogue = await loadCatalogue();
  });
  afterAll(async () => {
    for (const source of sources.values()) await (await source).stop();
  });

  const sourceOf = (c: SystemCase): Promise<Source> => {
    let source = sources.get(c.name);
    if (!source) {
      source = c.simulate({ catalogue, apiKey: API_KEY, clock: fakeClock(WEDNESDAY_MORNING), logger: silentLogger });
      sources.set(c.name, source);
    }
    return source;
  };

  /**
   * What a test starts with: the system's simulator, fresh topics and group, and starters for its pipeline pieces, each
   * stopped when the test ends, pass or fail. `onTestFinished` runs its callbacks last registered first, so connectors
   * and writers stop before the database they write to.
   */
  const begin = async (c: SystemCase, onTestFinished: TestContext['onTestFinished']) => {
    const source = await sourceOf(c);
    const system = await writerSystem(c.name);
    const kafka = await testKafka();
    const groupId = testGroupId();
    return {
      source,
      system,
      kafka,
      groupId,
      database: async () => {
        const opened = await openProcessDatabase();
        onTestFinished(() => opened.dispose());
        return opened;
      },
      writers: (db: Db): RecordWritersRole => {
        const role = system.startWriters({
          db,
          kafka,
          groupId,
          maxRecordsPerWrite: 500,
          retryBaseMilliseconds: 20,
          retryMaxMilliseconds: 200,
          logger: silentLogger,
        });
        onTestFinished(() => role.stop());
        return role;
      },
      connector: (db: Db) => {
        const role = system.startConnector({
          db,
          kafka,
          sourceUrl: source.url,
          apiKey: API_KEY,
          // Large pages: the test broker hands a writer one producer request's share of a partition per fetch.
          pageSize: 1000,
          pollIntervalMilliseconds: 20,
          maxRequestsPerSecond: 50,
          logger: silentLogger,
        });
        onTestFinished(() => role.stop());
        return role;
      },
    };
  };

  /**
   * Waits until the store holds exactly the served records (each entity at its served version), then returns what the
   * tests compare with the source: how many versions the history holds, and the system's counters if it has any.
   */
  const converged = async (c: SystemCase, db: Db, served: readonly Served[]) => {
    const expected = checksum(served.map(c.line));
    await waitFor(
      async () => checksum(await storedLines(db, c.storedSql)) === expected,
      `the store to hold the simulator's ${served.length} ${c.name} records`,
      GROUP_MILLISECONDS,
    );
    return {
      history: await countRows(db, c.historySql),
      counters: c.counters ? (await db.query(c.counters.sql)).rows[0] : undefined,
    };
  };

  describe.each(CASES)('$name', (c) => {
    it('when one of two writer processes is killed mid-stream, every record lands exactly once', async ({ expect, onTestFinished }) => {
      const run = await begin(c, onTestFinished);
      const { db, url } = await run.database();

      // The survivor forms the group and stays its leader; the victim, a process of its own, joins as a follower. The
      // mock broker refuses a follower's SyncGroup that comes after the leader's (INVALID_REQUEST, then a rejoin that
      // ends the same way): a follower in this busy test process would lag the leader every time.
      const survivor = run.writers(db);
      await waitFor(() => survivor.health().partitions === 4, 'the survivor to form the group', GROUP_MILLISECONDS);
      const victim = startWriterProcess(WRITER_PROCESS, {
        url,
        kafka: run.kafka,
        groupId: run.groupId,
        hangAfterWrites: 2,
        maxRecordsPerWrite: 100,
        env: { SYSTEM: c.name },
      });
      onTestFinished(() => victim.kill());
      await waitFor(
        () => survivor.health().partitions === 2 && victim.partitions === 2,
        'the group to give each writer 2 of the 4 partitions',
        GROUP_MILLISECONDS,
      );

      const connector = run.connector(db);
      // The victim commits its 3rd transaction to the database, then stalls before committing the offsets: killed there.
      const { written, lastSlice } = await waitFor(() => victim.hung, 'the victim to write and stall', GROUP_MILLISECONDS);
      expect(lastSlice).toBeGreaterThan(0);
      await victim.kill();
      await waitFor(() => survivor.health().partitions === 4, 'the survivor to take over all 4 partitions', GROUP_MILLISECONDS);

      const served = run.source.records();
      expect(served.length).toBeGreaterThan(100);
      const { history, counters } = await converged(c, db, served);
      await waitFor(() => connector.health().recordsTotal === served.length, 'the connector to count what it published');
      // Each version once in the history: the re-delivered slice was stored again as a no-op.
      expect(history).toBe(served.length);
      expect(counters).toEqual(c.counters?.expected(served));
      // The survivor re-read exactly the slice whose offsets the victim never committed.
      await waitFor(() => survivor.health().recordsTotal + written >= served.length + lastSlice, 'the survivor to count its records');
      expect(survivor.health().recordsTotal + written).toBe(served.length + lastSlice);
      expect(survivor.health().lastError).toBeNull();

      // State, history and counters: the store equals one clean write of the same records into an empty database.
      const reference = await run.database();
      await run.system.writeOnce(reference.db, served);
      expect(await snapshot(db, c.snapshotSql)).toEqual(await snapshot(reference.db, c.snapshotSql));
    });
  });

  const dossier = CASES.find((c) => c.name === 'dossier')!;

  it('two writers in one group split the partitions, and each record is handed to exactly one of them once', async ({
    expect,
    onTestFinished,
  }) => {
    const run = await begin(dossier, onTestFinished);
    const { db } = await run.database();
    const a = run.writers(db);
    const b = run.writers(db);
    await waitFor(
      () => a.health().partitions === 2 && b.health().partitions === 2,
      'the group to give each writer 2 of the 4 partitions',
      GROUP_MILLISECONDS,
    );

    const pull = run.connector(db);
    const served = run.source.records();
    const { history, counters } = await converged(dossier, db, served);
    expect(history).toBe(served.length);
    expect(counters).toEqual(dossier.counters?.expected(served));
    await waitFor(() => pull.health().recordsTotal === served.length, 'the connector to count what it published');
    expect(a.health().recordsTotal).toBeGreaterThan(0);
    expect(b.health().recordsTotal).toBeGreaterThan(0);
    // Each message was consumed by one member only, and only once: no record went to both, none came twice.
    expect(a.health().recordsTotal + b.health().recordsTotal).toBe(served.length);
    expect([a.health().lastError, b.health().lastError]).toEqual([null, null]);
  });

  it('commits offsets only after the database commit: through an outage the offsets stay, then the same records are written', async ({
    expect,
    onTestFinished,
  }) => {
    const run = await begin(dossier, onTestFinished);
    const opened = await run.database();
    let outage = true;
    let refusedCommits = 0;
    // The database runs each statement but loses the connection at COMMIT: the transaction rolls back.
    const failing = withTransaction(opened.db, (fn) =>
      opened.db.transaction(async (tx) => {
        const result = await fn(tx);
        if (outage) {
          refusedCommits += 1;
          throw new Error('connection lost before COMMIT');
        }
        return result;
      }),
    );
    const writer = run.writers(failing);
    const pull = run.connector(opened.db);
    const served = run.source.records();
    await waitFor(() => pull.health().recordsTotal === served.length, 'the connector to publish every record', GROUP_MILLISECONDS);
    await waitFor(() => refusedCommits >= 5, 'the writer to retry the failing batch', GROUP_MILLISECONDS);

    const topic = sourceTopic(run.kafka.topicPrefix, run.system.source);
    const admin = new Kafka({ brokers: run.kafka.brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    onTestFinished(() => admin.disconnect());
    const committed = async () => {
      const [offsets] = await admin.fetchOffsets({ groupId: run.groupId, topics: [topic] });
      return offsets!.partitions.map((p) => Number(p.offset));
    };
    expect(writer.health().lastError).toMatch(/connection lost before COMMIT/);
    expect(await countRows(opened.db, 'select count(*) as n from dossier')).toBe(0);
    // -1: the group never committed an offset on any partition.
    expect(await committed()).toEqual([-1, -1, -1, -1]);

    outage = false;
    const { history, counters } = await converged(dossier, opened.db, served);
    expect(history).toBe(served.length);
    expect(counters).toEqual(dossier.counters?.expected(served));
    const ends = (await admin.fetchTopicOffsets(topic)).map((p) => Number(p.high));
    await waitFor(async () => (await committed()).join() === ends.join(), 'the offsets to reach the end of each partition');
    expect(ends.reduce((sum, n) => sum + n, 0)).toBe(served.length);
    expect(writer.health()).toMatchObject({ lastError: null, recordsTotal: served.length });
  });
});
