-- What the portal last wrote at each key (a hash of bytes, type and provenance), kept in the transaction that wrote it:
-- an unchanged page is skipped without asking S3 (a HEAD per object was a third of a revision's time).
create table site_objects (
  key text primary key,
  digest text not null
);

-- Pages linking to a document are found through their records' related list.
create index site_documents_related on site_documents using gin ((record -> 'related') jsonb_path_ops);

-- A document's postings as one array (GIN-indexed) beside its text: one row written per revision, not one per bigram.
alter table search_texts add column bigrams text[] not null default '{}';
update search_texts t set bigrams = coalesce((select array_agg(b.bigram) from search_bigrams b where b.document_id = t.document_id), '{}');
create index search_texts_bigrams on search_texts using gin (bigrams);
drop table search_bigrams;
