-- The investment-project database (csdldadautu), domain.md §2.3 [000 Art 2.1, 4.2, 6.2]. Current state per project,
-- every accepted version as an update record (the monthly "update before the 10th" is read from them), and
-- per-minute update counters per agency. Projects under state secrecy never reach the IOC [000 Art 1.1.b].

create table project (
  source_system              text        not null,
  source_id                  text        not null,
  version                    bigint      not null,
  source_updated_at          timestamptz not null,
  ingested_at                timestamptz not null default now(),
  project_code               text        not null,
  name                       text        not null,
  sector                     text        not null,
  funding_kind               text        not null,
  investor_name              text        not null,
  investor_kind              text        not null,
  managing_agency_code       text        not null,
  unit_codes                 text[]      not null,
  address_text               text,
  zone_code                  text,
  land_area_ha               numeric,
  total_investment_vnd       bigint      not null,
  capital_sources            jsonb       not null default '[]',
  year_plan_vnd              bigint      not null default 0,
  disbursed_year_vnd         bigint      not null default 0,
  disbursed_cumulative_vnd   bigint      not null default 0,
  stage                      text        not null,
  behind_schedule            boolean     not null default false,
  delay_reason               text,
  planned_start              date,
  planned_completion         date,
  actual_start               date,
  actual_completion          date,
  progress_planned_pct       numeric,
  progress_actual_pct        numeric,
  last_update_at             timestamptz,
  last_update_kind           text,
  primary key (source_system, source_id)
);

create index project_by_agency on project (managing_agency_code);
create index project_source_updated on project (source_system, source_updated_at desc);

-- Every accepted version: the history, and the agency's update record (`project_update` of domain.md §2.3) when the
-- version carries one. P3/P4 count the updates whose updated_at falls in the cycle.
create table project_update (
  source_system     text        not null,
  source_id         text        not null,
  version           bigint      not null,
  source_updated_at timestamptz not null,
  ingested_at       timestamptz not null default now(),
  agency_code       text        not null,
  updated_at        timestamptz,
  kind              text,
  stage             text        not null,
  payload           jsonb       not null,
  primary key (source_system, source_id, version, source_updated_at)
);

create index project_update_cycle on project_update (updated_at, agency_code) where updated_at is not null;

-- Updates per minute of updated_at and agency (the wall's "updates today" and the rhythm before the 10th).
create table project_rollup_minute (
  bucket       timestamptz not null,
  agency_code  text        not null,
  updates      integer     not null default 0,
  primary key (bucket, agency_code)
);
