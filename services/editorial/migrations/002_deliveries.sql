-- The latest state of each delivery of each revision, read from delivery.status, so editors see where their document is live.
create table deliveries (
  document_id text not null,
  revision int not null,
  channel text not null,
  target text not null,
  state text not null,
  attempt int not null,
  fingerprint text not null,
  error jsonb,
  artifact_keys jsonb not null,
  occurred_at timestamptz not null,
  primary key (document_id, revision, channel, target)
);
