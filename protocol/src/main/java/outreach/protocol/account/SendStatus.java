package outreach.protocol.account;

import outreach.protocol.CborSerializable;
import outreach.protocol.delivery.DeliveryOutcome;

/** What an account knows of one message id (the answer to {@link AccountCommand.QuerySend}). */
public sealed interface SendStatus extends CborSerializable {

  /** The account never started sending it, and now will not (it is withdrawn): sending it again cannot duplicate it. */
  record NeverStarted(String messageId) implements SendStatus {}

  /** Its SMTP transaction is running now. */
  record InProgress(String messageId) implements SendStatus {}

  /** Its transaction ended with this outcome. */
  record Finished(String messageId, DeliveryOutcome outcome) implements SendStatus {}

  /** It was started but the account stopped before the outcome was recorded: it may have been delivered. */
  record Interrupted(String messageId) implements SendStatus {}
}
