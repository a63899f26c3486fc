-- Campaign recipients, the tenant's suppression list and the campaign read model.
-- Recipients are not entity state: an upload writes them here in one transaction and the
-- Campaign entity reads them by sequence number. Addresses are compared by email_key, the
-- address lower-cased, so that one mailbox is imported, counted and suppressed once.

CREATE TABLE campaign_recipient (
  tenant_id VARCHAR(64) NOT NULL,
  campaign_id VARCHAR(64) NOT NULL,
  seq BIGINT NOT NULL,
  email VARCHAR(254) NOT NULL,
  email_key VARCHAR(254) NOT NULL,
  variables JSONB NOT NULL,
  -- What the upload said about consent (GDPR), as given; NULL when the file had no consent column.
  consent VARCHAR,
  created_at TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (tenant_id, campaign_id, seq),
  UNIQUE (tenant_id, campaign_id, email_key)
);

-- Addresses a tenant must never send to again. The first reason recorded for an address stays.
CREATE TABLE suppression (
  tenant_id VARCHAR(64) NOT NULL,
  email_key VARCHAR(254) NOT NULL,
  email VARCHAR(254) NOT NULL,
  reason VARCHAR(16) NOT NULL CHECK (reason IN ('unsubscribed', 'hard-bounce', 'complaint', 'manual')),
  -- Where it came from, e.g. the campaign whose message bounced or carried the unsubscribe link.
  source VARCHAR(200) NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (tenant_id, email_key)
);

-- Read model of campaigns, kept by the campaign projection from Campaign events. The entity is
-- the source of truth; this table serves listings and tells the keeper which campaigns run.
CREATE TABLE campaign_view (
  tenant_id VARCHAR(64) NOT NULL,
  campaign_id VARCHAR(64) NOT NULL,
  name VARCHAR(200) NOT NULL,
  status VARCHAR(16) NOT NULL,
  paused_reason VARCHAR,
  total INTEGER NOT NULL,
  sent INTEGER NOT NULL,
  failed INTEGER NOT NULL,
  bounced INTEGER NOT NULL,
  suppressed INTEGER NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (tenant_id, campaign_id)
);

-- The keeper pages through running campaigns of all tenants; listings filter one tenant by status.
CREATE INDEX campaign_view_status_idx ON campaign_view (status, tenant_id, campaign_id);
