package outreach.protocol.sending;

import java.time.Instant;
import java.util.List;
import outreach.protocol.CborSerializable;

/** A sending domain as callers see it: the records to publish. */
public record SendingDomainView(String tenantId, String domain, List<DnsRecord> records, Instant createdAt)
    implements CborSerializable {

  public SendingDomainView {
    records = List.copyOf(records);
  }
}
