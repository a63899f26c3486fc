package outreach.actors.domain;

import java.time.Instant;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import outreach.protocol.domain.DomainEvent;
import outreach.protocol.domain.DomainShare;
import outreach.protocol.domain.DomainShareEvent;
import outreach.protocol.domain.DomainState;
import outreach.protocol.limit.PermitLog;

/**
 * Cuts a recipient domain, which all tenants share, down to what one tenant may see of it: its own
 * reservations and releases, the domain's deferrals, and its own part of the state. Nothing that
 * names another tenant, its messages or its volume gets through.
 */
public final class DomainShares {

  private DomainShares() {}

  /** The event as the tenant sees it, or empty when it concerns other tenants only. */
  public static Optional<DomainShareEvent> event(String tenantId, DomainEvent event) {
    if (event instanceof DomainEvent.SendsReserved e) {
      List<DomainShareEvent.Reservation> own =
          e.reservations().stream()
              .filter(r -> r.tenantId().equals(tenantId))
              .map(r -> new DomainShareEvent.Reservation(r.messageId(), r.at()))
              .toList();
      List<String> settled = own(tenantId, e.settled());
      if (own.isEmpty()) return settled.isEmpty() ? Optional.empty() : Optional.of(new DomainShareEvent.SendsSettled(settled, e.at()));
      return Optional.of(new DomainShareEvent.SendsReserved(own, settled, e.at()));
    }
    if (event instanceof DomainEvent.ReservationReleased e) {
      if (!e.tenantId().equals(tenantId)) return Optional.empty();
      return Optional.of(new DomainShareEvent.ReservationReleased(e.messageId(), e.reservedAt(), e.at()));
    }
    if (event instanceof DomainEvent.SendsSettled e) {
      List<String> own = own(tenantId, e.settlements());
      return own.isEmpty() ? Optional.empty() : Optional.of(new DomainShareEvent.SendsSettled(own, e.at()));
    }
    DomainEvent.DomainDeferred e = (DomainEvent.DomainDeferred) event;
    // The reason is the server's reply to whichever sender met the deferral; it may name that sender.
    return Optional.of(new DomainShareEvent.DomainDeferred(e.until(), e.at()));
  }

  private static List<String> own(String tenantId, List<DomainEvent.Settlement> settlements) {
    return settlements.stream().filter(x -> x.tenantId().equals(tenantId)).map(DomainEvent.Settlement::messageId).toList();
  }

  /** Whether the event records the tenant's own sends, not only a fact about the domain. */
  public static boolean isOwn(String tenantId, DomainEvent event) {
    if (event instanceof DomainEvent.SendsReserved e) {
      return e.reservations().stream().anyMatch(r -> r.tenantId().equals(tenantId))
          || e.settled().stream().anyMatch(x -> x.tenantId().equals(tenantId));
    }
    if (event instanceof DomainEvent.ReservationReleased e) return e.tenantId().equals(tenantId);
    if (event instanceof DomainEvent.SendsSettled e) return e.settlements().stream().anyMatch(x -> x.tenantId().equals(tenantId));
    return false;
  }

  /**
   * The tenant's share of the domain after {@code events} (the journal up to {@code at}), folded
   * with the entity's own event handler from its empty state and then cut to the tenant's part.
   */
  public static DomainShare state(String tenantId, String domain, DomainPolicy.Caps caps, List<DomainEvent> events, Instant at) {
    DomainState state = DomainState.EMPTY;
    Set<String> ownMessages = new HashSet<>();
    for (DomainEvent e : events) {
      state = RecipientDomain.apply(caps, state, e);
      if (e instanceof DomainEvent.SendsReserved r) {
        r.reservations().stream().filter(x -> x.tenantId().equals(tenantId)).forEach(x -> ownMessages.add(x.messageId()));
      }
    }
    PermitLog permits = state.tenants().getOrDefault(tenantId, PermitLog.EMPTY);
    Map<String, Instant> reservations = new LinkedHashMap<>();
    state.reservations().forEach((messageId, reservedAt) -> {
      if (ownMessages.contains(messageId)) reservations.put(messageId, reservedAt);
    });
    LocalDate day = RecipientDomain.tenantWindows(caps).dayOf(at);
    return new DomainShare(
        domain,
        caps.name(),
        caps.tenantLimits(),
        caps.systemLimits(),
        day,
        permits.grantedOn(day),
        permits,
        reservations,
        state.deferredUntil(),
        state.deferredUntil().filter(at::isBefore).isPresent());
  }
}
