-- The audit log (domain.md §1.3: "the holder answers for all actions"; design.md, Security): who did what to which
-- resource, when and from where. Append-only, and hash-chained: each row carries the hash of the row before it and
-- its own hash over its fields (core/src/audit/audit-chain.ts), so an edited or removed row breaks the chain, which
-- `ioc audit verify` checks. Rows are written in the same transaction as the change they record, under an advisory
-- lock, so ids follow the chain and two processes never fork it (core/src/store/audit.queries.ts).

create table audit_log (
  id            bigserial   primary key,
  at            timestamptz not null,
  -- The acting account. `on delete restrict`: an account that has acted can only be closed, never deleted.
  actor_user_id bigint      references account (id) on delete restrict,
  actor_name    text        not null,
  action        text        not null,
  resource_kind text        not null,
  resource_id   text,
  ip            text,
  details       jsonb       not null default '{}',
  prev_hash     text        not null,
  hash          text        not null unique
);

create index audit_log_actor on audit_log (actor_user_id) where actor_user_id is not null;
create index audit_log_resource on audit_log (resource_kind, resource_id);

-- Append-only for everyone who goes through SQL: an UPDATE, DELETE or TRUNCATE fails. (A superuser can still disable
-- the trigger; the hash chain is what tells.)
create function audit_log_refuse_change() returns trigger language plpgsql as $$
begin
  raise exception 'audit_log is append-only: % refused', tg_op using errcode = 'insufficient_privilege';
end;
$$;

create trigger audit_log_append_only before update or delete on audit_log
  for each row execute function audit_log_refuse_change();
create trigger audit_log_no_truncate before truncate on audit_log
  for each statement execute function audit_log_refuse_change();
