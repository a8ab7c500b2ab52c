-- The release time of each candidate as a column: a section's release order is read from an index, not from every
-- candidate's record (detoasted row by row on each filing).
alter table candidates add column published_at timestamptz;
update candidates set published_at = (record ->> 'publishedAt')::timestamptz;
alter table candidates alter column published_at set not null;
create index candidates_release_order on candidates (issue_id, section, published_at, document_id);
