-- Notifications sent to contact points (webhook, e-mail): server/src/notifications. Every server process hears every
-- alert change (NOTIFY reaches all of them); the one whose insert of the change's key wins sends it, so a cluster
-- announces each change once, whoever leads the alert engine at that moment. The row then records the outcome.

create table notification_delivery (
  -- `alert:<alert id>:<firing|escalated|resolved>:<evaluation instant>`: one announcement of one change.
  key          text        primary key,
  kind         text        not null check (kind in ('firing', 'escalated', 'resolved')),
  claimed_at   timestamptz not null,
  -- One entry per contact point: {"channel","target","outcome","attempts","error"}; filled in when sending ends.
  outcomes     jsonb       not null default '[]',
  finished_at  timestamptz
);

create index notification_delivery_recent on notification_delivery (claimed_at desc);
