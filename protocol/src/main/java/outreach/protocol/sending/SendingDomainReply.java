package outreach.protocol.sending;

import outreach.protocol.CborSerializable;

/** What a SendingDomain entity answers. */
public sealed interface SendingDomainReply extends CborSerializable {

  record Found(SendingDomainView domain) implements SendingDomainReply {}

  record NotFound(String domain) implements SendingDomainReply {}

  record AlreadyExists(String domain) implements SendingDomainReply {}
}
