-- Tag rows are written with their events, in the same transaction, and the journal is never deleted
-- from (it is the audit trail): the foreign key's cascade never runs, and its check cost every tag row
-- a lookup and a lock of its journal row (a row lock is a WAL record and a dirtied page, on every
-- campaign event). The queries join tag rows to events, so a tag row without its event would be left
-- out of them, not read.
ALTER TABLE event_tag DROP CONSTRAINT IF EXISTS fk_event_journal;

-- The key in the order projections read it (V8's index): one index keeps the rows unique and serves
-- the polls, instead of two kept up on every write.
ALTER TABLE event_tag DROP CONSTRAINT IF EXISTS event_tag_pkey;
ALTER TABLE event_tag ADD CONSTRAINT event_tag_pkey PRIMARY KEY (tag, event_id);
DROP INDEX IF EXISTS event_tag_tag_idx;
