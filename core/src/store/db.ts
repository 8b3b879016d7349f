/** Query options every call accepts. */
export interface QueryOptions {
  /** Aborting rejects the call; on PostgreSQL the running statement is cancelled. */
  signal?: AbortSignal;
}

export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

/** Something that runs SQL with `$n` parameters: the database, or the one handle of an open transaction. */
export interface Queryable {
  query<R = Record<string, unknown>>(text: string, params?: readonly unknown[], options?: QueryOptions): Promise<QueryResult<R>>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /**
   * Bulk-loads CSV rows (RFC 4180, no header; an unquoted empty field is NULL) into `table (columns)` with COPY:
   * the fastest way rows get into PostgreSQL. Inside a transaction it is part of it (the writer stages batches
   * this way); it also serves imports and the benchmarks' reference. Returns the rows loaded.
   *
   * `csv` may come in pieces, each ending on a row's end: on PostgreSQL each piece is sent as it is made, so the
   * server loads one while the caller encodes the next; PGlite, in this thread, takes them joined.
   */
  copyFromCsv(table: string, columns: readonly string[], csv: string | AsyncIterable<string>): Promise<number>;
}

export type DbKind = 'postgres' | 'pglite';

/**
 * The store: one query path over PostgreSQL (`pg`) and PGlite. There are no dialect branches; the SQL is written
 * once, PostgreSQL 15-compatible (PGlite is PostgreSQL 18).
 */
export interface Db extends Queryable {
  readonly kind: DbKind;
  /**
   * Runs `fn` in one transaction and commits when it resolves, rolls back when it throws. `fn` gets the only handle
   * that belongs to the transaction: queries made on the `Db` itself meanwhile are outside it.
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Calls `listener` with the payload of every `NOTIFY channel` committed by anyone on this database (another
   * process on PostgreSQL; this process on PGlite). Resolves once listening; the returned function stops it.
   */
  listen(channel: string, listener: (payload: string) => void): Promise<() => Promise<void>>;
  /** Whether the TimescaleDB extension can be used (never on PGlite). */
  timescaleAvailable(): Promise<boolean>;
  close(): Promise<void>;
}
