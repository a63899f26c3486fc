-- Projections read the journal by tag: "tag = ? AND ordering > ? AND ordering <= ? ... LIMIT ?".
-- The plugin's schema only has the key (event_id, tag), so the only way to a tag's rows was to
-- read every tag row and filter: a projection whose tag is rare (the account listing, now that
-- sends are not tagged) paid for all the others at every poll. With this index a poll reads its
-- own tag's rows only (akka-persistence-jdbc's documentation recommends an index on tag too).
CREATE INDEX IF NOT EXISTS event_tag_tag_idx ON event_tag (tag, event_id);
