import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogue, migrate, openPgDb, type Db } from '@ioc/core';
import { createTestDatabase, type TestDatabase } from '@ioc/core/testing';
import { startDocumentSimulator, startKpiFeedSimulator, startProjectSimulator, type LgspSimulator } from '@ioc/ingest';
import { pino } from 'pino';

// `ioc ingest` for the document system, the project database and the KPI feed, as an operator runs it: one process
// with the in-process bus, then split into a connector and a writer over Kafka (when a broker is at KAFKA_BROKERS).

const IOC = fileURLToPath(new URL('../bin/ioc.js', import.meta.url));
const API_KEY = 'cli-ingest-key';
const WEDNESDAY_MORNING = Date.parse('2026-03-11T10:00:00+07:00');
const KAFKA_BROKERS = process.env.KAFKA_BROKERS?.trim() || undefined;
const KAFKA_TESTS = KAFKA_BROKERS !== undefined || Boolean(process.env.CI);
const CONVERGE_MILLISECONDS = 60_000;

/** The sources an operator's shell may already point at: each test names its own. */
const SOURCE_VARIABLES = [
  'IOC_DVC_URL',
  'IOC_DVC_API_KEY',
  'IOC_QLVB_URL',
  'IOC_QLVB_API_KEY',
  'IOC_CSDLDT_URL',
  'IOC_CSDLDT_API_KEY',
  'IOC_KPI_URL',
  'IOC_KPI_API_KEY',
  'IOC_INGEST_SYSTEMS',
];
const environment = (env: Record<string, string>): NodeJS.ProcessEnv => {
  const out = { ...process.env };
  for (const name of SOURCE_VARIABLES) delete out[name];
  return { ...out, ...env };
};

/** Runs the real `ioc` command to its end and collects what a person would see. */
function runIoc(args: string[], env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [IOC, ...args], { env: environment(env), stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

async function waitFor(probe: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + CONVERGE_MILLISECONDS;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${CONVERGE_MILLISECONDS} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('ioc ingest configuration', () => {
  const none = { KAFKA_BROKERS: '', DATABASE_URL: '' };
  it.each([
    [
      [],
      {},
      /^ioc: invalid configuration: no source system to pull: set IOC_DVC_URL and IOC_DVC_API_KEY, or IOC_QLVB_URL and IOC_QLVB_API_KEY/,
    ],
    [['--system', 'document'], {}, /IOC_QLVB_URL and IOC_QLVB_API_KEY are required to pull the document system/],
    [[], { IOC_CSDLDT_URL: 'http://127.0.0.1:9' }, /IOC_CSDLDT_URL and IOC_CSDLDT_API_KEY are required to pull the project database/],
    [['--system', 'weather'], {}, /IOC_INGEST_SYSTEMS=weather: expected dossier, document, project or kpi/],
    [[], { IOC_SOURCE_MAX_REQUESTS_PER_SECOND: '0' }, /IOC_SOURCE_MAX_REQUESTS_PER_SECOND=0: expected a number of requests per second/],
    [[], { IOC_KPI_URL: 'ftp://x', IOC_KPI_API_KEY: 'a-key-long-enough' }, /IOC_KPI_URL=ftp:\/\/x: expected an http\(s\) URL/],
  ])('ioc ingest %j with %j exits 2 naming the variable', async (args, env, message) => {
    const r = await runIoc(['ingest', ...args], { ...none, ...env });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(message);
  });

  it('never shows a source API key in its refusal', async () => {
    const r = await runIoc(['ingest'], { ...none, IOC_QLVB_URL: 'http://127.0.0.1:9', IOC_QLVB_API_KEY: 'short' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('IOC_QLVB_API_KEY=…: expected an API key of at least 8 characters');
    expect(r.stderr).not.toContain('short');
  });
});

describe('ioc ingest of the document, project and KPI-feed systems', { timeout: 180_000 }, () => {
  let database: TestDatabase;
  let db: Db;
  const sims: Record<'document' | 'project' | 'kpi', LgspSimulator> = {} as never;
  const children = new Set<ChildProcess>();

  beforeAll(async () => {
    database = await createTestDatabase('ioc_cli_ingest');
    db = await openPgDb({ connectionString: database.url, max: 2 });
    await migrate(db);
    const catalogue = await loadCatalogue();
    const common = {
      catalogue,
      apiKey: API_KEY,
      clock: { now: () => new Date(WEDNESDAY_MORNING) },
      backlogDays: 1,
      logger: pino({ level: 'silent' }),
    };
    sims.document = await startDocumentSimulator(common);
    sims.project = await startProjectSimulator(common);
    sims.kpi = await startKpiFeedSimulator(common);
  });
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await Promise.all(Object.values(sims).map((s) => s.stop()));
    await db?.close();
    await database?.drop();
  });

  const start = (args: string[], env: Record<string, string>): ChildProcess => {
    const child = spawn(process.execPath, [IOC, 'ingest', ...args], {
      env: environment({ DATABASE_URL: database.url, IOC_POLL_INTERVAL_MS: '100', LOG_LEVEL: 'warn', ...env }),
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.add(child);
    child.once('exit', () => children.delete(child));
    return child;
  };
  const stop = async (child: ChildProcess): Promise<number | null> => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    return exited;
  };
  const sourceEnv = (systems: readonly ('document' | 'project' | 'kpi')[]) => {
    const names = { document: 'QLVB', project: 'CSDLDT', kpi: 'KPI' } as const;
    return Object.fromEntries(
      systems.flatMap((s) => [
        [`IOC_${names[s]}_URL`, sims[s].url],
        [`IOC_${names[s]}_API_KEY`, API_KEY],
      ]),
    );
  };
  const holds = async (system: 'document' | 'project' | 'kpi'): Promise<boolean> => {
    const sql = {
      document: "select source_id, version from document where source_system = 'qlvb'",
      project: "select source_id, version from project where source_system = 'csdldt'",
      kpi: "select source_id, max(version) as version from kpi_sample where source_system = 'kpi' group by source_id",
    }[system];
    const stored = new Map((await db.query<{ source_id: string; version: string }>(sql)).rows.map((r) => [r.source_id, Number(r.version)]));
    const served = sims[system].records();
    return stored.size === served.length && served.every((r) => stored.get(r.source_id as string) === r.version);
  };
  const clear = async () => {
    for (const t of [
      'document',
      'document_event',
      'document_rollup_minute',
      'project',
      'project_update',
      'project_rollup_minute',
      'kpi_sample',
    ])
      await db.query(`delete from ${t}`);
    await db.query("delete from ingest_checkpoint where source in ('qlvb', 'csdldt', 'kpi')");
  };

  it('pulls every configured system into the store in one process, and stops cleanly on SIGTERM', async () => {
    const child = start([], sourceEnv(['document', 'project', 'kpi']));
    for (const system of ['document', 'project', 'kpi'] as const) await waitFor(() => holds(system), `the ${system} records to be stored`);
    expect(await stop(child)).toBe(0);
  });

  it.skipIf(!KAFKA_TESTS)('splits into a connector and a writer over Kafka, --system naming what each runs', async () => {
    await clear();
    const kafka = {
      KAFKA_BROKERS: KAFKA_BROKERS ?? '',
      IOC_KAFKA_TOPIC_PREFIX: `t${Date.now().toString(36)}`,
      IOC_SOURCE_MAX_REQUESTS_PER_SECOND: '50',
    };
    const writer = start(['--role', 'writer', '--system', 'document,kpi'], kafka);
    const connector = start(['--role', 'connector', '--system', 'document,kpi'], { ...kafka, ...sourceEnv(['document', 'kpi']) });
    for (const system of ['document', 'kpi'] as const) await waitFor(() => holds(system), `the ${system} records to be stored`);
    // Not named: not pulled, although nothing else would have stopped it.
    expect((await db.query('select count(*)::int as n from project')).rows[0]).toEqual({ n: 0 });
    expect(await stop(connector)).toBe(0);
    expect(await stop(writer)).toBe(0);
  });
});
