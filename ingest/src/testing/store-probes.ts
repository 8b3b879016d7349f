import type { Db, DossierWire, Queryable } from '@ioc/core';

/** `source_id → version/status` of what is stored for a source. */
export async function storedDossiers(db: Queryable, source: string): Promise<Map<string, string>> {
  const res = await db.query<{ source_id: string; version: number; status: string }>(
    'select source_id, version, status from dossier where source_system = $1 order by source_id',
    [source],
  );
  return new Map(res.rows.map((r) => [r.source_id, `${Number(r.version)}/${r.status}`]));
}

/** The same view of records as a source serves them. */
export function sourceDossiers(records: readonly DossierWire[]): Map<string, string> {
  return new Map([...records].sort((a, b) => (a.source_id < b.source_id ? -1 : 1)).map((r) => [r.source_id, `${r.version}/${r.status}`]));
}

export function sameEntries(a: Map<string, string>, b: Map<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

export async function rollupTotals(db: Queryable): Promise<{ received: number; finished: number; finishedOnTime: number }> {
  const res = await db.query<{ received: number; finished: number; finished_on_time: number }>(
    'select coalesce(sum(received), 0)::int as received, coalesce(sum(finished), 0)::int as finished, coalesce(sum(finished_on_time), 0)::int as finished_on_time from dossier_rollup_minute',
  );
  const row = res.rows[0]!;
  return { received: row.received, finished: row.finished, finishedOnTime: row.finished_on_time };
}

/** Every rollup row, in key order: equal snapshots mean no counter moved. */
export async function rollupSnapshot(db: Queryable): Promise<unknown[]> {
  const res = await db.query(
    'select bucket, handling_agency_code, unit_code, received, received_online, finished, finished_on_time from dossier_rollup_minute order by bucket, handling_agency_code, unit_code',
  );
  return res.rows;
}

export async function countRows(db: Db, sql: string, params: unknown[] = []): Promise<number> {
  const res = await db.query<{ n: number }>(sql, params);
  return Number(res.rows[0]!.n);
}
