package outreach.protocol.domain;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import outreach.protocol.RateLimit;
import outreach.protocol.limit.PermitLog;

/**
 * One tenant's share of a recipient domain's state at an instant, for audit: its own permits against
 * its cap, its own reservations and the domain's deferral. Other tenants' counts and the system-wide
 * usage are left out (the latter would reveal their volume); the system-wide cap is configuration.
 *
 * @param domain the recipient domain
 * @param policy the name of the caps in force ({@code standard} or a provider policy)
 * @param tenantLimits the caps on one tenant's sends to the domain
 * @param systemLimits the caps on all tenants' sends to the domain together
 * @param day the UTC day of the instant, the day {@code sentOnDay} counts
 * @param sentOnDay this tenant's reservations on {@code day}
 * @param permits this tenant's permit log, as the entity holds it
 * @param reservations this tenant's reservations the entity remembers, message id to instant, oldest first
 * @param deferredUntil the end of the domain's latest deferral, if it ever deferred us
 * @param deferred whether a deferral was in force at the instant
 */
public record DomainShare(
    String domain,
    String policy,
    List<RateLimit> tenantLimits,
    List<RateLimit> systemLimits,
    LocalDate day,
    int sentOnDay,
    PermitLog permits,
    Map<String, Instant> reservations,
    Optional<Instant> deferredUntil,
    boolean deferred) {

  public DomainShare {
    tenantLimits = List.copyOf(tenantLimits);
    systemLimits = List.copyOf(systemLimits);
    reservations = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(reservations));
  }
}
