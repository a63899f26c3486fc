package outreach.protocol.account;

import java.time.Instant;
import java.util.Optional;
import outreach.protocol.CborSerializable;
import outreach.protocol.delivery.DeliveryOutcome;

/** The answer to {@link AccountCommand.Send}. */
public sealed interface SendReply extends CborSerializable {

  String accountId();

  /** The SMTP transaction ended; {@code outcome} says how. */
  record Attempted(String accountId, String messageId, DeliveryOutcome outcome) implements SendReply {}

  /** A limit of this account is full until {@code retryAt}; nothing was sent. */
  record Throttled(String accountId, Instant retryAt, String limit) implements SendReply {}

  /** The account is paused (until {@code until}, if known) or disabled; nothing was sent. */
  record Unavailable(String accountId, AccountStatus status, Optional<Instant> until, String reason) implements SendReply {}
}
