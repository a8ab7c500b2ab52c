-- The revisions received, whole: a failed delivery is retried in the background from here, without the event.
create table newmedia_revisions (
  document_id text not null,
  revision integer not null,
  fingerprint text not null,
  event jsonb not null,
  received_at timestamptz not null default now(),
  primary key (document_id, revision)
);

-- One row per (document, revision, account): the delivery's state machine. Each step's result is stored before the
-- next call to WeChat, so a restart resumes from the stored step and never repeats draft/add or freepublish/submit.
create table newmedia_deliveries (
  document_id text not null,
  revision integer not null,
  account_id text not null,
  fingerprint text not null,
  form text not null check (form in ('article', 'correction-notice', 'withdrawal')),
  step text not null check (step in ('pending', 'images-uploaded', 'cover-uploaded', 'draft-added', 'submitting', 'submitted',
    'published', 'withdrawn', 'failed', 'superseded')),
  state text not null check (state in ('pending', 'delivering', 'delivered', 'failed', 'withdrawn', 'superseded')),
  attempt integer not null default 1,
  -- image block key → URL media/uploadimg returned
  image_urls jsonb not null default '{}',
  cover jsonb,
  draft_media_id text,
  submitting_at timestamptz,
  publish_id text,
  article_id text,
  article_url text,
  error jsonb,
  retry_at timestamptz,
  poll_at timestamptz,
  polls integer not null default 0,
  artifact_keys jsonb not null default '[]',
  updated_at timestamptz not null default now(),
  primary key (document_id, revision, account_id)
);
create index newmedia_deliveries_retry on newmedia_deliveries (retry_at) where retry_at is not null;
create index newmedia_deliveries_poll on newmedia_deliveries (poll_at) where poll_at is not null;
create unique index newmedia_deliveries_publish on newmedia_deliveries (account_id, publish_id) where publish_id is not null;

-- What each account carries of each document now: its feed item and the article a correction notice links back to.
create table newmedia_documents (
  document_id text not null,
  account_id text not null,
  revision integer not null,
  fingerprint text not null,
  status text not null check (status in ('live', 'withdrawn')),
  feed_item jsonb,
  original jsonb,
  updated_at timestamptz not null default now(),
  primary key (document_id, account_id)
);

-- Every article published on WeChat, so a withdrawal deletes each of them (the original and its correction notices).
create table newmedia_articles (
  account_id text not null,
  article_id text not null,
  document_id text not null,
  revision integer not null,
  url text,
  deleted boolean not null default false,
  primary key (account_id, article_id)
);
create index newmedia_articles_document on newmedia_articles (document_id, account_id);
