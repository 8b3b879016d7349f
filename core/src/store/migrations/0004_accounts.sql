-- Accounts and sessions (domain.md §1.3). One account per person (000 Art 2.3, 5.1) or per wall device; an account
-- is never deleted once it has acted, only closed (000 Art 5.7): the audit log's foreign key (0005) enforces that.

create table account (
  id                       bigserial   primary key,
  -- Lower-case login name; unique for ever, closed accounts included, so that the audit log's names stay unambiguous.
  username                 text        not null unique,
  display_name             text,
  role                     text        not null check (role in ('admin', 'leader', 'operator', 'department', 'viewer', 'display')),
  -- The scope: the province code (everything), a commune code, and optionally one agency of that unit.
  scope_unit_code          text        not null,
  scope_agency_code        text,
  -- argon2id (PHC string); null for display devices, which pair with a token instead.
  password_hash            text,
  password_changed_at      timestamptz,
  -- 'first_login' or 'reset': the password must be changed before anything else (000 Art 5.1.b). Null: none due.
  password_change_required text        check (password_change_required in ('first_login', 'reset')),
  -- Display devices: sha256 of the pairing token, and the one dashboard they show.
  display_token_hash       text        unique,
  dashboard                text,
  -- Repeated wrong passwords: 5 within 15 minutes lock for 15 minutes [P].
  failed_login_count       integer     not null default 0,
  first_failed_login_at    timestamptz,
  locked_until             timestamptz,
  -- Locked by an administrator on a written request (004 Art 4.8) until unlocked.
  admin_locked_at          timestamptz,
  closed_at                timestamptz,
  created_at               timestamptz not null,
  last_login_at            timestamptz,
  constraint account_display_has_dashboard check (role <> 'display' or (dashboard is not null and password_hash is null)),
  constraint account_person_has_no_token check (role = 'display' or display_token_hash is null)
);

-- A session per sign-in: the cookie carries a random token, the table only its sha256, so a copy of the table opens
-- no session. Ended sessions are deleted.
create table account_session (
  token_hash   text        primary key,
  account_id   bigint      not null references account (id) on delete cascade,
  kind         text        not null check (kind in ('interactive', 'display')),
  -- Display sessions: the dashboard they are bound to.
  dashboard    text,
  csrf_token   text        not null,
  created_at   timestamptz not null,
  last_seen_at timestamptz not null,
  expires_at   timestamptz not null,
  ip           text,
  user_agent   text
);

create index account_session_account on account_session (account_id);
create index account_session_expires on account_session (expires_at);
