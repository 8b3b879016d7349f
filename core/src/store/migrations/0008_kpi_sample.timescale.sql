-- Only where TimescaleDB exists (never on PGlite or plain PostgreSQL); it changes no answer, only storage. Raw
-- history becomes hypertables, compressed after 7 days; raw KPI samples are dropped after 400 days (their per-minute
-- rollups stay, and dashboards read only those). Document and project history are kept (state archive rules,
-- domain.md §6 Retention: no duration in the seeds). Numbered after 0006–0008, whose tables it converts.
create extension if not exists timescaledb;

select create_hypertable('document_event', by_range('source_updated_at', interval '7 days'), migrate_data => true);
alter table document_event set (timescaledb.compress, timescaledb.compress_segmentby = 'source_system',
  timescaledb.compress_orderby = 'source_updated_at desc');
select add_compression_policy('document_event', interval '7 days');

select create_hypertable('project_update', by_range('source_updated_at', interval '30 days'), migrate_data => true);
alter table project_update set (timescaledb.compress, timescaledb.compress_segmentby = 'source_system',
  timescaledb.compress_orderby = 'source_updated_at desc');
select add_compression_policy('project_update', interval '7 days');

select create_hypertable('kpi_sample', by_range('ts', interval '1 day'), migrate_data => true);
alter table kpi_sample set (timescaledb.compress, timescaledb.compress_segmentby = 'metric_id',
  timescaledb.compress_orderby = 'ts desc');
select add_compression_policy('kpi_sample', interval '7 days');
select add_retention_policy('kpi_sample', interval '400 days');
