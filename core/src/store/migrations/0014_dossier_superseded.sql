-- The dossier history stored every accepted version, the newest one included, so each version was written twice:
-- once into the history and once into `dossier`. The writer's cost was twice a COPY before any counter was kept
-- (npm run bench:ingest:phases: history COPY 323 ms + current-state upsert 400 ms per 20,000 new dossiers). Now the
-- history table keeps only the versions a newer one replaced; the newest lives in `dossier` alone, and moves into
-- `dossier_superseded` in the transaction that replaces it. `dossier_event` becomes the view of every accepted
-- version, the same rows readers saw before.
--
-- A migration that adds a column to `dossier` adds it to `dossier_superseded` too and recreates the view: `select *`
-- in a view is expanded once, when the view is created.

alter table dossier_event rename to dossier_superseded;

delete from dossier_superseded s
using dossier d
where s.source_system = d.source_system and s.source_id = d.source_id and s.version = d.version;

create view dossier_event as
select * from dossier_superseded
union all
select * from dossier;
