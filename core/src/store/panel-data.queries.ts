import type { Queryable } from './db';
import type { Bucket } from '../dashboards/dashboard.schema';
import { BUCKET_ORIGIN, fixedBucketMilliseconds, type RollupTable } from '../dashboards/panel-series';
import { PROVINCE_TIME_ZONE } from '../time/province-time';

interface RollupTableSpec {
  name: string;
  agencyColumn: string;
  /** The commune column, where the rollup has one. */
  unitColumn: string | null;
  /** Catalogue counter name → column. */
  counters: Readonly<Record<string, string>>;
}

// The rollups by the catalogue's counter names (snake_case mapped to camelCase once, here). The dossier rollup's
// finished_on_time is finished_at ≤ due_at, early included: the catalogue's finishedNotLate.
const TABLES: Record<RollupTable, RollupTableSpec> = {
  dossier: {
    name: 'dossier_rollup_minute',
    agencyColumn: 'handling_agency_code',
    unitColumn: 'unit_code',
    counters: { received: 'received', receivedOnline: 'received_online', finished: 'finished', finishedNotLate: 'finished_on_time' },
  },
  document: {
    name: 'document_rollup_minute',
    agencyColumn: 'agency_code',
    unitColumn: null,
    counters: {
      received: 'received',
      registeredOnTime: 'registered_on_time',
      completedWithDeadline: 'completed_with_deadline',
      completedOnTime: 'completed_on_time',
      issued: 'issued',
      issuedExempt: 'issued_exempt',
      issuedSigned: 'issued_signed',
      issuedElectronically: 'issued_electronically',
    },
  },
  project: { name: 'project_rollup_minute', agencyColumn: 'agency_code', unitColumn: null, counters: { updates: 'updates' } },
  // A feed sample names a unit or, failing that, an agency: both live in scope_code.
  kpi_feed: {
    name: 'kpi_sample_rollup_minute',
    agencyColumn: 'scope_code',
    unitColumn: 'scope_code',
    counters: { numerator: 'numerator', denominator: 'denominator' },
  },
};

/**
 * Which rows a panel may read. Both null: the whole province. Otherwise a row counts when its agency is one of
 * `agencyCodes` or, in rollups that keep one, its commune is `unitCode` (a commune's scope holds its own agencies and
 * the dossiers filed in it, as the monthly report counts them).
 */
export interface PanelFilter {
  agencyCodes: readonly string[] | null;
  unitCode: string | null;
}

export interface PanelRead {
  table: RollupTable;
  /** For `kpi_feed`: the samples' metric id. */
  metricId?: string;
  from: Date;
  to: Date;
  filter: PanelFilter;
}

/** Counters summed over a bucket or group, by catalogue name; a row exists only where some rollup row did. */
export type SummedCounters = Record<string, number>;

function selectSql(spec: RollupTableSpec, r: PanelRead, key: string): { text: string; params: unknown[] } {
  const sums = Object.entries(spec.counters)
    .map(([name, column]) => `sum(${column})::float8 as "${name}"`)
    .join(', ');
  const unit = spec.unitColumn ? ` or ${spec.unitColumn} = $4::text` : '';
  const metric = r.table === 'kpi_feed' ? ' and metric_id = $5' : '';
  const params: unknown[] = [r.from, r.to, r.filter.agencyCodes, r.filter.unitCode];
  if (r.table === 'kpi_feed') params.push(r.metricId ?? '');
  const text = `select ${key} as key, ${sums} from ${spec.name}
     where bucket >= $1 and bucket < $2${metric}
       and (($3::text[] is null and $4::text is null) or ${spec.agencyColumn} = any($3::text[])${unit})
     group by 1 order by 1`;
  return { text, params };
}

function countersOf(spec: RollupTableSpec, row: Record<string, unknown>): SummedCounters {
  return Object.fromEntries(Object.keys(spec.counters).map((name) => [name, Number(row[name])]));
}

/**
 * The panel's counters per bucket over `[from, to)`, bucketed in SQL: fixed widths by `date_bin` from a provincial
 * midnight that is a Monday, months by the provincial calendar. Buckets with no rollup row are absent.
 */
export async function readPanelBuckets(
  db: Queryable,
  r: PanelRead & { bucket: Bucket },
): Promise<{ start: Date; counters: SummedCounters }[]> {
  const spec = TABLES[r.table];
  const size = fixedBucketMilliseconds(r.bucket);
  // The next free parameters after selectSql's four (five for the feed); the zone is a constant, never input.
  const next = r.table === 'kpi_feed' ? 6 : 5;
  const key =
    size === null
      ? `(date_trunc('month', bucket at time zone '${PROVINCE_TIME_ZONE}') at time zone '${PROVINCE_TIME_ZONE}')`
      : `date_bin($${next}::interval, bucket, $${next + 1}::timestamptz)`;
  const { text, params } = selectSql(spec, r, key);
  if (size !== null) params.push(`${size / 1000} seconds`, BUCKET_ORIGIN);
  const res = await db.query<Record<string, unknown> & { key: Date }>(text, params);
  return res.rows.map((row) => ({ start: new Date(row.key), counters: countersOf(spec, row) }));
}

/** The panel's counters per agency or per commune over `[from, to)`; `commune` needs a rollup with a commune column. */
export async function readPanelGroups(
  db: Queryable,
  r: PanelRead & { groupBy: 'agency' | 'commune' },
): Promise<{ code: string; counters: SummedCounters }[]> {
  const spec = TABLES[r.table];
  const column = r.groupBy === 'agency' ? spec.agencyColumn : spec.unitColumn;
  if (column === null) throw new RangeError(`${spec.name} has no commune column`);
  const { text, params } = selectSql(spec, r, column);
  const res = await db.query<Record<string, unknown> & { key: string }>(text, params);
  return res.rows.map((row) => ({ code: row.key, counters: countersOf(spec, row) }));
}

/** Whether a rollup keeps the commune of each row (else a commune breakdown goes through its agencies). */
export const rollupHasCommune = (table: RollupTable): boolean => TABLES[table].unitColumn !== null;

/** The panel's counters over all of `[from, to)`, summed before any division; null when no rollup row exists. */
export async function readPanelTotal(db: Queryable, r: PanelRead): Promise<SummedCounters | null> {
  const spec = TABLES[r.table];
  const { text, params } = selectSql(spec, r, '0');
  const res = await db.query<Record<string, unknown>>(text, params);
  const row = res.rows[0];
  return row ? countersOf(spec, row) : null;
}
