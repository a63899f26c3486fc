package outreach.protocol.sending;

import java.util.Optional;

/** A DNS record a tenant publishes for a sending domain; {@code value} is empty while it is still pending (DKIM before its key exists). */
public record DnsRecord(String purpose, String type, String name, Optional<String> value) {}
