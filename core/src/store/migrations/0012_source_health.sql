-- Health of each pulled source (domain.md §3.5), written by its connector on every pull, success or failure. A
-- source that answers with nothing new still gets `last_success_at`; a dead one gets only `last_attempt_at`: the two
-- are told apart. Rates are counted per clock minute: the current minute and the one before it (a full minute).

create table source_health (
  source                  text        primary key,
  -- The kind of system behind it (dossier, document, project, kpi_feed): picks its freshness thresholds.
  system                  text        not null,
  last_attempt_at         timestamptz not null,
  last_success_at         timestamptz,
  last_error              text,
  last_error_at           timestamptz,
  -- The newest change the source has shown us (valid or not), and where our checkpoint stands.
  source_newest_at        timestamptz,
  checkpoint_at           timestamptz,
  records_total           bigint      not null default 0,
  errors_total            bigint      not null default 0,
  pulls_total             bigint      not null default 0,
  minute_bucket           timestamptz not null,
  minute_records          integer     not null default 0,
  minute_errors           integer     not null default 0,
  minute_pulls            integer     not null default 0,
  previous_minute_records integer     not null default 0,
  previous_minute_errors  integer     not null default 0,
  previous_minute_pulls   integer     not null default 0
);

-- The admin screen lists what is still waiting per source; replayed rows are history.
create index quarantine_waiting on quarantine (source, id) where replayed_at is null;
