package outreach.protocol.sending;

import java.time.Instant;
import java.util.List;
import outreach.protocol.CborSerializable;

/** Facts recorded in a SendingDomain's journal. */
public sealed interface SendingDomainEvent extends CborSerializable {

  Instant at();

  /** Registered, with the records the tenant was asked to publish. */
  record SendingDomainRegistered(String tenantId, String domain, List<DnsRecord> records, Instant at) implements SendingDomainEvent {}

  record SendingDomainDeleted(Instant at) implements SendingDomainEvent {}
}
