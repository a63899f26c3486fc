package outreach.protocol.account;

import java.time.Instant;
import java.util.List;
import outreach.protocol.CborSerializable;
import outreach.protocol.RateLimit;

/** An account as callers see it: settings without the secret, and its health. */
public record AccountView(
    String tenantId,
    String accountId,
    String host,
    int port,
    SecurityMode security,
    String username,
    String fromAddress,
    String fromName,
    AccountPool pool,
    List<RateLimit> limits,
    WarmUp warmUp,
    AccountStatus status,
    Instant createdAt)
    implements CborSerializable {}
