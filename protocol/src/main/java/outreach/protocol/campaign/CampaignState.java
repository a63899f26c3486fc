package outreach.protocol.campaign;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import outreach.protocol.CborSerializable;

/** State of a Campaign entity. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
  @JsonSubTypes.Type(value = CampaignState.Empty.class, name = "empty"),
  @JsonSubTypes.Type(value = CampaignState.Defined.class, name = "defined"),
  @JsonSubTypes.Type(value = CampaignState.Deleted.class, name = "deleted")
})
public sealed interface CampaignState extends CborSerializable {

  record Empty() implements CampaignState {}

  /**
   * A created campaign. {@code cursor} is the highest recipient sequence number taken from the
   * table; {@code inFlight} the dispatched recipients waiting for their outcome; {@code due} the
   * recipients to try again (retries and returned dispatches) with their time; {@code accountReadyAt}
   * when each account may take the next message.
   */
  record Defined(
      String tenantId,
      String campaignId,
      CampaignSpec spec,
      CampaignStatus status,
      Optional<String> pausedReason,
      Instant createdAt,
      long lastSeq,
      int total,
      long cursor,
      Map<Long, Dispatch> inFlight,
      Map<Long, Due> due,
      Map<String, Instant> accountReadyAt,
      Tally tally)
      implements CampaignState {

    public Defined {
      inFlight = StateMaps.frozenSorted(inFlight);
      due = StateMaps.frozenSorted(due);
      accountReadyAt = StateMaps.frozen(accountReadyAt);
    }
  }

  /**
   * The maps of a state are unmodifiable views over maps nobody else holds. A map that is such a view
   * already (one an earlier state handed on unchanged, or a fresh copy wrapped by the event handler) is
   * taken as it is: the state is copied per event, and copying every map each time would cost a busy
   * campaign most of its time.
   */
  final class StateMaps {
    private static final Class<?> FROZEN_SORTED = java.util.Collections.unmodifiableSortedMap(new TreeMap<>()).getClass();
    private static final Class<?> FROZEN = java.util.Collections.unmodifiableMap(new java.util.HashMap<>()).getClass();

    private StateMaps() {}

    static <K, V> Map<K, V> frozenSorted(Map<K, V> map) {
      return map.getClass() == FROZEN_SORTED ? map : java.util.Collections.unmodifiableSortedMap(new TreeMap<>(map));
    }

    static <K, V> Map<K, V> frozen(Map<K, V> map) {
      return map.getClass() == FROZEN ? map : java.util.Collections.unmodifiableMap(new java.util.HashMap<>(map));
    }
  }

  /** A deleted campaign: its id stays taken (the journal is kept for audit) but it is not found. */
  record Deleted(String tenantId, String campaignId, Instant deletedAt) implements CampaignState {}

  /** A recipient whose message is with an account now. */
  record Dispatch(
      String email, Map<String, String> variables, String messageId, String account, int attempt, boolean possibleDuplicate, Instant at) {}

  /** A recipient due again at {@code dueAt}; {@code attempt} is the SMTP attempt it will be. */
  record Due(String email, Map<String, String> variables, int attempt, Instant dueAt, boolean possibleDuplicate) {}

  /** Finished recipients by outcome. */
  record Tally(int sent, int failed, int bounced, int suppressed, int duplicates) {
    public static final Tally ZERO = new Tally(0, 0, 0, 0, 0);
  }
}
