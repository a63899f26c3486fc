package outreach.protocol.limit;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a limited thing (an account, a domain, a quota) has granted recently: the instants its sliding
 * windows count (a permit's grant, moved to the end of its SMTP transaction once that is known), as
 * many as the windows need; the permits still open (granted, their send not yet over), by message id
 * with the instant of their grant; and the count of permits on its current calendar day. Part of
 * entity state; changed only by folding events.
 */
public record PermitLog(List<Instant> recent, Map<String, Instant> open, LocalDate day, int grantedOnDay) {

  public static final PermitLog EMPTY = new PermitLog(List.of(), Map.of(), LocalDate.EPOCH, 0);

  public PermitLog {
    recent = List.copyOf(recent);
    open = Collections.unmodifiableMap(new LinkedHashMap<>(open));
    if (grantedOnDay < 0) throw new IllegalArgumentException("grantedOnDay must not be negative");
  }

  /** Permits granted on {@code today}: the day's count when it is the same day, else none. */
  public int grantedOn(LocalDate today) {
    return today.equals(day) ? grantedOnDay : 0;
  }
}
