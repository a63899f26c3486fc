-- The delivery projection updates every row a recipient's dispatch and outcome touch, by its key. With
-- a second index on (tenant_id, campaign_id, status, seq) each update also moved the row's entry in it,
-- and the planner, from statistics a large upload had made stale, sometimes joined the updates to their
-- rows through that index: it matches the campaign but not the sequence number, so every row updated read
-- every entry of the campaign (a 50,000-recipient campaign spent a core in PostgreSQL on it for half a
-- minute). The listing filtered by status reads the campaign's rows along the primary key instead, in the
-- order it pages in; the statistics read all of the campaign's rows in either case.
DROP INDEX IF EXISTS delivery_status_idx;
