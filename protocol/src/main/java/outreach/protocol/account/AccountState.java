package outreach.protocol.account;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;
import org.pcollections.OrderedPMap;
import outreach.protocol.CborSerializable;
import outreach.protocol.delivery.DeliveryOutcome;
import outreach.protocol.limit.PermitLog;

/** State of an SmtpAccount entity: not yet registered, or registered with its settings, limits and health. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
  @JsonSubTypes.Type(value = AccountState.Unregistered.class, name = "unregistered"),
  @JsonSubTypes.Type(value = AccountState.Registered.class, name = "registered")
})
public sealed interface AccountState extends CborSerializable {

  record Unregistered() implements AccountState {}

  /**
   * A registered account. {@code inFlight} holds the sends started and not yet finished (message
   * id to campaign; after a restart they are the ones cut off); {@code outcomes} the latest
   * finished ones, so a campaign recovering from a crash can ask what became of a message;
   * {@code withdrawn} the messages whose sends due to start by the given instant are refused (kept until then).
   */
  record Registered(
      String tenantId,
      String accountId,
      AccountSettings settings,
      String timeZone,
      LocalDate firstDay,
      Instant createdAt,
      AccountStatus status,
      Optional<Instant> pausedUntil,
      Optional<String> statusReason,
      int consecutiveFailures,
      PermitLog permits,
      Map<String, String> inFlight,
      Map<String, DeliveryOutcome> outcomes,
      Map<String, Instant> withdrawn)
      implements AccountState {

    public Registered {
      inFlight = Map.copyOf(inFlight);
      // Snapshots written before withdrawals existed have none.
      withdrawn = withdrawn == null ? Map.of() : Map.copyOf(withdrawn);
      outcomes = outcomes(outcomes);
    }

    /**
     * {@code outcomes} as a state keeps them: a persistent map in the order the sends finished (up to
     * remembered-outcomes, 2,000, entries; a change shares all but a path of the old map instead of copying
     * it on every event). One already persistent is taken as it is; any other (one read from a snapshot) is
     * converted once, in its order.
     */
    public static OrderedPMap<String, DeliveryOutcome> outcomes(Map<String, DeliveryOutcome> outcomes) {
      return outcomes instanceof OrderedPMap<String, DeliveryOutcome> p ? p : OrderedPMap.from(outcomes);
    }
  }
}
