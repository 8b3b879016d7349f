import type { Db, Queryable } from './db';
import type { KpiSample } from '../contracts/kpi-sample';
import { quarantineRecords, type RejectedRecord } from './quarantine.queries';
import {
  addRollupSql,
  minuteOf,
  finishSourceWrite,
  refusedRecords,
  writeVersionedBatch,
  type SourceCursor,
  type VersionedBatchSpec,
  type VersionedWriteResult,
} from './source-write.queries';

interface StoredSample {
  source_id: string;
  version: string;
  metric_id: string;
  ts: Date;
  unit_code: string | null;
  agency_code: string | null;
  numerator: string;
  denominator: string;
}

const INSERT_SAMPLES = `
  insert into kpi_sample (source_system, source_id, version, ts, source_updated_at, metric_id, unit_code, agency_code, numerator, denominator)
  select $1, source_id, version, ts, source_updated_at, metric_id, unit_code, agency_code, numerator, denominator
  from jsonb_to_recordset($2::jsonb) as x(source_id text, version bigint, ts timestamptz, source_updated_at timestamptz, metric_id text,
       unit_code text, agency_code text, numerator numeric, denominator numeric)
  on conflict do nothing`;

const scopeOf = (s: { unit_code: string | null; agency_code: string | null }) => s.unit_code ?? s.agency_code ?? '';

const SAMPLE_SPEC: VersionedBatchSpec<KpiSample, StoredSample> = {
  async readBefore(tx, source, ids) {
    // The newest stored version of each sample. DISTINCT ON cannot lock rows; the caller holds the source's lock.
    const res = await tx.query<StoredSample>(
      `select distinct on (source_id) source_id, version, metric_id, ts, unit_code, agency_code, numerator::text as numerator,
              denominator::text as denominator
       from kpi_sample where source_system = $1 and source_id = any($2::text[]) order by source_id, version desc`,
      [source, ids],
    );
    return new Map(res.rows.map((r) => [r.source_id, r]));
  },
  async writeAccepted(tx, source, _newest, accepted) {
    await tx.query(INSERT_SAMPLES, [source, JSON.stringify(accepted)]);
  },
  contributions: (s) => [
    {
      bucket: minuteOf(s.ts),
      key: { metric_id: s.metric_id, scope_code: scopeOf(s) },
      counters: { numerator: Number(s.numerator), denominator: Number(s.denominator), samples: 1 },
    },
  ],
  agenciesOf: (s) => (s.agency_code ? [s.agency_code] : []),
  // The province or commune a sample is about, valid at the sample's time; an agency-only sample names no unit.
  unitCodesOf: (s) => (s.unit_code === null ? [] : [{ code: s.unit_code, at: s.ts, field: 'unit_code' }]),
  addRollupSql: addRollupSql(
    'kpi_sample_rollup_minute',
    [
      ['metric_id', 'text'],
      ['scope_code', 'text'],
    ],
    ['numerator', 'denominator', 'samples'],
    'numeric',
  ),
};

/**
 * Writes one batch of KPI samples in one transaction: every new version appended, the per-minute rollup moved from
 * a sample's previous version to its newest, quarantine and checkpoint. Replaying a batch changes nothing. A sample
 * whose unit code is not valid at its `ts` goes to quarantine with the reason; the rest of the batch lands.
 */
export async function writeKpiSampleBatch(
  db: Db,
  source: string,
  records: readonly KpiSample[],
  checkpoint: SourceCursor | null,
  rejected: readonly RejectedRecord[] = [],
): Promise<VersionedWriteResult> {
  return db.transaction(async (tx) => {
    // Serialises writers of one source: reading the newest versions cannot lock them (see readBefore).
    await tx.query('select pg_advisory_xact_lock(72019008, hashtext($1))', [source]);
    const result = await writeVersionedBatch(tx, SAMPLE_SPEC, source, records);
    await quarantineRecords(tx, source, [...rejected, ...refusedRecords(records, result.refusals)]);
    await finishSourceWrite(tx, source, { kind: 'kpi', cursor: checkpoint, ...result });
    return result;
  });
}

export interface KpiSampleTotal {
  metricId: string;
  /** The unit code, or the agency code when the samples name no unit. */
  scopeCode: string;
  numerator: number;
  denominator: number;
  samples: number;
}

/** Σ numerator and Σ denominator per metric and scope over [from, to), from the per-minute rollup (never a ratio). */
export async function kpiSampleTotals(db: Queryable, from: Date, to: Date, metricIds?: readonly string[]): Promise<KpiSampleTotal[]> {
  const res = await db.query<{ metric_id: string; scope_code: string; numerator: string; denominator: string; samples: string }>(
    `select metric_id, scope_code, sum(numerator)::text as numerator, sum(denominator)::text as denominator, sum(samples)::text as samples
     from kpi_sample_rollup_minute where bucket >= $1 and bucket < $2 and ($3::text[] is null or metric_id = any($3::text[]))
     group by metric_id, scope_code order by metric_id, scope_code`,
    [from, to, metricIds ?? null],
  );
  return res.rows.map((r) => ({
    metricId: r.metric_id,
    scopeCode: r.scope_code,
    numerator: Number(r.numerator),
    denominator: Number(r.denominator),
    samples: Number(r.samples),
  }));
}
