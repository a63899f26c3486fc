package outreach.actors.limit;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import outreach.protocol.RateLimit;
import outreach.protocol.limit.PermitLog;

/**
 * The limits of one sender, exactly, as the receiving server sees them: every sliding window {@code N/d}
 * holds at most N sends in any interval (t - d, t]; a {@code /1d} limit holds at most its count (or a
 * lower daily cap, such as warm-up) per calendar day in the sender's time zone. Pure: the caller persists
 * the permit before the send it allows, then folds it in with {@link #record}.
 *
 * <p>A send reaches the server some time after its permit, at the latest when its SMTP transaction ends.
 * So a permit is counted at its grant while it is open, and moved to the end of its transaction when that
 * is known ({@link #settle}); a permit that stays open longer than its window still counts, as if its
 * send were happening now, until {@code hold} has passed since its grant: the longest a permit can take
 * to become a finished SMTP transaction (the ask timeouts, the deadline for starting the send, and the
 * SMTP timeouts). Counting this way, sends measured at the server never exceed a limit, however long
 * each one took.
 */
public final class SendWindows {

  private final List<RateLimit> sliding;
  private final int dailyLimit;
  private final ZoneId zone;
  private final Duration longest;
  private final Duration hold;
  private final int keep;

  private record Key(List<RateLimit> limits, String zone, Duration hold) {}

  /** Built windows by limits, zone and hold: a sender's windows are asked for on every permit it grants or settles. */
  private static final ConcurrentHashMap<Key, SendWindows> BUILT = new ConcurrentHashMap<>();

  /** Distinct limit sets kept built at most; past this the cache starts again (limits are few in practice). */
  private static final int MOST_BUILT = 4096;

  /**
   * The windows for {@code limits} in the time zone named {@code zone}: built once and shared (they are
   * immutable), as {@link #SendWindows(List, ZoneId, Duration)} would build them.
   */
  public static SendWindows of(List<RateLimit> limits, String zone, Duration hold) {
    Key key = new Key(limits, zone, hold);
    SendWindows built = BUILT.get(key);
    if (built != null) return built;
    if (BUILT.size() >= MOST_BUILT) BUILT.clear();
    built = new SendWindows(List.copyOf(limits), ZoneId.of(zone), hold);
    SendWindows raced = BUILT.putIfAbsent(new Key(List.copyOf(limits), zone, hold), built);
    return raced == null ? built : raced;
  }

  /** Windows whose permits are settled as soon as they are granted (no hold). */
  public SendWindows(List<RateLimit> limits, ZoneId zone) {
    this(limits, zone, Duration.ZERO);
  }

  /**
   * @param limits the sender's limits; at most one {@code /1d} limit counts per calendar day
   * @param zone the time zone whose calendar days {@code /1d} counts
   * @param hold how long after its grant an open permit may still turn into a send at the server
   */
  public SendWindows(List<RateLimit> limits, ZoneId zone, Duration hold) {
    this.sliding = limits.stream().filter(l -> !l.calendarDay()).toList();
    this.dailyLimit =
        limits.stream().filter(RateLimit::calendarDay).mapToInt(RateLimit::count).min().orElse(Integer.MAX_VALUE);
    this.zone = zone;
    this.longest = sliding.stream().map(RateLimit::window).max(Duration::compareTo).orElse(Duration.ZERO);
    this.hold = hold;
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
      // When each counted permit leaves the window at the earliest: a permit still open leaves no sooner
      // than a window after now (its send may be under way).
      List<Instant> leaves = new ArrayList<>();
      for (Instant t : log.recent()) if (t.isAfter(windowStart)) leaves.add(t.plus(limit.window()));
      Instant stillOpen = windowStart.minus(hold);
      for (Instant granted : log.open().values()) {
        if (!granted.isAfter(windowStart) && granted.isAfter(stillOpen)) leaves.add(now.plus(limit.window()));
      }
      if (leaves.size() >= limit.count()) {
        leaves.sort(null);
        // One more fits once the (k - N + 1)-th earliest of them has left.
        Instant leaving = leaves.get(leaves.size() - limit.count());
        if (retryAt == null || leaving.isAfter(retryAt)) {
          retryAt = leaving;
          full = limit.toString();
        }
      }
    }
    return retryAt == null ? new PermitDecision.Granted() : new PermitDecision.Throttled(retryAt, full);
  }

  /** The log after a permit granted at {@code at} that is settled at once: pruned to what the windows still need. */
  public PermitLog record(PermitLog log, Instant at) {
    return record(log, at, null);
  }

  /**
   * The log after a permit granted at {@code at} for message {@code messageId}, open until {@link #settle}d
   * or {@link #release}d (a null id: settled at once).
   */
  public PermitLog record(PermitLog log, Instant at, String messageId) {
    List<Instant> recent = new ArrayList<>(log.recent().size() + 1);
    Instant horizon = at.minus(longest);
    for (Instant t : log.recent()) if (t.isAfter(horizon)) recent.add(t);
    recent.add(at);
    recent.sort(Instant::compareTo);
    if (recent.size() > keep) recent = recent.subList(recent.size() - keep, recent.size());
    LocalDate day = dayOf(at);
    return new PermitLog(recent, openAfter(log.open(), at, messageId, at), day, log.grantedOn(day) + 1);
  }

  /**
   * The log after the send of an open permit ended at {@code at}: the permit counts from then on at that
   * instant, the latest its send can have reached the server. Unknown ids leave the log as it is.
   */
  public PermitLog settle(PermitLog log, String messageId, Instant at) {
    Instant granted = log.open().get(messageId);
    if (granted == null) return log;
    List<Instant> recent = new ArrayList<>(log.recent());
    recent.remove(granted);
    recent.add(at.isBefore(granted) ? granted : at);
    recent.sort(Instant::compareTo);
    if (recent.size() > keep) recent = recent.subList(recent.size() - keep, recent.size());
    Map<String, Instant> open = new LinkedHashMap<>(log.open());
    open.remove(messageId);
    return new PermitLog(recent, open, log.day(), log.grantedOnDay());
  }

  /** The log after a permit at {@code at} was given back unused (a reservation that ended without a send). */
  public PermitLog release(PermitLog log, Instant at) {
    return release(log, at, null);
  }

  /** The log after the permit of {@code messageId}, granted at {@code at}, was given back unused. */
  public PermitLog release(PermitLog log, Instant at, String messageId) {
    List<Instant> recent = new ArrayList<>(log.recent());
    recent.remove(at);
    LocalDate day = dayOf(at);
    int onDay = day.equals(log.day()) ? Math.max(0, log.grantedOnDay() - 1) : log.grantedOnDay();
    Map<String, Instant> open = new LinkedHashMap<>(log.open());
    if (messageId != null) open.remove(messageId);
    return new PermitLog(recent, open, log.day(), onDay);
  }

  /** Permits in each sliding window at {@code now}, in the order of the limits (open ones older than the window included). */
  public List<Integer> usage(PermitLog log, Instant now) {
    return sliding.stream()
        .map(l -> {
          Instant start = now.minus(l.window());
          long settled = log.recent().stream().filter(t -> t.isAfter(start)).count();
          long open = log.open().values().stream().filter(t -> !t.isAfter(start) && t.isAfter(start.minus(hold))).count();
          return (int) (settled + open);
        })
        .toList();
  }

  /** The open permits after one more, without those that can no longer count in any window. */
  private Map<String, Instant> openAfter(Map<String, Instant> open, Instant now, String messageId, Instant at) {
    Instant useless = now.minus(longest).minus(hold);
    Map<String, Instant> next = new LinkedHashMap<>();
    for (var e : open.entrySet()) if (e.getValue().isAfter(useless)) next.put(e.getKey(), e.getValue());
    if (messageId != null && !longest.isZero()) next.put(messageId, at);
    return next;
  }
}
