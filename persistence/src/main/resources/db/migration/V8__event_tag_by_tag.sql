-- Projections read the journal by tag: "tag = ? AND ordering > ? ... ORDER BY ordering LIMIT ?".
-- The plugin's schema only has the key (event_id, tag), so every poll walked all tag rows written
-- since the projection's offset and filtered them by tag; a projection whose tag is rare (the
-- account listing: sends are not tagged) walked an ever longer range. This index makes each poll
-- a range scan of its own tag.
CREATE INDEX IF NOT EXISTS event_tag_tag_idx ON event_tag (tag, event_id);
