import type { Queryable } from './db';

/** A stored row's key and version: `[source_system, source_id, version]`. A row changes only with a new version. */
export type EntityVersion = readonly [sourceSystem: string, sourceId: string, version: number];

/** A row as read, with the version it was read at. */
export interface VersionedRow<T> {
  row: T;
  version: number;
}

/** Which rows of a plan to read: all, those past a bound the caller already read up to, or these keys. */
export interface RowScope {
  /** Only the rows a read up to this bound did not hold (the query module says which bound). */
  after?: Date | null;
  /** Only these rows (`[source_system, source_id]`), and only if they still match the plan. */
  keys?: readonly (readonly [string, string])[] | null;
}

/**
 * The key and version of every row `where` selects, as one JSON text (one row to send and parse, not thousands).
 * `where` and `params` are the query module's own; `table` is a constant of it.
 */
export async function listEntityVersions(
  db: Queryable,
  table: 'dossier' | 'document' | 'project',
  where: string,
  params: readonly unknown[],
  signal?: AbortSignal,
): Promise<EntityVersion[]> {
  const res = await db.query<{ listing: string }>(
    `select coalesce(json_agg(json_build_array(source_system, source_id, version)), '[]')::text as listing from ${table} where ${where}`,
    [...params],
    { signal },
  );
  return JSON.parse(res.rows[0]!.listing) as EntityVersion[];
}

/** ` and (source_system, source_id) in …` for `keys`, its two arrays numbered after `paramCount`; nothing for null. */
export function keysCondition(keys: RowScope['keys'], paramCount: number): { sql: string; params: unknown[] } {
  if (!keys) return { sql: '', params: [] };
  return {
    sql: ` and (source_system, source_id) in (select s, i from unnest($${paramCount + 1}::text[], $${paramCount + 2}::text[]) as k(s, i))`,
    params: [keys.map((k) => k[0]), keys.map((k) => k[1])],
  };
}
