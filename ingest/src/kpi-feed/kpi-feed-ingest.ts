import { KpiSampleRecord, writeKpiSampleBatch, type KpiSample } from '@ioc/core';
import { startSourceIngest, type SourceIngest, type SourceIngestOptions, type SourceSystemSpec } from '../source/source-ingest';

/** The KPI feed's `source_system` and checkpoint key by default. */
export const KPI_FEED_SOURCE_SYSTEM = 'kpi';

export const KPI_FEED_SYSTEM: SourceSystemSpec<KpiSample> = {
  label: 'KPI feed',
  path: 'api/v1/kpi-samples',
  defaultSourceSystem: KPI_FEED_SOURCE_SYSTEM,
  system: 'kpi_feed',
  schema: KpiSampleRecord,
  write: writeKpiSampleBatch,
};

/** The KPI-feed pipeline in one process: pulls `GET /api/v1/kpi-samples`; see `startSourceIngest` for the guarantees. */
export function startKpiFeedIngest(o: SourceIngestOptions<KpiSample>): SourceIngest {
  return startSourceIngest(KPI_FEED_SYSTEM, o);
}
