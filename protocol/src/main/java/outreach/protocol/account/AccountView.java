package outreach.protocol.account;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import outreach.protocol.CborSerializable;
import outreach.protocol.RateLimit;

/** An account as callers see it: settings without the secret, its health and how full its limits are now. */
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
    Instant createdAt,
    int sentToday,
    int dailyCap,
    List<WindowUsage> sentInWindows,
    int consecutiveFailures,
    Optional<Instant> pausedUntil,
    Optional<String> disabledReason)
    implements CborSerializable {

  /** Sends counted in one limit's window at the time of the view. */
  public record WindowUsage(RateLimit limit, int sent) {}

  public AccountView {
    limits = List.copyOf(limits);
    sentInWindows = List.copyOf(sentInWindows);
  }
}
