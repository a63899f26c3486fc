-- One projection ("campaign-read") now keeps both campaign_view and delivery; each had its own
-- ("campaign-view", "delivery"), which read and deserialized every campaign event twice.
-- Per tag, the new projection starts at the lower of the two old offsets; the part that was ahead
-- skips what it had applied (by the old offsets, which stay in this table). Where only one of the
-- two had an offset, the new projection starts from the beginning and each part skips alike.
-- The old projections must not run any more: upgrade with a full restart, not a rolling one.
INSERT INTO akka_projection_offset_store (projection_name, projection_key, current_offset, manifest, mergeable, last_updated)
SELECT 'campaign-read', projection_key, MIN(current_offset::bigint)::varchar, 'SEQ', FALSE, MAX(last_updated)
FROM akka_projection_offset_store
WHERE projection_name IN ('campaign-view', 'delivery') AND manifest = 'SEQ'
GROUP BY projection_key
HAVING COUNT(*) = 2
ON CONFLICT (projection_name, projection_key) DO NOTHING;
