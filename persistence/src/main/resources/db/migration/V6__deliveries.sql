-- Read model of each recipient's delivery, kept by the delivery projection from Campaign events.
-- One row per recipient (by sequence number), written 'pending' when the upload reaches the
-- campaign, then moved along by its dispatches and outcomes. The entity is the source of truth;
-- this table serves the deliveries listing and the campaign statistics.

CREATE TABLE delivery (
  tenant_id VARCHAR(64) NOT NULL,
  campaign_id VARCHAR(64) NOT NULL,
  seq BIGINT NOT NULL,
  email VARCHAR(254) NOT NULL,
  status VARCHAR(16) NOT NULL
    CHECK (status IN ('pending', 'in-flight', 'deferred', 'sent', 'failed', 'bounced', 'suppressed')),
  -- The account of the latest dispatch; NULL until the recipient is first dispatched.
  account VARCHAR(64),
  -- Dispatches to an SMTP account, a dispatch returned before it reached the server included.
  attempts INTEGER NOT NULL,
  message_id VARCHAR(998),
  -- The latest SMTP reply; code 0 when there was none (a refused connection, say).
  last_code INTEGER,
  last_enhanced VARCHAR(16),
  last_text VARCHAR,
  -- Set for good once a send was cut off mid-transaction: the recipient may get the message twice.
  possible_duplicate BOOLEAN NOT NULL,
  first_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  next_attempt_at TIMESTAMPTZ,
  PRIMARY KEY (tenant_id, campaign_id, seq)
);

-- The listing filtered by status pages by seq; unfiltered it pages along the primary key.
CREATE INDEX delivery_status_idx ON delivery (tenant_id, campaign_id, status, seq);
