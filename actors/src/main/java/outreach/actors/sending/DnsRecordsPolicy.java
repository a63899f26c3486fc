package outreach.actors.sending;

import com.typesafe.config.Config;
import java.util.List;
import java.util.Optional;
import outreach.protocol.sending.DnsRecord;

/**
 * The records a sending domain needs ({@code outreach.sending-domains}): SPF including the senders'
 * SPF record, DMARC starting at {@code p=none} with aggregate reports to {@code dmarcReports}, and
 * a DKIM record under {@code dkimSelector}, pending until its 2048-bit key exists.
 */
public record DnsRecordsPolicy(String spfInclude, String dmarcReports, String dkimSelector) {

  public static DnsRecordsPolicy fromConfig(Config config) {
    Config c = config.getConfig("outreach.sending-domains");
    return new DnsRecordsPolicy(c.getString("spf-include"), c.getString("dmarc-reports"), c.getString("dkim-selector"));
  }

  public List<DnsRecord> recordsFor(String domain) {
    return List.of(
        new DnsRecord("spf", "TXT", domain, Optional.of("v=spf1 include:" + spfInclude + " ~all")),
        new DnsRecord("dmarc", "TXT", "_dmarc." + domain, Optional.of("v=DMARC1; p=none; rua=mailto:" + dmarcReports)),
        new DnsRecord("dkim", "TXT", dkimSelector + "._domainkey." + domain, Optional.empty()));
  }
}
