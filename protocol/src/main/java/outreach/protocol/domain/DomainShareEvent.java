package outreach.protocol.domain;

import java.time.Instant;
import java.util.List;

/**
 * A recipient domain's event as one tenant sees it in the audit trail: its own reservations and
 * releases without the tenant id, and the domain's deferrals without the server's text (which may
 * name the sender, another tenant's account, that met the deferral).
 */
public sealed interface DomainShareEvent {

  Instant at();

  /**
   * The tenant's sends among a batch of reservations, and its sends among those settled with them (their
   * transactions had ended by {@code at}); other tenants' are left out.
   */
  record SendsReserved(List<Reservation> reservations, List<String> settled, Instant at) implements DomainShareEvent {

    public SendsReserved {
      reservations = List.copyOf(reservations);
      settled = List.copyOf(settled);
    }
  }

  /** One of the tenant's reservations given back. */
  record ReservationReleased(String messageId, Instant reservedAt, Instant at) implements DomainShareEvent {}

  /** The tenant's sends among a batch whose transactions ended at {@code at}. */
  record SendsSettled(List<String> messageIds, Instant at) implements DomainShareEvent {

    public SendsSettled {
      messageIds = List.copyOf(messageIds);
    }
  }

  /** The domain deferred our sends until {@code until}: a fact about the domain that holds every tenant back. */
  record DomainDeferred(Instant until, Instant at) implements DomainShareEvent {}

  /** One of the tenant's reserved sends. */
  record Reservation(String messageId, Instant at) {}
}
