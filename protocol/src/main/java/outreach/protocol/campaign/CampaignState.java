package outreach.protocol.campaign;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.pcollections.HashPMap;
import org.pcollections.HashTreePMap;
import org.pcollections.PMap;
import org.pcollections.TreePMap;
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
   * The maps of a state are persistent maps (unmodifiable; a change makes a new map that shares all but a
   * path of the old one). A state is derived per event, often twice (the campaign's unwritten outcomes, then
   * the journal's write): copying maps of 1,200 in-flight sends each time cost a busy campaign much of its
   * time. A map that is persistent already is taken as it is; any other (one read from a snapshot) is
   * converted once.
   */
  final class StateMaps {
    private StateMaps() {}

    public static <K extends Comparable<? super K>, V> TreePMap<K, V> frozenSorted(Map<K, V> map) {
      return map instanceof TreePMap<K, V> p ? p : TreePMap.from(map);
    }

    public static <K, V> PMap<K, V> frozen(Map<K, V> map) {
      return map instanceof HashPMap<K, V> p ? p : HashTreePMap.from(map);
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
