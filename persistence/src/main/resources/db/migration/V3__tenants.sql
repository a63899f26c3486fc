-- Tenants and their API keys. A key is shown once; only its SHA-256 is stored. Lookups go by
-- key_id (the public part of the key) and the hash is then compared in constant time.

CREATE TABLE tenant (
  id VARCHAR(64) PRIMARY KEY,
  name VARCHAR(200) NOT NULL,
  time_zone VARCHAR(64) NOT NULL DEFAULT 'UTC',
  created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE api_key (
  key_id VARCHAR(32) PRIMARY KEY,
  tenant_id VARCHAR(64) NOT NULL REFERENCES tenant (id),
  secret_hash BYTEA NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  revoked_at TIMESTAMPTZ
);

CREATE INDEX api_key_tenant_idx ON api_key (tenant_id);
