-- Alerts of the SLA rules (domain.md §4; core/src/sla). One row per alert, from its first breach to its end; the
-- evaluator (one process: the advisory-lock leader) writes each evaluation's changes in one transaction.

create table alert (
  id                uuid        primary key,
  -- `DOS-01|agency=STP`: the rule and its group. At most one active alert per key (index below).
  dedup_key         text        not null,
  rule_id           text        not null,
  severity          text        not null check (severity in ('info', 'warning', 'critical')),
  -- pending → firing → resolving (still firing to the outside) → resolved; a pending alert that never fired ends
  -- `inactive`. See nextAlertState.
  state             text        not null check (state in ('pending', 'firing', 'resolving', 'resolved', 'inactive')),
  agency_code       text,
  unit_code         text,
  labels            jsonb       not null default '{}',
  -- Records in breach as of the last breach, and their ids (`source_system/source_id`).
  count             integer     not null check (count >= 0),
  linked_ids        jsonb       not null default '[]',
  -- Rule-specific facts: the worst overdue in working days, the metric's counters, the source's age.
  details           jsonb       not null default '{}',
  started_at        timestamptz not null,
  fired_at          timestamptz,
  resolving_since   timestamptz,
  resolved_at       timestamptz,
  last_evaluated_at timestamptz not null,
  flap_count        integer     not null default 0,
  -- Whether its firing was announced (only then is its resolution).
  notified          boolean     not null default false,
  silenced          boolean     not null default false,
  silence_ids       jsonb       not null default '[]',
  -- Bumped by every write: an evaluator that read an older revision fails instead of overwriting.
  revision          integer     not null default 1
);

-- One active alert per dedup key: a second evaluator that slipped past leadership fails here instead of doubling it.
create unique index alert_active_dedup on alert (dedup_key) where state in ('pending', 'firing', 'resolving');
-- The evaluator and the live views read the active alerts only; keep that read proportional to them.
create index alert_active_by_agency on alert (agency_code, severity) where state in ('pending', 'firing', 'resolving');
create index alert_ended on alert (resolved_at desc) where resolved_at is not null;

-- Every change of state, severity or silencing, in order: the alert's history. Append-only.
create table alert_transition (
  id            bigserial   primary key,
  alert_id      uuid        not null references alert (id),
  rule_id       text        not null,
  dedup_key     text        not null,
  at            timestamptz not null,
  from_state    text        not null,
  to_state      text        not null,
  from_severity text,
  to_severity   text        not null,
  reason        text        not null,
  count         integer     not null,
  silenced      boolean     not null,
  -- The announcement this transition made: firing, escalated, resolved, or none.
  notify        text
);

create index alert_transition_by_alert on alert_transition (alert_id, id);
create index alert_transition_recent on alert_transition (at desc);

create function alert_transition_refuse_change() returns trigger language plpgsql as $$
begin
  raise exception 'alert_transition is append-only: % refused', tg_op using errcode = 'insufficient_privilege';
end;
$$;

create trigger alert_transition_append_only before update or delete on alert_transition
  for each row execute function alert_transition_refuse_change();

-- Silences and maintenance windows: alerts they match change state as usual, marked silenced, never announced.
create table alert_silence (
  id           uuid        primary key,
  kind         text        not null check (kind in ('silence', 'maintenance')),
  rule_ids     jsonb       not null default '[]',
  agency_codes jsonb       not null default '[]',
  labels       jsonb       not null default '{}',
  starts_at    timestamptz not null,
  ends_at      timestamptz not null,
  reason       text        not null,
  created_by   text        not null,
  created_at   timestamptz not null default now(),
  -- Ended early by hand; a silence is never deleted, so what was silenced stays explainable.
  cancelled_at timestamptz,
  check (ends_at > starts_at),
  check (rule_ids <> '[]' or agency_codes <> '[]' or labels <> '{}')
);

create index alert_silence_current on alert_silence (ends_at) where cancelled_at is null;
