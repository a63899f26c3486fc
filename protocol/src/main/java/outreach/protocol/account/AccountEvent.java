package outreach.protocol.account;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;
import outreach.protocol.CborSerializable;
import outreach.protocol.delivery.DeliveryOutcome;

/** Facts recorded in an SmtpAccount's journal. */
public sealed interface AccountEvent extends CborSerializable {

  Instant at();

  /** The account exists; {@code firstDay} (in {@code timeZone}) is day 1 of its warm-up. */
  record AccountRegistered(
      String tenantId, String accountId, AccountSettings settings, String timeZone, LocalDate firstDay, Instant at)
      implements AccountEvent {}

  /** A permit was granted and the SMTP transaction for this message is about to start (write-ahead). */
  record SendStarted(String messageId, String campaignId, String recipientDomain, Instant at) implements AccountEvent {}

  /** The SMTP transaction for this message ended with {@code outcome}. */
  record SendFinished(String messageId, DeliveryOutcome outcome, Instant at) implements AccountEvent {}

  /**
   * A campaign asked about this message and it had never started: sends of it due to start by
   * {@code upTo} are refused from now on (they were held up on their way; the campaign tries again).
   */
  record SendWithdrawn(String messageId, Instant upTo, Instant at) implements AccountEvent {}

  /** Sending stops until {@code until} (empty: until resumed). */
  record AccountPaused(Optional<Instant> until, String reason, Instant at) implements AccountEvent {}

  /** Sending may go on; the failure count starts again from zero. */
  record AccountResumed(Instant at) implements AccountEvent {}

  /** The account's credentials or TLS settings were refused; it stays disabled until its settings change or it is resumed. */
  record AccountDisabled(String reason, Instant at) implements AccountEvent {}

  /** A health check of a paused account ran; {@code passed} says whether the server accepted an authenticated session. */
  record HealthChecked(boolean passed, String detail, Instant at) implements AccountEvent {}

  /** The tenant changed the account's settings; {@code settings} are the whole new settings. */
  record AccountSettingsChanged(AccountSettings settings, Instant at) implements AccountEvent {}

  /** The tenant deleted the account: it sends nothing more; the journal stays for audit. */
  record AccountDeleted(Instant at) implements AccountEvent {}
}
