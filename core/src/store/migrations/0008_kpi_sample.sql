-- The generic KPI feed: any system sends (metric, unit or agency, time, numerator, denominator). Never a ratio:
-- aggregates sum numerators and denominators (domain.md §0). Every version of a sample is kept (append-only); the
-- per-minute rollup holds the newest version of each sample, kept by the writer in the same transaction.

create table kpi_sample (
  source_system     text        not null,
  source_id         text        not null,
  version           bigint      not null,
  ts                timestamptz not null,
  source_updated_at timestamptz not null,
  ingested_at       timestamptz not null default now(),
  metric_id         text        not null,
  -- One of them is set: the administrative unit (commune/province code) or the agency the sample is about.
  unit_code         text,
  agency_code       text,
  numerator         numeric     not null,
  denominator       numeric     not null,
  primary key (source_system, source_id, version, ts),
  check (unit_code is not null or agency_code is not null)
);

create index kpi_sample_latest on kpi_sample (source_system, source_id, version desc);
create index kpi_sample_metric_ts on kpi_sample (metric_id, ts desc);

create table kpi_sample_rollup_minute (
  bucket       timestamptz not null,
  metric_id    text        not null,
  -- The unit code, or the agency code when the sample names no unit; '' never occurs.
  scope_code   text        not null,
  numerator    numeric     not null default 0,
  denominator  numeric     not null default 0,
  samples      integer     not null default 0,
  primary key (bucket, metric_id, scope_code)
);
