import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { ReadinessBody, systemContract } from '@ioc/core';
import { TEST_DATABASE_URL } from '@ioc/core/testing';
import { TestClient, startTestServer, type TestServer } from './auth-harness';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function server(o: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
  const ts = await startTestServer(o);
  servers.push(ts);
  return ts;
}

async function readyz(ts: TestServer): Promise<{ status: number; body: ReadinessBody }> {
  const res = await new TestClient(ts.url).get(systemContract.readyz.path);
  return { status: res.status, body: ReadinessBody.parse(res.body) };
}

describe('GET /readyz', () => {
  it('answers 200 when the store answers, every migration is applied and the live hub is up', async () => {
    const ts = await server({ backend: 'postgres' });
    expect(await readyz(ts)).toEqual({
      status: 200,
      body: { status: 'ready', checks: { store: { ok: true }, migrations: { ok: true }, live: { ok: true } } },
    });
  }, 120_000);

  it('answers 503 naming the store when the database goes away under a running server, while /healthz stays 200', async () => {
    const ts = await server({ backend: 'postgres' });
    expect((await readyz(ts)).status).toBe(200);
    // The database is dropped for real: every connection of the server's pool is terminated, new ones are refused.
    const name = new URL(ts.databaseUrl!).pathname.slice(1);
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    try {
      await admin.query(`drop database ${name} with (force)`);
    } finally {
      await admin.end();
    }
    const down = await readyz(ts);
    expect(down.status).toBe(503);
    expect(down.body.status).toBe('unavailable');
    expect(down.body.checks.store.ok).toBe(false);
    expect(down.body.checks.store.problem).toMatch(/terminat|does not exist|connection/i);
    expect(down.body.checks.migrations.ok).toBe(false);
    expect(down.body.checks.live).toEqual({ ok: true });
    const health = await new TestClient(ts.url).get('/healthz');
    expect(health.status).toBe(200);
  }, 120_000);

  it('answers 503 naming the migration a store lacks', async () => {
    const ts = await server({ backend: 'postgres' });
    const last = await ts.db.query<{ version: string; name: string }>(
      'select version, name from schema_migrations order by version desc limit 1',
    );
    const { version, name } = last.rows[0]!;
    await ts.db.query('delete from schema_migrations where version = $1', [version]);
    const res = await readyz(ts);
    expect(res.status).toBe(503);
    expect(res.body.checks.store).toEqual({ ok: true });
    expect(res.body.checks.migrations).toEqual({ ok: false, problem: `not applied: ${name}` });
  }, 120_000);
});
