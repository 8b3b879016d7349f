-- The dossier system (hồ sơ TTHC), domain.md §2.1. Current state per dossier, its append-only history, and the
-- per-minute counters that dashboards read (kept by the writer in the same transaction as the state).

create table dossier (
  source_system            text        not null,
  source_id                text        not null,
  version                  bigint      not null,
  source_updated_at        timestamptz not null,
  ingested_at              timestamptz not null default now(),
  dossier_code             text        not null,
  procedure_code           text        not null,
  procedure_name           text        not null,
  field_name               text        not null,
  online_level             text        not null,
  receiving_unit_code      text        not null,
  handling_agency_code     text        not null,
  unit_code                text        not null,
  applicant_kind           text        not null,
  channel                  text        not null,
  submitted_at             timestamptz,
  received_at              timestamptz,
  transferred_at           timestamptz,
  time_limit               numeric,
  time_limit_unit          text,
  due_at                   timestamptz,
  rescheduled_due_at       timestamptz,
  apology_issued_at        timestamptz,
  status                   text        not null,
  status_changed_at        timestamptz not null,
  supplement_periods       jsonb       not null default '[]',
  finished_at              timestamptz,
  returned_at              timestamptz,
  fee_required             boolean     not null default false,
  fee_amount_vnd           bigint,
  payment_channel          text,
  paid_at                  timestamptz,
  input_digitised          boolean     not null default false,
  result_requires_document boolean     not null default false,
  e_result_issued          boolean     not null default false,
  reused_digital_data      boolean     not null default false,
  from_personal_store      boolean     not null default false,
  vneid_authenticated      boolean     not null default false,
  synced_to_national_portal boolean    not null default false,
  rating                   text,
  feedback_count           integer     not null default 0,
  primary key (source_system, source_id)
);

-- The open/overdue snapshot reads only open dossiers: keep that read proportional to them, not to all history.
create index dossier_open_by_agency on dossier (handling_agency_code, due_at)
  where finished_at is null and received_at is not null;
create index dossier_source_updated on dossier (source_system, source_updated_at desc);

-- Every accepted version, once (replaying a batch inserts nothing): the raw history.
create table dossier_event (
  source_system     text        not null,
  source_id         text        not null,
  version           bigint      not null,
  source_updated_at timestamptz not null,
  ingested_at       timestamptz not null default now(),
  status            text        not null,
  payload           jsonb       not null,
  primary key (source_system, source_id, version)
);

-- Counters per minute, agency and commune; ratios are built from these (numerator/denominator), never stored.
create table dossier_rollup_minute (
  bucket               timestamptz not null,
  handling_agency_code text        not null,
  unit_code            text        not null,
  received             integer     not null default 0,
  received_online      integer     not null default 0,
  finished             integer     not null default 0,
  finished_on_time     integer     not null default 0,
  primary key (bucket, handling_agency_code, unit_code)
);

-- Where each source's pull stands, written in the same transaction as the records it covers.
create table ingest_checkpoint (
  source             text primary key,
  cursor_updated_at  timestamptz not null,
  cursor_id          text        not null,
  last_success_at    timestamptz not null,
  records_total      bigint      not null default 0
);
