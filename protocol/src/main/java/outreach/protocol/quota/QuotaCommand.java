package outreach.protocol.quota;

import akka.actor.typed.ActorRef;
import java.time.Instant;
import outreach.protocol.CborSerializable;

/** Commands to the Quota entity that holds the system-wide send limit. */
public interface QuotaCommand extends CborSerializable {

  /** One permit for this message; answered {@link QuotaReply}. */
  record Acquire(String tenantId, String messageId, ActorRef<QuotaReply> replyTo) implements QuotaCommand {}

  /** The permit for this message was not used: give it back. */
  record Release(String messageId) implements QuotaCommand {}

  /** The send of this message ended (it reached the server or was refused): its permit counts from now. */
  record Settle(String messageId) implements QuotaCommand {}

  /** The answer to {@link Acquire}. */
  sealed interface QuotaReply extends CborSerializable {}

  record Granted(String messageId) implements QuotaReply {}

  record Throttled(String messageId, Instant retryAt, String limit) implements QuotaReply {}
}
