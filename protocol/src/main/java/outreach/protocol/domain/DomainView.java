package outreach.protocol.domain;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import outreach.protocol.CborSerializable;

/** A recipient domain's counters today: per tenant and for the whole system, and any deferral. */
public record DomainView(
    String domain, String policy, int sentToday, Map<String, Integer> sentTodayByTenant, Optional<Instant> deferredUntil)
    implements CborSerializable {}
