package outreach.protocol.domain;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import outreach.protocol.CborSerializable;
import outreach.protocol.limit.PermitLog;

/**
 * State of a RecipientDomain: the system-wide permit log, one per tenant, the latest reservations
 * (so a release finds its instant) and a deferral.
 */
public record DomainState(
    PermitLog system,
    Map<String, PermitLog> tenants,
    Map<String, Instant> reservations,
    Optional<Instant> deferredUntil)
    implements CborSerializable {

  public static final DomainState EMPTY = new DomainState(PermitLog.EMPTY, Map.of(), Map.of(), Optional.empty());

  public DomainState {
    tenants = Map.copyOf(tenants);
    reservations = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(reservations));
  }
}
