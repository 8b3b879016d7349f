import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DossierRecord,
  dossierContributions,
  listQuarantine,
  loadCatalogue,
  migrate,
  openPgDb,
  type Db,
  type Dossier,
  type DossierWire,
} from '@ioc/core';
import { createTestDatabase, type TestDatabase } from '@ioc/core/testing';
import { startDossierSimulator, type DossierSimulator } from '../src/sim/dossier-simulator';
import { createRandom } from '../src/sim/prng';
import { validateDossierItems } from '../src/dossier/validate-dossier-items';
import { rollupTotals } from '../src/testing/store-probes';
import { fakeClock, silentLogger, waitFor, WEDNESDAY_MORNING } from '../src/testing/test-support';

// The test: the real `ioc ingest` process pulls a simulator that misbehaves (latency, 5xx bursts, duplicates,
// late older versions, malformed records) and is SIGKILLed at random moments, again and again, while the simulated
// world keeps changing. In the end the database must hold exactly what the simulator serves: none lost, none doubled,
// every malformed record in quarantine with its reason.

const IOC = fileURLToPath(new URL('../../server/bin/ioc.js', import.meta.url));
const API_KEY = 'fault-test-key';
const KILLS = 10;
const MALFORMED_EVERY = 9;

let database: TestDatabase;
let db: Db;
let sim: DossierSimulator;
const children = new Set<ChildProcess>();
/** The end of what the ingest processes wrote to stderr, for a failure message. */
let lastStderr = '';

function startIngest(): ChildProcess {
  const child = spawn(process.execPath, [IOC, 'ingest'], {
    env: {
      ...process.env,
      DATABASE_URL: database.url,
      IOC_DVC_URL: sim.url,
      IOC_DVC_API_KEY: API_KEY,
      IOC_POLL_INTERVAL_MS: '100',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr?.on('data', (d: Buffer) => (lastStderr = (lastStderr + d.toString()).slice(-2000)));
  child.stdout?.on('data', (d: Buffer) => (lastStderr = (lastStderr + d.toString()).slice(-2000)));
  children.add(child);
  child.once('exit', (code, signal) => {
    lastStderr += `\n[exit ${code ?? signal}]`;
    children.delete(child);
  });
  return child;
}

async function kill(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  await exited;
}

/** Pulls recorded in the source's health row: how the test knows a started process is running. */
async function pullsSoFar(): Promise<number> {
  const res = await db.query<{ n: string }>("select coalesce(max(pulls_total), 0) as n from source_health where source = 'dvc'");
  return Number(res.rows[0]!.n);
}

/** One line per dossier, as a user would compare them: id, version, status, last change. */
const lineOf = (id: string, version: number, status: string, at: string) => `${id}|${version}|${status}|${new Date(at).toISOString()}`;
const checksum = (lines: string[]) => createHash('sha256').update(lines.sort().join('\n')).digest('hex');

async function storedLines(): Promise<string[]> {
  const res = await db.query<{ source_id: string; version: string; status: string; source_updated_at: Date }>(
    "select source_id, version, status, source_updated_at from dossier where source_system = 'dvc'",
  );
  return res.rows.map((r) => lineOf(r.source_id, Number(r.version), r.status, r.source_updated_at.toISOString()));
}

/**
 * What the simulator serves now, split by whether the current version comes through broken: the served page shows it
 * (the fault layer passes malformed records as the API makes them; duplicates and late versions repeat records).
 */
async function servedNow(): Promise<{ good: DossierWire[]; broken: Map<string, number> }> {
  const records = sim.records();
  const good: DossierWire[] = [];
  const broken = new Map<string, number>();
  const served = await pullEverything();
  const brokenIds = new Set(validateDossierItems(served).rejected.map((r) => `${r.sourceId}`));
  for (const r of records) if (brokenIds.has(r.source_id)) broken.set(r.source_id, r.version);
  for (const r of records) if (!broken.has(r.source_id)) good.push(r);
  return { good, broken };
}

type Cursor = { updated_since: string; after_id: string } | null;

/** The whole current world through the API from the beginning (what a fresh client would pull), de-duplicated. */
async function pullEverything(): Promise<unknown[]> {
  const byId = new Map<string, unknown>();
  let cursor: Cursor = null;
  for (;;) {
    const url = new URL('/api/v1/dossiers', sim.url);
    url.searchParams.set('limit', '1000');
    if (cursor) {
      url.searchParams.set('updated_since', cursor.updated_since);
      url.searchParams.set('after_id', cursor.after_id);
    }
    const res = await fetch(url, { headers: { 'x-api-key': API_KEY } });
    if (res.status !== 200) continue; // an injected 503: ask again
    const page = (await res.json()) as { items: { source_id: string; version: number }[]; next: Cursor };
    // Keep the newest version of each: late updates re-serve older ones.
    for (const item of page.items) {
      const seen = byId.get(item.source_id) as { version: number } | undefined;
      if (!seen || seen.version < item.version) byId.set(item.source_id, item);
    }
    if (!page.next) return [...byId.values()];
    cursor = page.next;
  }
}

describe('ioc ingest under faults and SIGKILL', () => {
  beforeAll(async () => {
    database = await createTestDatabase('ioc_fault');
    db = await openPgDb({ connectionString: database.url, max: 2 });
    await migrate(db);
    sim = await startDossierSimulator({
      catalogue: await loadCatalogue(),
      apiKey: API_KEY,
      // A stepped clock: the world moves only when the test steps it, so the end state is well defined.
      clock: fakeClock(WEDNESDAY_MORNING),
      live: false,
      backlogDays: 0,
      malformedEvery: MALFORMED_EVERY,
      // A late update needs a record served again at a newer version, which only some pulls do: one in two such
      // items gets its older version after it, so that every run meets some (one in ten met none on a quiet machine).
      faults: { latencyMilliseconds: 40, errorBurstEvery: 12, errorBurstLength: 2, duplicateEvery: 15, staleEvery: 2 },
      logger: silentLogger,
    });
  });
  afterAll(async () => {
    for (const child of children) await kill(child, 'SIGKILL');
    await sim?.stop();
    await db?.close();
    await database?.drop();
  });

  it(`stores exactly the simulator's records after ${KILLS} SIGKILLs, with every malformed one in quarantine`, async () => {
    const random = createRandom(20251125);
    let kills = 0;
    for (; kills < KILLS; kills += 1) {
      const pulled = await pullsSoFar();
      const child = startIngest();
      // A random moment once it runs (the first pull done): mid-pull, mid-write, or between them.
      await waitFor(async () => (await pullsSoFar()) > pulled, `ingest run ${kills + 1} to pull`, 120_000).catch((err: Error) => {
        throw new Error(`${err.message}; its output ended with: ${lastStderr}`);
      });
      await new Promise((resolve) => setTimeout(resolve, Math.floor(random.next() * 1500)));
      // The world moves on between and during runs: new dossiers and newer versions of pulled ones.
      sim.step(40 + Math.floor(random.next() * 80));
      await kill(child, 'SIGKILL');
    }
    expect(kills).toBe(KILLS);

    // The simulator's view of the world, now that it stands still (asked before the last run, to keep them apart).
    const { good, broken } = await servedNow();
    const last = startIngest();
    const expected = good.map((r) => lineOf(r.source_id, r.version, r.status, r.source_updated_at));
    const expectedIds = new Set(good.map((r) => r.source_id));
    await waitFor(
      async () => {
        const lines = (await storedLines()).filter((l) => expectedIds.has(l.split('|')[0]!));
        return lines.length === expected.length && checksum(lines) === checksum(expected);
      },
      `the store to hold the simulator's ${expected.length} well-formed dossiers`,
      120_000,
    ).catch(async (err: Error) => {
      const lines = (await storedLines()).filter((l) => expectedIds.has(l.split('|')[0]!));
      const missing = expected.filter((l) => !lines.includes(l)).slice(0, 3);
      throw new Error(`${err.message}: ${lines.length} stored, e.g. missing ${missing.join(', ')}; ingest output: ${lastStderr}`);
    });
    await kill(last, 'SIGTERM');

    // Exactly the simulator's records: count and checksum over (id, version, status, last change).
    const stored = await storedLines();
    const storedGood = stored.filter((l) => expectedIds.has(l.split('|')[0]!));
    expect(storedGood.length).toBe(expected.length);
    expect(checksum(storedGood)).toBe(checksum(expected));
    // Nothing else: a dossier whose current version is broken holds an older good version at most.
    const others = stored.filter((l) => !expectedIds.has(l.split('|')[0]!));
    for (const line of others) {
      const [id, version] = line.split('|');
      expect(broken.has(id!), `${id} is stored but the simulator does not serve it`).toBe(true);
      expect(Number(version)).toBeLessThan(broken.get(id!)!);
    }

    // None doubled: the per-minute counters add up to the stored states, however often pages were re-pulled.
    const rows = await db.query<Dossier>("select * from dossier where source_system = 'dvc'");
    const contributions = rows.rows.flatMap((d) => dossierContributions(d));
    const rollup = await rollupTotals(db);
    expect(rollup.received).toBe(contributions.reduce((n, c) => n + c.received, 0));
    expect(rollup.finished).toBe(contributions.reduce((n, c) => n + c.finished, 0));
    expect(rollup.finishedOnTime).toBe(contributions.reduce((n, c) => n + c.finishedOnTime, 0));

    // Every malformed current version is in quarantine, with a reason naming the broken field; nothing valid is.
    expect(broken.size).toBeGreaterThan(0);
    const quarantined = await listQuarantine(db, { source: 'dvc', limit: 100_000 });
    const quarantinedVersions = new Set(quarantined.map((q) => `${q.sourceId}@${(q.raw as { version?: number }).version}`));
    for (const [id, version] of broken) expect(quarantinedVersions.has(`${id}@${version}`), `${id}@${version} in quarantine`).toBe(true);
    for (const q of quarantined) {
      expect(DossierRecord.safeParse(q.raw).success).toBe(false);
      expect(q.reason).toMatch(/^(status|unit_code|received_at): /);
    }
    // The faults really happened.
    const injected = sim.faultCounters();
    expect(injected.errors).toBeGreaterThan(0);
    expect(injected.duplicates).toBeGreaterThan(0);
    expect(injected.stale).toBeGreaterThan(0);
    // Each run of `ioc ingest` starts tsx (about 2 s on an idle machine, over 10 s on a loaded one).
  }, 600_000);
});
