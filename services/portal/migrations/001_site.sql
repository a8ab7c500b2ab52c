-- The latest revision of each document this site carries: the state every listing is computed from.
create table site_documents (
  document_id text primary key,
  revision int not null,
  fingerprint text not null,
  -- live: on the site; withdrawn: a notice at its URL, out of every listing; absent from here: never carried.
  state text not null check (state in ('live', 'withdrawn')),
  published_at timestamptz not null,
  summary jsonb not null,
  record jsonb not null,
  history jsonb not null,
  updated_at timestamptz not null default now()
);
create index site_documents_live on site_documents (published_at, document_id) where state = 'live';

-- Chinese search by character bigrams: a phrase's bigrams narrow the candidates, the text confirms the phrase.
create table search_texts (
  document_id text primary key references site_documents (document_id) on delete cascade,
  text text not null
);
create table search_bigrams (
  bigram text not null,
  document_id text not null references site_documents (document_id) on delete cascade,
  primary key (bigram, document_id)
);

-- Small facts about the whole site, e.g. the fingerprint of the navigation that every page carries.
create table site_facts (
  name text primary key,
  value text not null
);
