package outreach.protocol.domain;

import akka.actor.typed.ActorRef;
import java.time.Instant;
import outreach.protocol.CborSerializable;

/** Commands to a RecipientDomain entity (one per recipient domain, for the whole system). */
public interface DomainCommand extends CborSerializable {

  /** Reserve one send to this domain for a tenant's message; answered {@link DomainReply}. */
  record Reserve(String tenantId, String messageId, ActorRef<DomainReply> replyTo) implements DomainCommand {}

  /** The reservation for this message ended without a send: give its capacity back. */
  record Release(String tenantId, String messageId) implements DomainCommand {}

  /** The send of this reserved message ended (it reached the server or was refused): it counts from now. */
  record Settle(String tenantId, String messageId) implements DomainCommand {}

  /** The domain deferred a send (421, 4.7.x): send it nothing more until {@code until}. */
  record Defer(Instant until, String reason) implements DomainCommand {}

  /** Show the domain's counters. */
  record Get(ActorRef<DomainView> replyTo) implements DomainCommand {}
}
