-- Read model of the tenants' sending domains, kept by the sending-domain projection; serves listings.
CREATE TABLE sending_domain_view (
  tenant_id VARCHAR(64) NOT NULL,
  domain VARCHAR(253) NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (tenant_id, domain)
);
