-- A document is the stable identity; its released revisions are immutable rows; its draft is the one editable thing.
create table documents (
  id text primary key,
  organisation_code text not null,
  -- 索引号: assigned at first release, never changed, never reused (unique forever, even after withdrawal).
  index_number text unique,
  latest_revision int not null default 0,
  created_by text not null,
  created_at timestamptz not null default now()
);

create table index_number_serials (
  organisation_code text not null,
  year int not null,
  last_serial int not null,
  primary key (organisation_code, year)
);

create table drafts (
  document_id text primary key references documents (id),
  -- The revision number this draft becomes when released: latest_revision + 1.
  revision int not null,
  content jsonb not null,
  reviews jsonb not null default '[]',
  confidentiality jsonb,
  correction jsonb,
  updated_by text not null,
  updated_at timestamptz not null default now()
);

create table revisions (
  document_id text not null references documents (id),
  revision int not null,
  status text not null,
  fingerprint text not null,
  record jsonb not null,
  released_by text not null,
  released_at timestamptz not null default now(),
  primary key (document_id, revision)
);


-- A retried request with the same key returns the first answer instead of acting twice.
create table idempotency_keys (
  principal_id text not null,
  key text not null,
  request_sha256 text not null,
  status int not null,
  response jsonb not null,
  created_at timestamptz not null default now(),
  primary key (principal_id, key)
);

create table audit_log (
  id bigserial primary key,
  at timestamptz not null default now(),
  actor_id text not null,
  actor_name text not null,
  action text not null,
  document_id text,
  revision int,
  detail jsonb not null default '{}'
);
create index audit_log_document on audit_log (document_id, id);
