-- The dossier history keeps each accepted version in the columns of `dossier` instead of one jsonb payload. Building
-- and storing the jsonb cost the writer three quarters of its time (to_jsonb of 40 fields per version, measured with
-- bench:ingest); typed columns are filled from the same staged COPY as the current state, and a version reads back
-- exactly as `dossier` does. `dossier_event` follows `dossier`: a migration that adds a column to one adds it to both.

alter table dossier_event rename to dossier_event_payload;

create table dossier_event (like dossier including defaults, primary key (source_system, source_id, version));

-- Versions already stored keep their arrival time; the payload holds every other column.
insert into dossier_event
select (jsonb_populate_record(null::dossier,
          e.payload || jsonb_build_object('source_system', e.source_system, 'ingested_at', e.ingested_at))).*
from dossier_event_payload e;

drop table dossier_event_payload;
