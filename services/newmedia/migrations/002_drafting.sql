-- Set just before draft/add, cleared when its media_id is stored: a delivery resumed with it set may already have made
-- a draft (the process died, or the answer was lost), which draft/batchget finds by the delivery's own cover.
alter table newmedia_deliveries add column drafting_at timestamptz;

-- The last state of the delivery told on delivery.status. A process that dies between storing an end state and telling
-- it leaves them apart; the worker tells it again, so the ops ledger never misses where a revision is live.
alter table newmedia_deliveries add column reported_state text;
create index newmedia_deliveries_unreported on newmedia_deliveries (updated_at)
  where reported_state is distinct from state and state in ('delivered', 'withdrawn', 'superseded');
