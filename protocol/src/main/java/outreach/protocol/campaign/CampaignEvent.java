package outreach.protocol.campaign;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import outreach.protocol.CborSerializable;
import outreach.protocol.delivery.DeliveryOutcome;

/** Facts recorded in a Campaign's journal: its life and the fate of each recipient (by sequence number). */
public sealed interface CampaignEvent extends CborSerializable {

  Instant at();

  record CampaignCreated(String tenantId, String campaignId, CampaignSpec spec, Instant at) implements CampaignEvent {}

  record RecipientsAdded(int added, long lastSeq, Instant at) implements CampaignEvent {}

  record CampaignStarted(Instant at) implements CampaignEvent {}

  /** Paused by the tenant (no reason) or by the campaign itself ({@code reason}, e.g. the bounce guard). */
  record CampaignPaused(Optional<String> reason, Instant at) implements CampaignEvent {}

  record CampaignResumed(Instant at) implements CampaignEvent {}

  record CampaignCancelled(Instant at) implements CampaignEvent {}

  record CampaignCompleted(Instant at) implements CampaignEvent {}

  /** The recipient is on the tenant's suppression list: never sent to. */
  record RecipientSuppressed(long seq, String email, Instant at) implements CampaignEvent {}

  /**
   * Write-ahead: the recipient's message goes to {@code account} now (attempt {@code attempt},
   * counting SMTP attempts; {@code possibleDuplicate} when an earlier try was cut off
   * mid-transaction); that account takes no other message of this campaign before
   * {@code accountReadyAt} (the random delay). The variables travel along so a retry can render
   * the message without reading the recipient table again.
   */
  record RecipientDispatched(
      long seq,
      String email,
      java.util.Map<String, String> variables,
      String messageId,
      String account,
      int attempt,
      boolean possibleDuplicate,
      Instant accountReadyAt,
      Instant at)
      implements CampaignEvent {}

  /** Taken from the table but not dispatched yet: its domain rests until {@code dueAt}. */
  record RecipientPostponed(long seq, String email, java.util.Map<String, String> variables, Instant dueAt, String reason, Instant at)
      implements CampaignEvent {}

  /**
   * The dispatch ended without an SMTP attempt (a limit was full, the account was paused) or must
   * be repeated (the send was cut off mid-transaction: {@code possibleDuplicate}); the recipient
   * is due again at {@code dueAt}.
   */
  record DispatchReturned(long seq, Instant dueAt, String reason, boolean possibleDuplicate, Instant at)
      implements CampaignEvent {}

  /** Accepted by the SMTP server. */
  record RecipientSent(long seq, String account, DeliveryOutcome outcome, Instant at) implements CampaignEvent {}

  /** A temporary failure: tried again at {@code dueAt}, as attempt {@code nextAttempt}. */
  record RecipientRetryScheduled(long seq, int nextAttempt, Instant dueAt, DeliveryOutcome outcome, Instant at)
      implements CampaignEvent {}

  /** Given up: a permanent failure that is not the recipient's fault, or retries exhausted. */
  record RecipientFailed(long seq, String email, DeliveryOutcome outcome, Instant at) implements CampaignEvent {}

  /** The recipient does not exist: a hard bounce; the address goes on the tenant's suppression list. */
  record RecipientBounced(long seq, String email, DeliveryOutcome outcome, Instant at) implements CampaignEvent {}

  /** The tenant replaced the definition of the draft campaign. */
  record CampaignSpecChanged(CampaignSpec spec, Instant at) implements CampaignEvent {}

  /** The tenant deleted the draft campaign: it is not found afterwards; the journal stays for audit. */
  record CampaignDeleted(Instant at) implements CampaignEvent {}

  /**
   * Events the campaign decided in one step (the dispatches of one round, the outcomes heard while a write was
   * under way), written as one journal entry: they apply in this order, all or none, exactly as if each had an
   * entry of its own. A busy campaign writes two events per recipient; one entry per step spares the journal,
   * its tag index and the projections a row per event. Holds no batch; never empty. {@code at} is the last
   * event's time.
   */
  record Batch(
      @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
      @JsonSubTypes({
        @JsonSubTypes.Type(value = RecipientsAdded.class, name = "RecipientsAdded"),
        @JsonSubTypes.Type(value = CampaignStarted.class, name = "CampaignStarted"),
        @JsonSubTypes.Type(value = CampaignPaused.class, name = "CampaignPaused"),
        @JsonSubTypes.Type(value = CampaignResumed.class, name = "CampaignResumed"),
        @JsonSubTypes.Type(value = CampaignCancelled.class, name = "CampaignCancelled"),
        @JsonSubTypes.Type(value = CampaignCompleted.class, name = "CampaignCompleted"),
        @JsonSubTypes.Type(value = RecipientSuppressed.class, name = "RecipientSuppressed"),
        @JsonSubTypes.Type(value = RecipientDispatched.class, name = "RecipientDispatched"),
        @JsonSubTypes.Type(value = RecipientPostponed.class, name = "RecipientPostponed"),
        @JsonSubTypes.Type(value = DispatchReturned.class, name = "DispatchReturned"),
        @JsonSubTypes.Type(value = RecipientSent.class, name = "RecipientSent"),
        @JsonSubTypes.Type(value = RecipientRetryScheduled.class, name = "RecipientRetryScheduled"),
        @JsonSubTypes.Type(value = RecipientFailed.class, name = "RecipientFailed"),
        @JsonSubTypes.Type(value = RecipientBounced.class, name = "RecipientBounced")
      })
      List<CampaignEvent> events,
      Instant at)
      implements CampaignEvent {

    public Batch {
      events = List.copyOf(events);
      if (events.isEmpty()) throw new IllegalArgumentException("a batch holds at least one event");
      for (CampaignEvent e : events) {
        if (e instanceof Batch || e instanceof CampaignCreated || e instanceof CampaignSpecChanged || e instanceof CampaignDeleted) {
          throw new IllegalArgumentException("a batch cannot hold " + e.getClass().getSimpleName());
        }
      }
    }
  }

  /** At most this many events go into one {@link Batch}: a round that dispatches to thousands of accounts writes several. */
  int MAX_BATCH = 256;

  /** The events as they are written: one on its own, several as batches of at most {@link #MAX_BATCH}. */
  static List<CampaignEvent> batched(List<CampaignEvent> events) {
    if (events.size() <= 1) return events;
    List<CampaignEvent> entries = new ArrayList<>((events.size() + MAX_BATCH - 1) / MAX_BATCH);
    for (int from = 0; from < events.size(); from += MAX_BATCH) {
      List<CampaignEvent> part = events.subList(from, Math.min(events.size(), from + MAX_BATCH));
      entries.add(part.size() == 1 ? part.get(0) : new Batch(part, part.get(part.size() - 1).at()));
    }
    return entries;
  }

  /** The events a journal entry holds, in order: those of a batch, or the event itself. */
  static List<CampaignEvent> each(CampaignEvent entry) {
    return entry instanceof Batch b ? b.events() : List.of(entry);
  }
}
