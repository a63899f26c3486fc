package outreach.protocol.campaign;

import java.time.Instant;
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
}
