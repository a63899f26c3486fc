package outreach.protocol.domain;

import java.time.Instant;
import java.util.List;
import outreach.protocol.CborSerializable;

/** Facts recorded in a RecipientDomain's journal. */
public sealed interface DomainEvent extends CborSerializable {

  Instant at();

  /**
   * Sends reserved together (a hot domain persists its reservations in batches), and the earlier reservations
   * whose sends had ended by {@code at}, written with them: folded after the reservations, they count at
   * {@code at} from now on, as a {@link SendsSettled} would make them. Events written before settlements came
   * with reservations have none.
   */
  record SendsReserved(List<Reservation> reservations, List<Settlement> settled, Instant at) implements DomainEvent {

    public SendsReserved {
      reservations = List.copyOf(reservations);
      settled = settled == null ? List.of() : List.copyOf(settled);
    }

    public SendsReserved(List<Reservation> reservations, Instant at) {
      this(reservations, List.of(), at);
    }
  }

  /** A reservation given back: it ended without a send. */
  record ReservationReleased(String tenantId, String messageId, Instant reservedAt, Instant at) implements DomainEvent {}

  /**
   * Reservations whose sends ended (at {@code at}): from now on they count at that instant. Written alone when no
   * reservation came to take them along within settle-within, or before a release or deferral.
   */
  record SendsSettled(List<Settlement> settlements, Instant at) implements DomainEvent {}

  /** One reservation whose send ended. */
  record Settlement(String tenantId, String messageId) {}

  /** The domain deferred our sends until {@code until}. */
  record DomainDeferred(Instant until, String reason, Instant at) implements DomainEvent {}

  /** One reserved send. */
  record Reservation(String tenantId, String messageId, Instant at) {}
}
