-- An account's feed is paged: feed.json holds the newest items, older ones sit in pages cut from the oldest (so adding
-- the newest item rewrites one page). Pages are read in this order, by index: oldest first, ties by document id.
alter table newmedia_documents add column feed_published_at timestamptz;
update newmedia_documents set feed_published_at = (feed_item ->> 'date_published')::timestamptz where feed_item is not null;
create index newmedia_documents_feed_order on newmedia_documents (account_id, feed_published_at, document_id desc)
  where status = 'live' and feed_item is not null;
