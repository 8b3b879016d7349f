import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { copyStatement } from './copy-statement';
import type { Db, QueryOptions, QueryResult, Queryable } from './db';

// int8 (count(*), sum()) and numeric come back as strings by default; our counters fit in a double.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));

export interface PgDbOptions {
  connectionString: string;
  /** Pool size; a server and its writer rarely need more than a few. */
  max?: number;
  applicationName?: string;
}

async function run<R>(
  pool: pg.Pool,
  held: pg.PoolClient | null,
  text: string,
  params: readonly unknown[] = [],
  options: QueryOptions = {},
): Promise<QueryResult<R>> {
  const { signal } = options;
  signal?.throwIfAborted();
  if (!signal) {
    const res = await (held ?? pool).query(text, params as unknown[]);
    return { rows: res.rows as R[], rowCount: res.rowCount ?? 0 };
  }
  // Cancelling a running statement takes its backend pid and a second connection, so hold a client for the call.
  const client = held ?? (await pool.connect());
  try {
    const pid = (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
    const onAbort = () => void pool.query('select pg_cancel_backend($1)', [pid]).catch(() => undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const res = await client.query(text, params as unknown[]);
      signal.throwIfAborted();
      return { rows: res.rows as R[], rowCount: res.rowCount ?? 0 };
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      throw err;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  } finally {
    if (!held) client.release();
  }
}

async function copyCsv(
  client: pg.PoolClient,
  table: string,
  columns: readonly string[],
  csv: string | AsyncIterable<string>,
): Promise<number> {
  const stream = client.query(copyFrom(copyStatement(table, columns, 'STDIN')));
  await pipeline(typeof csv === 'string' ? Readable.from([csv]) : Readable.from(csv), stream);
  return stream.rowCount ?? 0;
}

/** The PostgreSQL store (TimescaleDB features when the extension is installed). */
export async function openPgDb(options: PgDbOptions): Promise<Db> {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'ioc',
  });
  // An idle client's network error must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  await pool.query('select 1');
  return {
    kind: 'postgres',
    query: (text, params, opts) => run(pool, null, text, params, opts),
    exec: async (sql) => void (await pool.query(sql)),
    async transaction(fn) {
      const client = await pool.connect();
      const tx: Queryable = {
        query: (text, params, opts) => run(pool, client, text, params, opts),
        exec: async (sql) => void (await client.query(sql)),
        copyFromCsv: (table, columns, csv) => copyCsv(client, table, columns, csv),
      };
      try {
        await client.query('begin');
        const result = await fn(tx);
        await client.query('commit');
        return result;
      } catch (err) {
        await client.query('rollback').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    async listen(channel, listener) {
      if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`invalid channel name ${channel}`);
      // LISTEN needs a connection of its own for as long as we listen; a pooled one would be handed to others.
      const client = new pg.Client({
        connectionString: options.connectionString,
        application_name: `${options.applicationName ?? 'ioc'}-listen`,
      });
      client.on('error', () => undefined);
      await client.connect();
      client.on('notification', (msg) => {
        if (msg.channel === channel) listener(msg.payload ?? '');
      });
      await client.query(`listen ${channel}`);
      return async () => {
        await client.end().catch(() => undefined);
      };
    },
    async copyFromCsv(table, columns, csv) {
      const client = await pool.connect();
      try {
        return await copyCsv(client, table, columns, csv);
      } finally {
        client.release();
      }
    },
    async timescaleAvailable() {
      const res = await pool.query<{ n: number }>("select count(*)::int as n from pg_available_extensions where name = 'timescaledb'");
      return (res.rows[0]?.n ?? 0) > 0;
    },
    close: () => pool.end(),
  };
}
