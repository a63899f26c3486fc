package outreach.actors.limit;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import outreach.protocol.RateLimit;
import outreach.protocol.limit.PermitLog;

/**
 * The limits of one sender, exactly: every sliding window {@code N/d} holds at most N permits in
 * any interval (t - d, t]; a {@code /1d} limit holds at most its count (or a lower daily cap, such
 * as warm-up) per calendar day in the sender's time zone. Pure: the caller persists the permit
 * before the send it allows, then folds it in with {@link #record}.
 */
public final class SendWindows {

  private final List<RateLimit> sliding;
  private final int dailyLimit;
  private final ZoneId zone;
  private final Duration longest;
  private final int keep;

  /**
   * @param limits the sender's limits; at most one {@code /1d} limit counts per calendar day
   * @param zone the time zone whose calendar days {@code /1d} counts
   */
  public SendWindows(List<RateLimit> limits, ZoneId zone) {
    this.sliding = limits.stream().filter(l -> !l.calendarDay()).toList();
    this.dailyLimit =
        limits.stream().filter(RateLimit::calendarDay).mapToInt(RateLimit::count).min().orElse(Integer.MAX_VALUE);
    this.zone = zone;
    this.longest = sliding.stream().map(RateLimit::window).max(Duration::compareTo).orElse(Duration.ZERO);
    this.keep = sliding.stream().mapToInt(RateLimit::count).max().orElse(0);
  }

  /** The day's cap: the {@code /1d} limit, lowered by {@code dailyCap} (warm-up) when that is smaller. */
  public int dailyCap(int dailyCap) {
    return Math.min(dailyLimit, dailyCap);
  }

  public LocalDate dayOf(Instant at) {
    return at.atZone(zone).toLocalDate();
  }

  /** May one more permit be granted at {@code now}, with the day's cap lowered to {@code dailyCap}? */
  public PermitDecision check(PermitLog log, Instant now, int dailyCap) {
    LocalDate today = dayOf(now);
    int cap = dailyCap(dailyCap);
    if (log.grantedOn(today) >= cap) {
      return new PermitDecision.Throttled(
          today.plusDays(1).atStartOfDay(zone).toInstant(), cap + "/1d" + (cap < dailyLimit ? " (warm-up)" : ""));
    }
    Instant retryAt = null;
    String full = null;
    for (RateLimit limit : sliding) {
      Instant windowStart = now.minus(limit.window());
      List<Instant> inWindow = log.recent().stream().filter(t -> t.isAfter(windowStart)).toList();
      if (inWindow.size() >= limit.count()) {
        // The permit that must leave the window before one more fits: the (k - N + 1)-th oldest.
        Instant leaves = inWindow.get(inWindow.size() - limit.count()).plus(limit.window());
        if (retryAt == null || leaves.isAfter(retryAt)) {
          retryAt = leaves;
          full = limit.toString();
        }
      }
    }
    return retryAt == null ? new PermitDecision.Granted() : new PermitDecision.Throttled(retryAt, full);
  }

  /** The log after a permit granted at {@code at}: pruned to what the windows still need. */
  public PermitLog record(PermitLog log, Instant at) {
    List<Instant> recent = new ArrayList<>(log.recent().size() + 1);
    Instant horizon = at.minus(longest);
    for (Instant t : log.recent()) if (t.isAfter(horizon)) recent.add(t);
    recent.add(at);
    recent.sort(Instant::compareTo);
    if (recent.size() > keep) recent = recent.subList(recent.size() - keep, recent.size());
    LocalDate day = dayOf(at);
    return new PermitLog(recent, day, log.grantedOn(day) + 1);
  }

  /** The log after a permit at {@code at} was given back unused (a reservation that ended without a send). */
  public PermitLog release(PermitLog log, Instant at) {
    List<Instant> recent = new ArrayList<>(log.recent());
    recent.remove(at);
    LocalDate day = dayOf(at);
    int onDay = day.equals(log.day()) ? Math.max(0, log.grantedOnDay() - 1) : log.grantedOnDay();
    return new PermitLog(recent, log.day(), onDay);
  }

  /** Permits in each sliding window at {@code now}, in the order of the limits. */
  public List<Integer> usage(PermitLog log, Instant now) {
    return sliding.stream()
        .map(l -> (int) log.recent().stream().filter(t -> t.isAfter(now.minus(l.window()))).count())
        .toList();
  }
}
