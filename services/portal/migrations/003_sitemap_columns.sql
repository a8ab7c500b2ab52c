-- A sitemap's year and last-modified time as columns: the sitemap parts were read from every live document's record
-- (detoasted row by row) on each batch, a cost that grew with the site.
alter table site_documents add column year text;
alter table site_documents add column last_modified text;
update site_documents set year = to_char(published_at at time zone 'Asia/Shanghai', 'YYYY'),
  last_modified = coalesce(record -> 'correction' ->> 'changedAt', record ->> 'publishedAt');
alter table site_documents alter column year set not null;
alter table site_documents alter column last_modified set not null;
create index site_documents_live_year on site_documents (year, published_at, document_id) where state = 'live';
