package outreach.protocol.sending;

import akka.actor.typed.ActorRef;
import outreach.protocol.CborSerializable;

/** Commands to a SendingDomain entity (one per tenant and domain). */
public interface SendingDomainCommand extends CborSerializable {

  /** Register the domain; answered Found or AlreadyExists. */
  record Register(ActorRef<SendingDomainReply> replyTo) implements SendingDomainCommand {}

  record Get(ActorRef<SendingDomainReply> replyTo) implements SendingDomainCommand {}

  /** Remove the domain; its history stays in the journal. Answered Found (as it was) or NotFound. */
  record Delete(ActorRef<SendingDomainReply> replyTo) implements SendingDomainCommand {}
}
