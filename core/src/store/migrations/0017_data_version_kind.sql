-- The kind of data each source writes (dossier, document, project, kpi), so that a reader keeping one kind's data
-- (the alert engine's open dossiers and their rollup windows) is not sent back to the store by another kind's write.
-- Null for a row no writer has raised since: a reader counts such a write against every kind.
alter table store_data_version add column kind text check (kind in ('dossier', 'document', 'project', 'kpi'));
