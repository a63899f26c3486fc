package outreach.protocol.limit;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * What a limited thing (an account, a domain, a quota) has granted recently: the instants of the
 * latest permits, as many as its sliding windows need, and the count of permits on its current
 * calendar day. Part of entity state; changed only by folding events.
 */
public record PermitLog(List<Instant> recent, LocalDate day, int grantedOnDay) {

  public static final PermitLog EMPTY = new PermitLog(List.of(), LocalDate.EPOCH, 0);

  public PermitLog {
    recent = List.copyOf(recent);
    if (grantedOnDay < 0) throw new IllegalArgumentException("grantedOnDay must not be negative");
  }

  /** Permits granted on {@code today}: the day's count when it is the same day, else none. */
  public int grantedOn(LocalDate today) {
    return today.equals(day) ? grantedOnDay : 0;
  }
}
