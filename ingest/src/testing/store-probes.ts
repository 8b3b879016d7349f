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

/**
 * The stored rollup rows (how many) and the counters per (minute, agency, commune) they sum to: equal snapshots mean
 * no row was added and no counter moved. The rollup holds deltas, so one key may span several rows.
 */
export async function rollupSnapshot(db: Queryable): Promise<{ rows: number; sums: unknown[] }> {
  const count = await db.query<{ n: number }>('select count(*)::int as n from dossier_rollup_minute');
  const sums = await db.query(
    `select bucket, handling_agency_code, unit_code, sum(received)::int as received, sum(received_online)::int as received_online,
            sum(finished)::int as finished, sum(finished_on_time)::int as finished_on_time
     from dossier_rollup_minute group by 1, 2, 3 order by 1, 2, 3`,
  );
  return { rows: count.rows[0]!.n, sums: sums.rows };
}

export async function countRows(db: Db, sql: string, params: unknown[] = []): Promise<number> {
  const res = await db.query<{ n: number }>(sql, params);
  return Number(res.rows[0]!.n);
}
