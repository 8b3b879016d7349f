-- The document system (QLVBĐH liên thông), domain.md §2.2 [003 Art 7–9]. Current state per document, its
-- append-only history, and per-minute counters per agency kept by the writer in the same transaction (ratios are
-- built from them, never stored). Classified documents never reach the IOC [003 Art 3.4, 6.2].

create table document (
  source_system            text        not null,
  source_id                text        not null,
  version                  bigint      not null,
  source_updated_at        timestamptz not null,
  ingested_at              timestamptz not null default now(),
  direction                text        not null,
  agency_code              text        not null,
  register_number          integer,
  number_symbol            text,
  document_type            text        not null,
  issuer_name              text,
  issued_date              date,
  summary                  text        not null,
  urgency                  text        not null,
  esign_exempt             boolean     not null default false,
  received_via             text,
  received_at              timestamptz,
  registered_at            timestamptz,
  assigned_at              timestamptz,
  completed_at             timestamptz,
  deadline_at              timestamptz,
  lead_unit_code           text,
  assignee_ref             text,
  status                   text        not null,
  digitised                boolean     not null default false,
  original_file_attached   boolean     not null default false,
  esigned                  boolean     not null default false,
  signed_at                timestamptz,
  issued_at                timestamptz,
  sent_electronically      boolean     not null default false,
  paper_copy_sent          boolean     not null default false,
  backfilled_after_outage  boolean     not null default false,
  case_file_id             text,
  primary key (source_system, source_id)
);

-- V2 and DOC-01 read only open incoming documents with a deadline: keep that read proportional to them.
create index document_open_by_agency on document (agency_code, deadline_at)
  where direction = 'incoming' and completed_at is null and status <> 'returned';
create index document_source_updated on document (source_system, source_updated_at desc);

-- Every accepted version, once. The time column is in the key so that the table can become a hypertable
-- (0006_document.timescale.sql); a version is immutable at its source, so a replay carries the same time.
create table document_event (
  source_system     text        not null,
  source_id         text        not null,
  version           bigint      not null,
  source_updated_at timestamptz not null,
  ingested_at       timestamptz not null default now(),
  status            text        not null,
  payload           jsonb       not null,
  primary key (source_system, source_id, version, source_updated_at)
);

-- The counters of core/src/kpi/document-kpis.ts per minute and agency, each in the minute of its own milestone:
-- received and registered_on_time at received_at, completed_* at completed_at, issued_* at issued_at.
create table document_rollup_minute (
  bucket                   timestamptz not null,
  agency_code              text        not null,
  received                 integer     not null default 0,
  registered_on_time       integer     not null default 0,
  completed_with_deadline  integer     not null default 0,
  completed_on_time        integer     not null default 0,
  issued                   integer     not null default 0,
  issued_exempt            integer     not null default 0,
  issued_signed            integer     not null default 0,
  issued_electronically    integer     not null default 0,
  primary key (bucket, agency_code)
);
