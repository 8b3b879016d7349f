-- A counter per source, raised by every writer of entity data (dossiers, documents, projects, the KPI feed) in the
-- very transaction that writes it (`bumpDataVersion`). A reader that reads the counters before the data, and finds
-- them unchanged later, knows nothing was committed since: the alert engine keeps its entity reads between ticks
-- that way. NOTIFY cannot serve: it arrives after the commit, and a tick may start in between.
create table store_data_version (
  source  text   primary key,
  version bigint not null
);
