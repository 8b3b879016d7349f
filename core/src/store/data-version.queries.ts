import type { Queryable } from './db';

/**
 * Raises `source`'s data version in the caller's transaction: a reader sees the new version exactly when it can see
 * the data written with it. Call it last, next to the change notice: the row stays locked until commit, so two
 * writers of one source wait for each other only from here on.
 */
export async function bumpDataVersion(tx: Queryable, source: string): Promise<void> {
  await tx.query(
    `insert into store_data_version (source, version) values ($1, 1)
     on conflict (source) do update set version = store_data_version.version + 1`,
    [source],
  );
}

/**
 * One number that changes whenever any source's data commits: the sum of the counters, which only ever grow (rows are
 * never deleted). Read it before the data it guards: a write committed in between makes the next read differ, so a
 * copy kept under this number may be older than the store but never newer.
 */
export async function readDataVersion(db: Queryable, signal?: AbortSignal): Promise<string> {
  const res = await db.query<{ version: string }>('select coalesce(sum(version), 0)::text as version from store_data_version', [], {
    signal,
  });
  return res.rows[0]!.version;
}
