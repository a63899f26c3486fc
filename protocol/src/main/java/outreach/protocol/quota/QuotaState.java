package outreach.protocol.quota;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import outreach.protocol.CborSerializable;
import outreach.protocol.limit.PermitLog;

/** State of the Quota: its permit log and the latest grants (so a release finds its instant). */
public record QuotaState(PermitLog permits, Map<String, Instant> grants) implements CborSerializable {

  public static final QuotaState EMPTY = new QuotaState(PermitLog.EMPTY, Map.of());

  public QuotaState {
    grants = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(grants));
  }
}
