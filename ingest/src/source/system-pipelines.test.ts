import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DocumentRecord,
  KpiSampleRecord,
  loadCatalogue,
  loadWorkingCalendar,
  ProjectRecord,
  writeDocumentBatch,
  writeKpiSampleBatch,
  writeProjectBatch,
  type Db,
  type Queryable,
} from '@ioc/core';
import { BACKENDS, openTestDb, type BackendName } from '@ioc/core/testing';
import { KAFKA_TESTS, testKafka } from '../../test/kafka-test-broker';
import { startDocumentIngest } from '../document/document-ingest';
import { startKpiFeedIngest } from '../kpi-feed/kpi-feed-ingest';
import { startProjectIngest } from '../project/project-ingest';
import { startDocumentSimulator } from '../sim/document-simulator';
import { startKpiFeedSimulator } from '../sim/kpi-feed-simulator';
import type { LgspSimulator } from '../sim/lgsp-api';
import { startProjectSimulator } from '../sim/project-simulator';
import type { SystemSimulatorOptions } from '../sim/sim-settings';
import { fakeClock, silentLogger, waitFor, WEDNESDAY_MORNING } from '../testing/test-support';
import type { SourceIngest, SourceIngestOptions } from './source-ingest';

const catalogue = await loadCatalogue();
const calendar = await loadWorkingCalendar();
const API_KEY = 'test-key';
const MALFORMED_EVERY = 40;
/** A day of documents into PGlite while the machine runs other suites: generous, a stuck pipeline still fails. */
const CATCH_UP_MILLISECONDS = 150_000;
const TEST_MILLISECONDS = 180_000;

interface SystemUnderTest {
  name: string;
  source: string;
  simulate(o: SystemSimulatorOptions): Promise<LgspSimulator>;
  ingest(o: SourceIngestOptions<never>): Promise<SourceIngest> | SourceIngest;
  /** source_id → version of what is stored (for the KPI feed: the newest version of each sample). */
  storedSql: string;
  /** Every table the writer fills, for "a replay changes nothing". */
  tables: string[];
  replay(db: Db, wire: Record<string, unknown>[]): Promise<unknown>;
}

const SYSTEMS: SystemUnderTest[] = [
  {
    name: 'document',
    source: 'qlvb',
    simulate: startDocumentSimulator,
    ingest: (o) => startDocumentIngest({ ...o, calendar }),
    storedSql: 'select source_id, version from document',
    tables: ['document', 'document_event', 'document_rollup_minute'],
    replay: (db, wire) =>
      writeDocumentBatch(
        db,
        calendar,
        'qlvb',
        wire.map((w) => DocumentRecord.parse(w)),
        null,
      ),
  },
  {
    name: 'project',
    source: 'csdldt',
    simulate: startProjectSimulator,
    ingest: startProjectIngest,
    storedSql: 'select source_id, version from project',
    tables: ['project', 'project_update', 'project_rollup_minute'],
    replay: (db, wire) =>
      writeProjectBatch(
        db,
        'csdldt',
        wire.map((w) => ProjectRecord.parse(w)),
        null,
      ),
  },
  {
    name: 'KPI feed',
    source: 'kpi',
    simulate: startKpiFeedSimulator,
    ingest: startKpiFeedIngest,
    storedSql: 'select source_id, max(version) as version from kpi_sample group by source_id',
    tables: ['kpi_sample', 'kpi_sample_rollup_minute'],
    replay: (db, wire) =>
      writeKpiSampleBatch(
        db,
        'kpi',
        wire.map((w) => KpiSampleRecord.parse(w)),
        null,
      ),
  },
];

async function stored(db: Queryable, sql: string): Promise<Map<string, number>> {
  const res = await db.query<{ source_id: string; version: string | number }>(sql);
  return new Map(res.rows.map((r) => [r.source_id, Number(r.version)]));
}

async function quarantined(db: Queryable, source: string): Promise<Map<string, string>> {
  const res = await db.query<{ source_id: string; reason: string }>('select source_id, reason from quarantine where source = $1', [source]);
  return new Map(res.rows.map((r) => [r.source_id, r.reason]));
}

async function snapshot(db: Queryable, tables: readonly string[]): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const t of tables) {
    const cols = t.endsWith('_minute') ? '*' : 'source_id, version';
    out.push((await db.query(`select ${cols} from ${t}`)).rows.map((r) => JSON.stringify(r)).sort());
  }
  return out;
}

/**
 * Each store with the in-process bus, and PostgreSQL with Kafka between connector and writer (against the broker in
 * KAFKA_BROKERS; in CI a missing broker fails it, see kafka-test-broker.ts): both transports pass the same suite.
 */
const RUNS: [BackendName, 'in-process' | 'kafka'][] = [
  ...BACKENDS.map((backend): [BackendName, 'in-process'] => [backend, 'in-process']),
  ...(KAFKA_TESTS ? [['postgres', 'kafka'] as [BackendName, 'kafka']] : []),
];

describe.each(RUNS)('document, project and KPI-feed pipelines on %s over the %s bus', (backend, transport) => {
  describe.each(SYSTEMS)('$name', (system) => {
    let db: Db;
    let dispose: () => Promise<void>;
    let simulator: LgspSimulator;
    let ingest: SourceIngest;
    const clock = fakeClock(WEDNESDAY_MORNING);

    beforeAll(async () => {
      ({ db, dispose } = await openTestDb(backend));
      simulator = await system.simulate({
        catalogue,
        apiKey: API_KEY,
        clock,
        backlogDays: 1,
        malformedEvery: MALFORMED_EVERY,
        logger: silentLogger,
      });
      ingest = await system.ingest({
        db,
        logger: silentLogger,
        clock,
        sourceUrl: simulator.url,
        apiKey: API_KEY,
        pollIntervalMilliseconds: 20,
        ...(transport === 'kafka' ? { kafka: await testKafka() } : {}),
      });
    });
    afterAll(async () => {
      await ingest?.stop();
      await simulator?.stop();
      await dispose?.();
    });

    /** Every record the source holds is stored at its version, or quarantined (its served version was broken). */
    async function caughtUp(): Promise<boolean> {
      const [have, bad] = [await stored(db, system.storedSql), await quarantined(db, system.source)];
      return simulator.records().every((r) => have.get(r.source_id as string) === r.version || bad.has(r.source_id as string));
    }

    it(
      'stores every record the simulator serves, and quarantines the malformed ones with their field path',
      async () => {
        await waitFor(caughtUp, `${system.name} pipeline to catch up`, CATCH_UP_MILLISECONDS);
        const records = simulator.records();
        const have = await stored(db, system.storedSql);
        const bad = await quarantined(db, system.source);
        expect(records.length).toBeGreaterThan(50);
        expect(bad.size).toBeGreaterThan(0);
        expect(have.size).toBeGreaterThan(records.length * 0.9);
        // A reason names the field: `status: …`, `unit_codes: …`, `numerator: …`.
        for (const reason of bad.values()) expect(reason).toMatch(/^[a-z_.0-9]+: /);
        expect(ingest.health()).toMatchObject({ lastError: null });
        expect(ingest.health().quarantinedTotal).toBeGreaterThan(0);
      },
      TEST_MILLISECONDS,
    );

    it(
      'follows the clock: records changed two hours later are pulled too',
      async () => {
        const before = simulator.records();
        clock.advance(2 * 3_600_000);
        const after = simulator.records();
        const changed = after.filter((r) => before.find((b) => b.source_id === r.source_id)?.version !== r.version);
        if (system.name !== 'project') expect(changed.length).toBeGreaterThan(0);
        await waitFor(caughtUp, `${system.name} pipeline to catch up after the clock moved`, CATCH_UP_MILLISECONDS);
      },
      TEST_MILLISECONDS,
    );

    it(
      'replaying every record twice changes no row and no rollup',
      async () => {
        await waitFor(caughtUp, `${system.name} pipeline to be idle`, CATCH_UP_MILLISECONDS);
        await ingest.stop();
        const before = await snapshot(db, system.tables);
        // The records the pipeline stored (a quarantined version was never written: replaying its clean form would add it).
        const bad = await quarantined(db, system.source);
        const wire = simulator.records().filter((r) => !bad.has(r.source_id as string));
        expect(wire.length).toBeGreaterThan(0);
        await system.replay(db, wire);
        await system.replay(db, wire);
        expect(await snapshot(db, system.tables)).toEqual(before);
      },
      TEST_MILLISECONDS,
    );
  });
});
