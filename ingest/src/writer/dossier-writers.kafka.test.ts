import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogue, type Db } from '@ioc/core';
import { KAFKA_TESTS, testGroupId, testKafka } from '../../test/kafka-test-broker';
import { withTransaction } from '../../test/with-transaction';
import { sourceTopic, type KafkaOptions } from '../bus/kafka-settings';
import { startDossierConnector, type DossierConnectorRole } from '../dossier/start-dossier-connector';
import { startDossierSimulator, type DossierSimulator } from '../sim/dossier-simulator';
import { openProcessDatabase } from '../testing/process-database';
import { countRows, rollupTotals, sameEntries, sourceDossiers, storedDossiers } from '../testing/store-probes';
import { fakeClock, silentLogger, waitFor, WEDNESDAY_MORNING } from '../testing/test-support';
import { startWriterProcess } from '../testing/writer-process';
import { startDossierWriters, type DossierWritersRole } from './start-dossier-writers';

const API_KEY = 'writers-key';
/** A consumer group settles within ≈ 2 × the 6 s session timeout on the mock broker; a crash adds one more. */
const GROUP_MILLISECONDS = 30_000;
const WRITER_PROCESS = fileURLToPath(new URL('../../test/dossier-writer-process.ts', import.meta.url));

describe.skipIf(!KAFKA_TESTS)('dossier writers sharing Kafka partitions', { timeout: 90_000 }, () => {
  let sim: DossierSimulator;
  const cleanup: Array<() => Promise<unknown>> = [];

  beforeAll(async () => {
    sim = await startDossierSimulator({
      catalogue: await loadCatalogue(),
      apiKey: API_KEY,
      clock: fakeClock(WEDNESDAY_MORNING),
      live: false,
      backlogDays: 0.1,
      logger: silentLogger,
    });
  });
  afterEach(async () => {
    // Most recent first: connectors and writers before the database they write to.
    for (const stop of cleanup.splice(0).reverse()) await stop();
  });
  afterAll(async () => {
    await sim?.stop();
  });

  const connector = (db: Db, kafka: KafkaOptions): DossierConnectorRole => {
    const role = startDossierConnector({
      db,
      kafka,
      sourceUrl: sim.url,
      apiKey: API_KEY,
      // Large pages: the test broker hands a writer one producer request's share of a partition per fetch.
      pageSize: 1000,
      pollIntervalMilliseconds: 20,
      logger: silentLogger,
    });
    cleanup.push(() => role.stop());
    return role;
  };
  const writers = (db: Db, kafka: KafkaOptions, groupId: string, maxRecordsPerWrite = 500): DossierWritersRole => {
    const role = startDossierWriters({
      db,
      kafka,
      groupId,
      maxRecordsPerWrite,
      retryBaseMilliseconds: 20,
      retryMaxMilliseconds: 200,
      logger: silentLogger,
    });
    cleanup.push(() => role.stop());
    return role;
  };
  const database = async () => {
    const opened = await openProcessDatabase();
    cleanup.push(() => opened.dispose());
    return opened;
  };
  /** Waits until the store holds exactly the simulator's dossiers, each version once in the history. */
  const converged = async (db: Db) => {
    const expected = sourceDossiers(sim.records());
    await waitFor(
      async () => sameEntries(await storedDossiers(db, 'dvc'), expected),
      `all ${expected.size} dossiers stored`,
      GROUP_MILLISECONDS,
    );
    const records = sim.records();
    expect(await countRows(db, 'select count(*) as n from dossier_event')).toBe(records.length);
    const totals = await rollupTotals(db);
    expect(totals.received).toBe(records.filter((r) => r.received_at != null).length);
    expect(totals.finished).toBe(records.filter((r) => r.finished_at != null).length);
  };

  it('two writers in one group split the partitions, and each record is handed to exactly one of them once', async () => {
    const { db } = await database();
    const kafka = await testKafka();
    const groupId = testGroupId();
    const a = writers(db, kafka, groupId);
    const b = writers(db, kafka, groupId);
    await waitFor(
      () => a.health().partitions === 2 && b.health().partitions === 2,
      'the group to give each writer 2 of the 4 partitions',
      GROUP_MILLISECONDS,
    );

    const pull = connector(db, kafka);
    await converged(db);
    const published = sim.records().length;
    await waitFor(() => pull.health().recordsTotal === published, 'the connector to count what it published');
    expect(a.health().recordsTotal).toBeGreaterThan(0);
    expect(b.health().recordsTotal).toBeGreaterThan(0);
    // Each message was consumed by one member only, and only once: no record went to both, none came twice.
    expect(a.health().recordsTotal + b.health().recordsTotal).toBe(published);
    expect([a.health().lastError, b.health().lastError]).toEqual([null, null]);
  });

  it('when a writer process dies mid-stream, the other takes over its partitions from the last committed offset; nothing is lost or doubled', async () => {
    const { db, url } = await database();
    const kafka = await testKafka();
    const groupId = testGroupId();
    const victim = startWriterProcess(WRITER_PROCESS, { url, kafka, groupId, hangAfterWrites: 3, maxRecordsPerWrite: 100 });
    cleanup.push(() => victim.kill());
    // Both join within the broker's first 3 s: one assignment instead of a second rebalance (≈ 10 s on the mock).
    await waitFor(() => victim.started, 'the writer process to start', GROUP_MILLISECONDS);
    const survivor = writers(db, kafka, groupId);
    await waitFor(
      () => survivor.health().partitions === 2 && victim.partitions === 2,
      'the group to give each writer 2 of the 4 partitions',
      GROUP_MILLISECONDS,
    );

    connector(db, kafka);
    // The victim commits its 4th transaction to the database, then stalls before committing the offsets: killed there.
    const { written, lastSlice } = await waitFor(() => victim.hung, 'the victim to write and stall', GROUP_MILLISECONDS);
    expect(lastSlice).toBeGreaterThan(0);
    await victim.kill();
    await waitFor(() => survivor.health().partitions === 4, 'the survivor to take over all 4 partitions', GROUP_MILLISECONDS);
    await converged(db);

    // The survivor re-read exactly the slice whose offsets the victim never committed, and stored it again as a no-op.
    const published = sim.records().length;
    await waitFor(() => survivor.health().recordsTotal + written >= published + lastSlice, 'the survivor to count its records');
    expect(survivor.health().recordsTotal + written).toBe(published + lastSlice);
  });

  it('commits offsets only after the database commit: through an outage the offsets stay, then the same records are written', async () => {
    const opened = await database();
    const kafka = await testKafka();
    const groupId = testGroupId();
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
    const writer = writers(failing, kafka, groupId);
    const pull = connector(opened.db, kafka);
    const published = sim.records().length;
    await waitFor(() => pull.health().recordsTotal === published, 'the connector to publish every record', GROUP_MILLISECONDS);
    await waitFor(() => refusedCommits >= 5, 'the writer to retry the failing batch', GROUP_MILLISECONDS);

    const topic = sourceTopic(kafka.topicPrefix, 'dvc');
    const admin = new Kafka({ brokers: kafka.brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const committed = async () => {
        const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
        return offsets!.partitions.map((p) => Number(p.offset));
      };
      expect(writer.health().lastError).toMatch(/connection lost before COMMIT/);
      expect(await countRows(opened.db, 'select count(*) as n from dossier')).toBe(0);
      // -1: the group never committed an offset on any partition.
      expect(await committed()).toEqual([-1, -1, -1, -1]);

      outage = false;
      await converged(opened.db);
      const ends = (await admin.fetchTopicOffsets(topic)).map((p) => Number(p.high));
      await waitFor(async () => (await committed()).join() === ends.join(), 'the offsets to reach the end of each partition');
      expect(ends.reduce((sum, n) => sum + n, 0)).toBe(published);
      expect(writer.health()).toMatchObject({ lastError: null, recordsTotal: published });
    } finally {
      await admin.disconnect();
    }
  });
});
