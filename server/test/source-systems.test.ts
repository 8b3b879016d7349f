import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import {
  loadCatalogue,
  loadWorkingCalendar,
  writeDocumentBatch,
  writeKpiSampleBatch,
  writeProjectBatch,
  type Db,
  type RejectedRecord,
} from '@ioc/core';
import {
  startDocumentIngest,
  startDocumentSimulator,
  startKpiFeedIngest,
  startKpiFeedSimulator,
  startProjectSimulator,
  type LgspSimulator,
  type SourceIngest,
  type SourceIngestOptions,
  type SystemSimulatorOptions,
} from '@ioc/ingest';
import { STRONG, TestClient, runIoc, signedIn, startTestServer, type TestServer } from './auth-harness';

// Source health and quarantine replay for the document system, the project database and the KPI feed (the generic
// pipeline), on a real server over PostgreSQL, fed by their simulators over HTTP, with a fake clock.

const API_KEY = 'source-systems-test-key';
const silent = pino({ level: 'silent' });
const calendar = await loadWorkingCalendar();

let ts: TestServer;
let operator: TestClient;

interface SourcesBody {
  sources: {
    source: string;
    system: string;
    lastSuccessAt: string | null;
    lastError: string | null;
    recordsTotal: number;
    pullsTotal: number;
    quarantined: number;
    freshness: { level: string; thresholdsMinutes: { warnMinutes: number; criticalMinutes: number } | null };
  }[];
}
interface ListBody {
  items: { id: number; source: string; sourceId: string | null; reason: string; replayedAt: string | null }[];
  total: number;
}
interface ReplayBody {
  replayed: number[];
  stillFailing: { id: number; reason: string }[];
  skipped: number[];
}

async function until<T>(probe: () => Promise<T | undefined | false | null>, what: string): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const health = async (source: string) => (await operator.get<SourcesBody>('/api/sources')).body.sources.find((s) => s.source === source);

beforeAll(async () => {
  ts = await startTestServer({ backend: 'postgres' });
  const { password } = await ts.addAccount('vanhanh', 'operator');
  operator = await signedIn(ts.url, 'vanhanh', password!, STRONG);
});
afterAll(async () => {
  await ts?.close();
});

interface StaleCase {
  system: string;
  source: string;
  simulate(o: SystemSimulatorOptions): Promise<LgspSimulator>;
  ingest(o: SourceIngestOptions<never>): Promise<SourceIngest> | SourceIngest;
  warnMinutes: number;
  criticalMinutes: number;
}

const STALE_CASES: StaleCase[] = [
  {
    system: 'document',
    source: 'qlvb_live',
    simulate: startDocumentSimulator,
    ingest: (o) => startDocumentIngest({ ...o, calendar }),
    warnMinutes: 10,
    criticalMinutes: 30,
  },
  // Thresholds per pull interval: 2× and 5× the feed's 5 minutes.
  {
    system: 'kpi_feed',
    source: 'kpi_live',
    simulate: startKpiFeedSimulator,
    ingest: startKpiFeedIngest,
    warnMinutes: 10,
    criticalMinutes: 25,
  },
];

describe.each(STALE_CASES)('GET /api/sources for the $system system', (c) => {
  let sim: LgspSimulator;
  let ingest: SourceIngest | undefined;
  afterAll(async () => {
    await ingest?.stop();
    await sim?.stop();
  });

  it('records every pull, and shows a source that stops answering stale at its thresholds', async () => {
    sim = await c.simulate({ catalogue: await loadCatalogue(), apiKey: API_KEY, clock: ts.clock, backlogDays: 0, logger: silent });
    ingest = await c.ingest({
      db: ts.db,
      logger: silent,
      clock: ts.clock,
      sourceUrl: sim.url,
      apiKey: API_KEY,
      sourceSystem: c.source,
      pollIntervalMilliseconds: 50,
      requestTimeoutMilliseconds: 1000,
      retryBaseMilliseconds: 10,
      retryMaxMilliseconds: 50,
    });
    const first = await until(async () => {
      const h = await health(c.source);
      return h?.freshness.level === 'ok' && h.recordsTotal > 0 && h;
    }, `${c.system}: a first successful pull with records`);
    expect(first.system).toBe(c.system);
    expect(first.freshness.thresholdsMinutes).toEqual({ warnMinutes: c.warnMinutes, criticalMinutes: c.criticalMinutes });
    expect(first.lastError).toBeNull();

    // Stops answering: attempts fail, the last success stays where it was.
    sim.setSilent('down');
    await until(async () => (await health(c.source))?.lastError, `${c.system}: a failed pull`);
    const lastSuccess = Date.parse((await health(c.source))!.lastSuccessAt!);
    const at = (minutes: number) => ts.clock.set(new Date(lastSuccess + minutes * 60_000).toISOString());
    at(c.warnMinutes - 0.5);
    expect((await health(c.source))!.freshness.level).toBe('ok');
    at(c.warnMinutes + 0.5);
    expect((await health(c.source))!.freshness.level).toBe('warning');
    at(c.criticalMinutes + 0.5);
    const dead = (await health(c.source))!;
    expect(dead.freshness.level).toBe('critical');
    expect(dead.lastSuccessAt).toBe(new Date(lastSuccess).toISOString());

    const metrics = await fetch(`${ts.url}/metrics`).then((r) => r.text());
    expect(metrics).toContain(`ioc_source_freshness_level{source="${c.source}",system="${c.system}"} 2`);
    expect(metrics).toMatch(new RegExp(`ioc_source_last_success_timestamp_seconds\\{source="${c.source}",system="${c.system}"\\} \\d`));

    // Answers again: fresh at once.
    sim.setSilent(null);
    await until(async () => (await health(c.source))?.freshness.level === 'ok', `${c.system}: fresh again`);
  }, 120_000);
});

interface ReplayCase {
  system: string;
  source: string;
  table: string;
  simulate(o: SystemSimulatorOptions): Promise<LgspSimulator>;
  /** Stores refused records as a pull with an older schema would have. */
  quarantine(db: Db, source: string, rejected: RejectedRecord[]): Promise<unknown>;
  /** A way the source breaks a record, and the start of the reason today's schema gives. */
  breakRecord(wire: Record<string, unknown>): Record<string, unknown>;
  reason: RegExp;
}

const REPLAY_CASES: ReplayCase[] = [
  {
    system: 'document',
    source: 'qlvb',
    table: 'document',
    simulate: startDocumentSimulator,
    quarantine: (db, source, rejected) => writeDocumentBatch(db, calendar, source, [], null, rejected),
    breakRecord: (w) => ({ ...w, status: 'bogus' }),
    reason: /^status: .*got "bogus"/,
  },
  {
    system: 'project',
    source: 'csdldt',
    table: 'project',
    simulate: startProjectSimulator,
    quarantine: (db, source, rejected) => writeProjectBatch(db, source, [], null, rejected),
    breakRecord: (w) => ({ ...w, total_investment_vnd: -1 }),
    reason: /^total_investment_vnd: /,
  },
  {
    system: 'KPI feed',
    source: 'kpi',
    table: 'kpi_sample',
    simulate: startKpiFeedSimulator,
    quarantine: (db, source, rejected) => writeKpiSampleBatch(db, source, [], null, rejected),
    breakRecord: (w) => ({ ...w, numerator: 'chín' }),
    reason: /^numerator: /,
  },
];

describe.each(REPLAY_CASES)('quarantine replay for the $system system', (c) => {
  let sim: LgspSimulator;
  let good: Record<string, unknown>[];
  const ids = new Map<string, number>();
  const stored = async (sourceId: unknown) =>
    (
      await ts.db.query<{ n: number }>(`select count(*)::int as n from ${c.table} where source_system = $1 and source_id = $2`, [
        c.source,
        sourceId,
      ])
    ).rows[0]!.n;

  beforeAll(async () => {
    sim = await c.simulate({ catalogue: await loadCatalogue(), apiKey: API_KEY, clock: ts.clock, backlogDays: 0, logger: silent });
    good = sim.records().slice(0, 3);
    // Two records broken at the source, and one that an older schema refused but today's accepts.
    await c.quarantine(ts.db, c.source, [
      { sourceId: good[0]!.source_id as string, raw: c.breakRecord(good[0]!), reason: 'old reason' },
      { sourceId: good[1]!.source_id as string, raw: c.breakRecord(good[1]!), reason: 'old reason' },
      { sourceId: good[2]!.source_id as string, raw: good[2], reason: 'unknown field (schema before 2026-03)' },
    ]);
    const list = await operator.get<ListBody>(`/api/quarantine?source=${c.source}`);
    for (const i of list.body.items) ids.set(i.sourceId!, i.id);
    expect(ids.size).toBe(3);
  });
  afterAll(async () => {
    await sim?.stop();
  });

  it('stores a record that passes today through its system writer, and keeps one that still fails with the new reason', async () => {
    const passing = ids.get(good[2]!.source_id as string)!;
    const failing = ids.get(good[0]!.source_id as string)!;
    expect(await stored(good[2]!.source_id)).toBe(0);

    const one = await operator.post<ReplayBody>(`/api/quarantine/${passing}/replay`);
    expect(one.status).toBe(200);
    expect(one.body).toEqual({ replayed: [passing], stillFailing: [], skipped: [] });
    expect(await stored(good[2]!.source_id)).toBeGreaterThan(0);

    const bad = await operator.post<ReplayBody>(`/api/quarantine/${failing}/replay`);
    expect(bad.body.replayed).toEqual([]);
    expect(bad.body.stillFailing.map((f) => f.id)).toEqual([failing]);
    expect(bad.body.stillFailing[0]!.reason).toMatch(c.reason);
    const waiting = await operator.get<ListBody>(`/api/quarantine?source=${c.source}&state=waiting`);
    expect(waiting.body.items.map((i) => i.id).sort()).toEqual([failing, ids.get(good[1]!.source_id as string)!].sort());
    expect(waiting.body.items.find((i) => i.id === failing)!.reason).toMatch(c.reason);
  });

  it('replays the whole source from the command line; twice changes nothing', async () => {
    const env = { DATABASE_URL: ts.databaseUrl!, LOG_LEVEL: 'error' };
    const first = await runIoc(['quarantine', 'replay', '--source', c.source, '--json'], env);
    expect(first.code).toBe(0);
    const body = JSON.parse(first.stdout) as ReplayBody;
    expect(body.replayed).toEqual([]);
    expect(body.skipped).toEqual([]);
    expect(body.stillFailing).toHaveLength(2);
    for (const f of body.stillFailing) expect(f.reason).toMatch(c.reason);

    const snapshot = async () => ({
      rows: (await ts.db.query(`select * from ${c.table} where source_system = $1 order by source_id, version`, [c.source])).rows,
      quarantine: (await ts.db.query('select id, reason, replayed_at from quarantine where source = $1 order by id', [c.source])).rows,
    });
    const before = await snapshot();
    const second = await runIoc(['quarantine', 'replay', '--source', c.source, '--json'], env);
    expect(JSON.parse(second.stdout)).toEqual(body);
    expect(await snapshot()).toEqual(before);
  }, 120_000);
});

describe('quarantine replay of a renamed source', () => {
  it('dispatches by the kind its connector recorded in source_health', async () => {
    // `qlvb_live` was pulled above as a document system: its health row says so.
    const sim = await startDocumentSimulator({
      catalogue: await loadCatalogue(),
      apiKey: API_KEY,
      clock: ts.clock,
      backlogDays: 0,
      logger: silent,
    });
    try {
      const record = sim.records().at(-1)!;
      await writeDocumentBatch(ts.db, calendar, 'qlvb_live', [], null, [
        {
          sourceId: `${record.source_id as string}-renamed`,
          raw: { ...record, source_id: `${record.source_id as string}-renamed` },
          reason: 'old',
        },
      ]);
      const res = await operator.post<ReplayBody>('/api/quarantine/replay', { source: 'qlvb_live' });
      expect(res.body.replayed).toHaveLength(1);
      expect(res.body.skipped).toEqual([]);
      const n = await ts.db.query<{ n: number }>(
        "select count(*)::int as n from document where source_system = 'qlvb_live' and source_id = $1",
        [`${record.source_id as string}-renamed`],
      );
      expect(n.rows[0]!.n).toBe(1);
    } finally {
      await sim.stop();
    }
  });
});
