-- Read model of SMTP accounts per tenant, kept by the account projection from SmtpAccount events.
-- The entity is the source of truth; this table serves listings.

CREATE TABLE account_view (
  tenant_id VARCHAR(64) NOT NULL,
  account_id VARCHAR(64) NOT NULL,
  host VARCHAR(255) NOT NULL,
  port INTEGER NOT NULL,
  security VARCHAR(16) NOT NULL,
  username VARCHAR(255) NOT NULL,
  from_address VARCHAR(254) NOT NULL,
  from_name VARCHAR(200) NOT NULL,
  pool VARCHAR(16) NOT NULL,
  limits VARCHAR(500) NOT NULL,
  warm_up_enabled BOOLEAN NOT NULL,
  warm_up_start_per_day INTEGER NOT NULL,
  warm_up_step_per_day INTEGER NOT NULL,
  status VARCHAR(16) NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (tenant_id, account_id)
);
