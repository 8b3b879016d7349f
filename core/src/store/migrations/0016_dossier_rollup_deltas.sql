-- The per-minute dossier counters become append-only deltas: the writer COPYs each batch's change per
-- (minute, agency, commune) instead of upserting it. The upsert probed the key and rewrote the row for every delta,
-- and a batch of 1,000 new dossiers brings about 1,750 of them, nearly all for keys no other batch touches (a
-- minute of one agency in one commune): the probe found nothing to merge and still cost a third of the writer's
-- database time (npm run bench:ingest:phases). Every reader already sums over a range, so a key held in several rows
-- reads the same; a reader that wants one row per key groups by it. Replay safety does not come from this key but
-- from the version check: a replayed batch writes no delta at all.

alter table dossier_rollup_minute drop constraint dossier_rollup_minute_pkey;
create index dossier_rollup_minute_bucket on dossier_rollup_minute (bucket);
