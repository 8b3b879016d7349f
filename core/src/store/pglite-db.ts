import { PGlite, types } from '@electric-sql/pglite';
import { join } from 'node:path';
import type { Db, QueryOptions, QueryResult, Queryable } from './db';
import { lockDataDir, type DataDirLock } from './data-dir-lock';
import { copyStatement } from './copy-statement';

export interface PgliteDbOptions {
  /** The data folder; the database lives in `<dataDir>/pglite`. Absent: in memory (`--ephemeral`). */
  dataDir?: string;
  /** Called when another process took the folder's lock from under us; the caller should stop at once. */
  onLockCompromised?: (err: Error) => void;
}

const parsers = { [types.NUMERIC]: (v: string) => Number(v), [types.INT8]: (v: string) => Number(v) };

async function run<R>(
  target: Pick<PGlite, 'query'>,
  text: string,
  params: readonly unknown[] = [],
  options: QueryOptions = {},
): Promise<QueryResult<R>> {
  // PGlite runs one statement at a time in this process and cannot interrupt it: honour the signal around the call.
  options.signal?.throwIfAborted();
  const res = await target.query<R>(text, params as unknown[]);
  options.signal?.throwIfAborted();
  return { rows: res.rows, rowCount: res.affectedRows ?? res.rows.length };
}

async function copyCsv(
  target: Pick<PGlite, 'query'>,
  table: string,
  columns: readonly string[],
  csv: string | AsyncIterable<string>,
): Promise<number> {
  const pieces: string[] = [];
  if (typeof csv === 'string') pieces.push(csv);
  else for await (const piece of csv) pieces.push(piece);
  // PGlite reads COPY input from a virtual file it is handed as a blob.
  const res = await target.query(copyStatement(table, columns, "'/dev/blob'"), [], { blob: new Blob(pieces) });
  return res.affectedRows ?? 0;
}

/** The embedded store: PostgreSQL in WebAssembly, persisted under the data folder (locked) or in memory. */
export async function openPgliteDb(options: PgliteDbOptions = {}): Promise<Db> {
  let lock: DataDirLock | null = null;
  if (options.dataDir) {
    lock = await lockDataDir(
      options.dataDir,
      options.onLockCompromised ??
        ((err) => {
          throw err;
        }),
    );
  }
  let db: PGlite;
  try {
    db = await PGlite.create(options.dataDir ? join(options.dataDir, 'pglite') : undefined, { parsers });
  } catch (err) {
    await lock?.release();
    throw err;
  }
  return {
    kind: 'pglite',
    query: (text, params, opts) => run(db, text, params, opts),
    exec: async (sql) => void (await db.exec(sql)),
    transaction(fn) {
      // PGlite queues every other query of this process until the transaction ends: it is a single session.
      return db.transaction((tx) => {
        const handle: Queryable = {
          query: (text, params, opts) => run(tx, text, params, opts),
          exec: async (sql) => void (await tx.exec(sql)),
          copyFromCsv: (table, columns, csv) => copyCsv(tx, table, columns, csv),
        };
        return fn(handle);
      });
    },
    async listen(channel, listener) {
      const unlisten = await db.listen(channel, listener);
      return () => unlisten();
    },
    copyFromCsv: (table, columns, csv) => copyCsv(db, table, columns, csv),
    timescaleAvailable: () => Promise.resolve(false),
    async close() {
      await db.close();
      await lock?.release();
    },
  };
}
