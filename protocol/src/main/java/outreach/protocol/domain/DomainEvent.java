package outreach.protocol.domain;

import java.time.Instant;
import java.util.List;
import outreach.protocol.CborSerializable;

/** Facts recorded in a RecipientDomain's journal. */
public sealed interface DomainEvent extends CborSerializable {

  Instant at();

  /** Sends reserved together (a hot domain persists its reservations in batches). */
  record SendsReserved(List<Reservation> reservations, Instant at) implements DomainEvent {}

  /** A reservation given back: it ended without a send. */
  record ReservationReleased(String tenantId, String messageId, Instant reservedAt, Instant at) implements DomainEvent {}

  /** Reservations whose sends ended (at {@code at}): from now on they count at that instant. */
  record SendsSettled(List<Settlement> settlements, Instant at) implements DomainEvent {}

  /** One reservation whose send ended. */
  record Settlement(String tenantId, String messageId) {}

  /** The domain deferred our sends until {@code until}. */
  record DomainDeferred(Instant until, String reason, Instant at) implements DomainEvent {}

  /** One reserved send. */
  record Reservation(String tenantId, String messageId, Instant at) {}
}
