import type { Queryable } from './db';

/** What a source writes; each kind has its own data version (`readDataVersions`). */
export type DataKind = 'dossier' | 'document' | 'project' | 'kpi';

/**
 * Raises `source`'s data version in the caller's transaction: a reader sees the new version exactly when it can see
 * the data written with it. Call it last, next to the change notice: the row stays locked until commit, so two
 * writers of one source wait for each other only from here on. `kind`: what the source writes (null: unknown, which
 * readers count against every kind).
 */
export async function bumpDataVersion(tx: Queryable, source: string, kind: DataKind | null = null): Promise<void> {
  await tx.query(
    `insert into store_data_version (source, version, kind) values ($1, 1, $2)
     on conflict (source) do update set version = store_data_version.version + 1, kind = excluded.kind`,
    [source, kind],
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

/** The data versions of every kind as read at one instant (`readDataVersions`). */
export interface DataVersions {
  /**
   * A key that changes whenever data of one of `kinds` commits, or of a source whose kind is not recorded. Read it
   * before the data it guards, as `readDataVersion`.
   */
  of(...kinds: DataKind[]): string;
}

/** Each kind's data version (the sum of its sources' counters), in one read. */
export async function readDataVersions(db: Queryable, signal?: AbortSignal): Promise<DataVersions> {
  const res = await db.query<{ kind: string; version: string }>(
    `select coalesce(kind, '') as kind, sum(version)::text as version from store_data_version group by 1`,
    [],
    { signal },
  );
  const sums = new Map(res.rows.map((r) => [r.kind, r.version]));
  const unknown = sums.get('') ?? '0';
  return { of: (...kinds) => [...kinds.map((k) => `${k}:${sums.get(k) ?? '0'}`), `?:${unknown}`].join(',') };
}
