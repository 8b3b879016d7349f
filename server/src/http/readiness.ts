import { loadMigrations, type Db, type ReadinessBody, type ReadinessCheck } from '@ioc/core';

export interface ReadinessOptions {
  db: Db;
  /** Whether the live hub has started and is not closing. */
  liveUp(): boolean;
  /** How long the store may take to answer before it counts as down. */
  timeoutMilliseconds?: number;
}

const STORE_TIMEOUT_MILLISECONDS = 2_000;

function failed(err: unknown): ReadinessCheck {
  return { ok: false, problem: err instanceof Error ? err.message.slice(0, 300) : String(err) };
}

/** The signal cancels a running statement, but not a pool waiting for a connection to a server that does not answer. */
async function withTimeout<T>(work: Promise<T>, milliseconds: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${milliseconds} ms`)), milliseconds);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `GET /readyz`: whether this process can serve now. The store must answer a query within the timeout (a pool that
 * lost its server, a dropped database, a wrong password after a rotation all fail here while `/healthz` still says
 * the process lives), every migration this build ships must be applied with the same checksum (a replica started
 * from a newer build against an older schema is not ready), and the live hub must be up.
 */
export function readinessProbe(o: ReadinessOptions): () => Promise<ReadinessBody> {
  const expected = loadMigrations().then((all) => all.filter((m) => !m.timescaleOnly));
  const timeout = o.timeoutMilliseconds ?? STORE_TIMEOUT_MILLISECONDS;
  return async () => {
    let store: ReadinessCheck;
    let migrations: ReadinessCheck;
    try {
      const applied = await withTimeout(
        o.db.query<{ version: string; checksum: string }>('select version, checksum from schema_migrations', [], {
          signal: AbortSignal.timeout(timeout),
        }),
        timeout,
      );
      store = { ok: true };
      const have = new Map(applied.rows.map((r) => [r.version, r.checksum]));
      const missing = (await expected).filter((m) => have.get(m.version) !== m.checksum).map((m) => m.name);
      migrations = missing.length === 0 ? { ok: true } : { ok: false, problem: `not applied: ${missing.join(', ')}` };
    } catch (err) {
      store = failed(err);
      migrations = { ok: false, problem: 'unknown: the store did not answer' };
    }
    const live: ReadinessCheck = o.liveUp() ? { ok: true } : { ok: false, problem: 'the live hub is not running' };
    const ready = store.ok && migrations.ok && live.ok;
    return { status: ready ? 'ready' : 'unavailable', checks: { store, migrations, live } };
  };
}
