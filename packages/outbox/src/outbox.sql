-- Transactional outbox: written in the same transaction as the state change, relayed to Kafka afterwards.
create table if not exists outbox (
  id bigserial primary key,
  topic text not null,
  key text not null,
  value text not null,
  headers jsonb not null,
  created_at timestamptz not null default now(),
  sent_at timestamptz
);
create index if not exists outbox_unsent on outbox (id) where sent_at is null;
