-- The canonical revisions, from content.published: what every channel must show.
create table revisions (
  document_id text not null,
  revision integer not null,
  fingerprint text not null,
  kind text not null,
  title text not null,
  issuing_organs text[] not null,
  status text not null,
  openness text not null,
  correction_kind text,
  published_at timestamptz not null,
  released_at timestamptz not null,
  targeting jsonb not null,
  canonical_text text not null,
  -- The event as received, re-published unchanged by a retry.
  event jsonb not null,
  received_at timestamptz not null default now(),
  primary key (document_id, revision)
);

-- Every step of every delivery, from delivery.status; a replay inserts nothing new.
create table delivery_steps (
  document_id text not null,
  revision integer not null,
  channel text not null,
  target text not null,
  state text not null,
  attempt integer not null,
  fingerprint text not null,
  error_code text,
  error_message text,
  error_retryable boolean,
  artifact_keys jsonb not null,
  occurred_at timestamptz not null,
  primary key (document_id, revision, channel, target, state, attempt)
);
create index delivery_steps_document on delivery_steps (document_id, revision);

-- The current state of each delivery: its latest step (a later attempt wins a tie).
create view current_deliveries as
select distinct on (document_id, revision, channel, target) *
from delivery_steps
order by document_id, revision, channel, target, occurred_at desc, attempt desc,
  array_position(array['pending', 'delivering', 'failed', 'delivered', 'withdrawn', 'superseded'], state) desc;

create table alerts (
  id bigserial primary key,
  kind text not null,
  document_id text not null,
  revision integer not null,
  channel text not null,
  target text not null,
  detail text not null,
  opened_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  resolved_at timestamptz
);
create unique index alerts_one_open on alerts (kind, document_id, channel, target) where resolved_at is null;

create table dead_letters (
  id bigserial primary key,
  dlq_topic text not null,
  dlq_partition integer not null,
  dlq_offset bigint not null,
  message_key text,
  message_value bytea,
  headers jsonb not null,
  reason text not null,
  code text not null,
  source_topic text not null,
  source_partition integer not null,
  source_offset text not null,
  consumer_group text not null,
  failed_at text not null,
  redriven_at timestamptz,
  redriven_by text,
  unique (dlq_topic, dlq_partition, dlq_offset)
);

-- Who asked for what: retries and re-drives are operator actions.
create table operator_actions (
  id bigserial primary key,
  action text not null,
  document_id text,
  revision integer,
  dead_letter_id bigint,
  actor_id text not null,
  actor_name text not null,
  at timestamptz not null default now()
);

create table console_sessions (
  id_sha256 text primary key,
  user_id text not null,
  user_name text not null,
  roles text[] not null,
  csrf_token text not null,
  expires_at timestamptz not null
);
