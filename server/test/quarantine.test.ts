import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogue, writeDossierBatch, type DossierWire } from '@ioc/core';
import { startDossierIngest, startDossierSimulator, type DossierIngest, type DossierSimulator } from '@ioc/ingest';
import { pino } from 'pino';
import { STRONG, TestClient, runIoc, signedIn, startTestServer, type TestServer } from './auth-harness';

// Quarantine list and replay (API and `ioc quarantine`), and source health (GET /api/sources) with a fake clock,
// on a real server over PostgreSQL, fed by the dossier simulator over HTTP.

const API_KEY = 'quarantine-test-key';
const silent = pino({ level: 'silent' });

let ts: TestServer;
let sim: DossierSimulator;
let operator: TestClient;
let good: DossierWire[];

interface ListBody {
  items: { id: number; source: string; sourceId: string | null; reason: string; replayedAt: string | null; raw: DossierWire }[];
  total: number;
}
interface ReplayBody {
  replayed: number[];
  stillFailing: { id: number; reason: string }[];
  skipped: number[];
}

async function dossierCount(sourceId: string): Promise<number> {
  const res = await ts.db.query<{ n: number }>("select count(*)::int as n from dossier where source_system = 'dvc' and source_id = $1", [
    sourceId,
  ]);
  return res.rows[0]!.n;
}

beforeAll(async () => {
  ts = await startTestServer({ backend: 'postgres' });
  sim = await startDossierSimulator({
    catalogue: await loadCatalogue(),
    apiKey: API_KEY,
    clock: ts.clock,
    live: false,
    backlogDays: 0,
    logger: silent,
  });
  good = sim.records().slice(0, 3);
  // What a pull with an older schema refused: two records broken at the source, and one that today's schema accepts.
  await writeDossierBatch(ts.db, 'dvc', [], null, [
    { sourceId: good[0]!.source_id, raw: { ...good[0], status: 'bogus' }, reason: 'status: invalid' },
    { sourceId: good[1]!.source_id, raw: { ...good[1], unit_code: 'TN-1' }, reason: 'unit_code: invalid' },
    { sourceId: good[2]!.source_id, raw: good[2], reason: 'rating: unknown field (schema before 2026-03)' },
  ]);
  await writeDossierBatch(ts.db, 'other', [], null, [{ sourceId: 'x-1', raw: { source_id: 'x-1' }, reason: 'version: missing' }]);
  const { password } = await ts.addAccount('vanhanh', 'operator');
  operator = await signedIn(ts.url, 'vanhanh', password!, STRONG);
});
afterAll(async () => {
  await sim?.stop();
  await ts?.close();
});

describe('GET /api/quarantine', () => {
  it('lists records with their reason, filtered by source and state, in pages', async () => {
    const all = await operator.get<ListBody>('/api/quarantine');
    expect(all.status).toBe(200);
    expect(all.body.total).toBe(4);
    const dvc = await operator.get<ListBody>('/api/quarantine?source=dvc&state=waiting&limit=2&offset=0');
    expect(dvc.body.total).toBe(3);
    expect(dvc.body.items).toHaveLength(2);
    const rest = await operator.get<ListBody>('/api/quarantine?source=dvc&state=waiting&limit=2&offset=2');
    expect(rest.body.items).toHaveLength(1);
    expect(new Set([...dvc.body.items, ...rest.body.items].map((i) => i.sourceId))).toEqual(new Set(good.map((g) => g.source_id)));
  });

  it('answers 400 request.invalid for a bad filter, never a 500', async () => {
    const res = await operator.get<{ error: { code: string } }>('/api/quarantine?state=gone&limit=0');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('request.invalid');
  });
});

describe('POST /api/quarantine/:id/replay and /api/quarantine/replay', () => {
  it('stores a record that passes today, keeps one that still fails with its current reason, and is audited', async () => {
    const list = await operator.get<ListBody>('/api/quarantine?source=dvc');
    const byId = new Map(list.body.items.map((i) => [i.sourceId, i.id]));
    const passing = byId.get(good[2]!.source_id)!;
    const failing = byId.get(good[0]!.source_id)!;
    expect(await dossierCount(good[2]!.source_id)).toBe(0);

    const one = await operator.post<ReplayBody>(`/api/quarantine/${passing}/replay`);
    expect(one.status).toBe(200);
    expect(one.body).toEqual({ replayed: [passing], stillFailing: [], skipped: [] });
    expect(await dossierCount(good[2]!.source_id)).toBe(1);

    const bad = await operator.post<ReplayBody>(`/api/quarantine/${failing}/replay`);
    expect(bad.body.replayed).toEqual([]);
    expect(bad.body.stillFailing).toHaveLength(1);
    expect(bad.body.stillFailing[0]!.reason).toMatch(/^status: .*got "bogus"/);
    const after = await operator.get<ListBody>('/api/quarantine?source=dvc&state=waiting');
    expect(after.body.items.find((i) => i.id === failing)!.reason).toMatch(/^status: .*got "bogus"/);
    expect(after.body.items.map((i) => i.id)).not.toContain(passing);

    const audit = await ts.db.query<{ action: string; actor_name: string; resource_id: string }>(
      "select action, actor_name, resource_id from audit_log where action = 'quarantine.replay' order by id",
    );
    expect(audit.rows.map((r) => [r.actor_name, r.resource_id])).toEqual([
      ['vanhanh', String(passing)],
      ['vanhanh', String(failing)],
    ]);
  });

  it('replaying a whole source twice changes nothing the second time', async () => {
    const first = await operator.post<ReplayBody>('/api/quarantine/replay', { source: 'dvc' });
    expect(first.status).toBe(200);
    expect(first.body.replayed).toEqual([]);
    expect(first.body.stillFailing).toHaveLength(2);
    const snapshot = async () => ({
      dossiers: (await ts.db.query("select source_id, version from dossier where source_system = 'dvc' order by source_id")).rows,
      quarantine: (await ts.db.query('select id, reason, replayed_at from quarantine order by id')).rows,
    });
    const before = await snapshot();
    const second = await operator.post<ReplayBody>('/api/quarantine/replay', { source: 'dvc' });
    expect(second.body).toEqual(first.body);
    expect(await snapshot()).toEqual(before);
  });

  it('answers 404 quarantine.notFound for an unknown id and 400 for a bad one or a bad body', async () => {
    const missing = await operator.post<{ error: { code: string; message: string } }>('/api/quarantine/999999/replay');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('quarantine.notFound');
    expect((await operator.post<{ error: { code: string } }>('/api/quarantine/abc/replay')).status).toBe(400);
    expect((await operator.post<{ error: { code: string } }>('/api/quarantine/replay', { source: 'DVC!' })).status).toBe(400);
  });
});

describe('ioc quarantine', () => {
  it('lists as JSON and replays by id from the command line, audited as cli', async () => {
    const env = { DATABASE_URL: ts.databaseUrl!, LOG_LEVEL: 'error' };
    const list = await runIoc(['quarantine', 'list', '--source', 'other', '--json'], env);
    expect(list.code).toBe(0);
    const body = JSON.parse(list.stdout) as ListBody;
    expect(body.total).toBe(1);
    expect(body.items[0]!.reason).toBe('version: missing');

    const replay = await runIoc(['quarantine', 'replay', String(body.items[0]!.id)], env);
    expect(replay.code).toBe(0);
    expect(replay.stdout).toContain('replayed: 0 stored, 0 still failing, 1 skipped');
    const text = await runIoc(['quarantine', 'list', '--state', 'waiting'], env);
    expect(text.stdout).toMatch(/3 of 3 shown/);
    const audit = await ts.db.query<{ actor_name: string }>(
      "select actor_name from audit_log where action = 'quarantine.replay' order by id desc limit 1",
    );
    expect(audit.rows[0]!.actor_name).toMatch(/^cli:/);

    const refused = await runIoc(['quarantine', 'replay'], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('name one record id, or --source');
  }, 120_000);
});

describe('GET /api/sources', () => {
  let ingest: DossierIngest;
  afterAll(async () => {
    await ingest?.stop();
    sim.setSilent(null);
  });

  interface SourcesBody {
    sources: { source: string; lastSuccessAt: string | null; lastError: string | null; freshness: { level: string } }[];
  }
  const health = async () => (await operator.get<SourcesBody>('/api/sources')).body.sources.find((s) => s.source === 'dvc_live');
  async function until<T>(probe: () => Promise<T | undefined | false>, what: string): Promise<T> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const v = await probe();
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('keeps a silent but answering source fresh, and shows one that stops answering stale within its thresholds', async () => {
    // Answers 200 with nothing new: every pull is still a success.
    sim.setSilent('empty');
    ingest = startDossierIngest({
      db: ts.db,
      sourceUrl: sim.url,
      apiKey: API_KEY,
      sourceSystem: 'dvc_live',
      pollIntervalMilliseconds: 50,
      requestTimeoutMilliseconds: 1000,
      retryBaseMilliseconds: 10,
      retryMaxMilliseconds: 50,
      clock: ts.clock,
      logger: silent,
    });
    await until(async () => (await health())?.freshness.level === 'ok', 'a first successful pull');
    ts.clock.advance(10 * 60_000);
    const stamped = ts.clock.now().toISOString();
    const fresh = await until(async () => {
      const h = await health();
      return h?.lastSuccessAt === stamped && h;
    }, 'a pull stamped at the new time');
    expect(fresh.freshness.level).toBe('ok');

    // Stops answering: attempts fail, the last success stays where it was.
    sim.setSilent('down');
    await until(async () => (await health())?.lastError, 'a failed pull');
    const lastSuccess = Date.parse((await health())!.lastSuccessAt!);
    const at = (minutes: number) => ts.clock.set(new Date(lastSuccess + minutes * 60_000).toISOString());
    at(4.5);
    expect((await health())!.freshness.level).toBe('ok');
    at(6); // over the 5-minute warning threshold
    expect((await health())!.freshness.level).toBe('warning');
    at(16); // over the 15-minute critical threshold
    const dead = (await health())!;
    expect(dead.freshness.level).toBe('critical');
    expect(dead.lastSuccessAt).toBe(new Date(lastSuccess).toISOString());

    const metrics = await fetch(`${ts.url}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/ioc_source_freshness_level\{source="dvc_live",system="dossier"\} 2/);
  });

  it('is refused to a viewer', async () => {
    const { password } = await ts.addAccount('xem', 'viewer');
    const viewer = await signedIn(ts.url, 'xem', password!, STRONG);
    expect((await viewer.get('/api/sources')).status).toBe(403);
  });
});
