-- The table `@socket.io/postgres-adapter` uses for packets too large for a NOTIFY payload (8000 bytes): the adapter
-- inserts the packet here and notifies its id. Created here, never by the adapter at run time: two replicas creating
-- it at the same moment crashed one of them (duplicate key on pg_type_typname_nsp_index). Rows are deleted by the
-- adapter's own cleanup timer (older than 30 s); nothing else reads them.
create table if not exists socket_io_attachments (
  id         bigserial   unique,
  created_at timestamptz default now(),
  payload    bytea
);
