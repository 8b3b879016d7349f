-- The migrations table itself is created by the migrator (it must exist before it can record anything).
-- This first migration holds what every later one relies on.

-- socket.io's Postgres adapter stores large packets here; created once in a migration because two server
-- replicas creating it at start-up at the same time crash one of them (duplicate key pg_type_typname_nsp_index).
create table if not exists socket_io_attachments (
  id bigserial unique,
  created_at timestamptz default now(),
  payload bytea
);
