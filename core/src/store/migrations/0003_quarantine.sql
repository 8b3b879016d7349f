-- Quarantine (rule 5): a source record that fails validation is kept here with its reason, while the rest of its
-- batch lands. Keyed by the raw payload's hash, so pulling the same bad record again (a re-pull after a restart, a
-- source that keeps serving it) counts another sighting instead of adding a row.

create table quarantine (
  id            bigserial   primary key,
  source        text        not null,
  -- null when the payload has no usable id (not an object, or a missing or non-string source_id).
  source_id     text,
  raw           jsonb       not null,
  -- jsonb::text is canonical (key order and whitespace normalised), so equal payloads hash equally.
  raw_hash      text        not null generated always as (md5(raw::text)) stored,
  reason        text        not null,
  first_seen_at timestamptz not null default now(),
  last_seen_at  timestamptz not null default now(),
  seen_count    integer     not null default 1,
  -- Set when the record was fixed at the source or replayed through validation again.
  replayed_at   timestamptz,
  unique (source, raw_hash)
);

create index quarantine_recent on quarantine (source, last_seen_at desc);
