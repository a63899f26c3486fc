package outreach.protocol.sending;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import outreach.protocol.CborSerializable;

/** State of a SendingDomain: not registered (or deleted), or registered. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
  @JsonSubTypes.Type(value = SendingDomainState.Absent.class, name = "absent"),
  @JsonSubTypes.Type(value = SendingDomainState.Registered.class, name = "registered")
})
public sealed interface SendingDomainState extends CborSerializable {

  record Absent() implements SendingDomainState {}

  record Registered(SendingDomainView domain) implements SendingDomainState {}
}
