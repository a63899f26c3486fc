package outreach.protocol.domain;

import java.time.Instant;
import outreach.protocol.CborSerializable;

/** The answer to {@link DomainCommand.Reserve}. */
public sealed interface DomainReply extends CborSerializable {

  record Reserved(String messageId) implements DomainReply {}

  /** The domain takes no more now: a cap is full or it deferred us, until {@code retryAt}. */
  record Throttled(String messageId, Instant retryAt, String reason) implements DomainReply {}
}
