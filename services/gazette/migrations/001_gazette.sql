-- Issues: one a month (每月一期). 第N期 restarts each year, 总第N期 runs on across years and after the imported past issues.
create table issues (
  issue_id text primary key,
  year int not null,
  number int not null,
  total int not null unique,
  release_month text not null,
  state text not null check (state in ('open', 'closed', 'published')),
  closed jsonb,
  approved jsonb,
  published jsonb,
  -- Fixed at the first publish attempt, so a re-run after a crash renders the same bytes.
  published_on date,
  -- What the publish wrote (keys, PDF hash, pages): a published issue answers from here and writes nothing again.
  rendition jsonb,
  created_at timestamptz not null default now(),
  unique (year, number)
);
create index issues_open_by_month on issues (release_month) where state = 'open';

-- The latest released revision of each document the gazette carries or considered, and where it sits.
create table candidates (
  document_id text primary key,
  issue_id text not null references issues (issue_id),
  revision int not null,
  fingerprint text not null,
  record jsonb not null,
  release_month text not null,
  included boolean not null default true,
  section text not null,
  position int not null,
  updated_at timestamptz not null default now()
);
create index candidates_by_issue on candidates (issue_id, section, position);

-- What a closed issue carries: the exact revisions, frozen at close. Never updated afterwards.
create table issue_documents (
  issue_id text not null references issues (issue_id),
  document_id text not null,
  revision int not null,
  fingerprint text not null,
  record jsonb not null,
  section text not null,
  position int not null,
  primary key (issue_id, document_id)
);
create index issue_documents_by_document on issue_documents (document_id);

-- 勘误: proposed when a document of a closed issue is corrected; carried (and frozen) by a later issue.
create table errata (
  erratum_id text primary key,
  document_id text not null,
  corrected_revision int not null,
  corrected_fingerprint text not null,
  original_issue_id text not null references issues (issue_id),
  issue_id text not null references issues (issue_id),
  document_title text not null,
  text text not null,
  edited jsonb,
  portal_url text not null,
  created_at timestamptz not null default now(),
  unique (document_id, corrected_revision)
);
create index errata_by_issue on errata (issue_id);

-- 历史公报: past issues imported from PDFs, beside the new ones in the archive and search.
create table historical_issues (
  issue_id text primary key,
  year int not null,
  number int not null,
  total int not null unique,
  published_on date not null,
  file text not null,
  pdf_sha256 text not null,
  page_count int not null,
  imported jsonb not null,
  unique (year, number)
);

-- Search: one entry per document of a published or historical issue. Character bigrams narrow, the text confirms.
create table search_entries (
  entry_id text primary key,
  issue_id text not null,
  year int not null,
  number int not null,
  -- 总第N期, copied: an issue in the archive never changes, and search reads no other table.
  total int not null,
  historical boolean not null,
  document_id text,
  title text not null,
  doc_number text,
  organ text,
  page int not null,
  url text not null,
  text text not null,
  bigrams text[] not null
);
create index search_entries_bigrams on search_entries using gin (bigrams);
create index search_entries_by_issue on search_entries (year, number);

-- Who did what to which issue, when: every archivist action.
create table audit_log (
  id bigserial primary key,
  at timestamptz not null default now(),
  actor_id text not null,
  actor_name text not null,
  action text not null,
  issue_id text,
  detail jsonb not null default '{}'
);
