-- Incidents (sự cố, domain.md §2.4): opened by the alert evaluator when an alert group starts firing, one incident per
-- group (dedup key) while it is not closed; handled by the centre and the responsible agency (004 Art 6.2, 9.3).

create table incident (
  id                   uuid        primary key,
  rule_id              text        not null,
  -- The alert group: `DOS-01|agency=STP`. At most one incident per group that is not closed (index below).
  dedup_key            text        not null,
  title_vi             text        not null,
  title_en             text        not null,
  -- open → acknowledged → assigned → in_progress → resolved → closed; reopen → assigned or acknowledged.
  -- See nextIncidentState (core/src/sla/incident-workflow.ts).
  state                text        not null check (state in ('open', 'acknowledged', 'assigned', 'in_progress', 'resolved', 'closed')),
  severity             text        not null check (severity in ('info', 'warning', 'critical')),
  -- The agency the alert is about, and the agency it was forwarded to (usually the same).
  agency_code          text,
  unit_code            text,
  assigned_agency_code text,
  alert_ids            jsonb       not null default '[]',
  -- The dossiers, documents and projects behind it (`source_system/source_id`), as of its alerts' last breach.
  linked_ids           jsonb       not null default '[]',
  -- The rule's SOP, one entry per step: { "vi", "en", "done", "doneBy", "doneAt" }.
  checklist            jsonb       not null default '[]',
  opened_at            timestamptz not null,
  -- Acknowledge by then, else it escalates (INC-01); re-armed after each escalation, cleared by the acknowledgement.
  ack_due_at           timestamptz,
  ack_within_hours     real        not null,
  acknowledged_at      timestamptz,
  resolved_at          timestamptz,
  closed_at            timestamptz,
  escalations          integer     not null default 0,
  updated_at           timestamptz not null,
  -- Bumped by every write: two people acting on one incident at once cannot both pass the state check.
  revision             integer     not null default 1
);

create unique index incident_group_not_closed on incident (dedup_key) where state <> 'closed';
create index incident_unresolved_by_agency on incident (agency_code, severity) where state not in ('resolved', 'closed');
create index incident_assigned on incident (assigned_agency_code, opened_at desc) where assigned_agency_code is not null;
create index incident_ack_due on incident (ack_due_at) where state = 'open';
create index incident_opened on incident (opened_at desc);

-- The logbook [001 Art 14.1.d; 002 Art 13.3.d]: who did what, when, as which role, from and to which state. Append-only.
create table incident_event (
  id          bigserial   primary key,
  incident_id uuid        not null references incident (id),
  at          timestamptz not null,
  kind        text        not null,
  actor       text        not null,
  actor_id    integer,
  role        text,
  from_state  text,
  to_state    text,
  comment     text,
  details     jsonb       not null default '{}'
);

create index incident_event_by_incident on incident_event (incident_id, id);

create function incident_event_refuse_change() returns trigger language plpgsql as $$
begin
  raise exception 'incident_event is append-only: % refused', tg_op using errcode = 'insufficient_privilege';
end;
$$;

create trigger incident_event_append_only before update or delete on incident_event
  for each row execute function incident_event_refuse_change();
