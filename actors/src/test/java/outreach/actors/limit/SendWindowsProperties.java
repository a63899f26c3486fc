package outreach.actors.limit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import outreach.protocol.RateLimit;
import outreach.protocol.limit.PermitLog;

/** Random sends and clock moves never let any window hold more than its limit. */
class SendWindowsProperties {

  private static final Instant START = Instant.parse("2026-03-02T21:30:00Z");

  @Property(tries = 300)
  void noWindowEverExceedsItsLimit(
      @ForAll("limits") List<RateLimit> limits,
      @ForAll("zones") String zone,
      @ForAll @Size(min = 1, max = 400) List<@IntRange(min = 0, max = 90_000) Integer> stepsMillis,
      @ForAll @IntRange(min = 1, max = 40) int dailyCap) {
    SendWindows windows = new SendWindows(limits, ZoneId.of(zone));
    PermitLog log = PermitLog.EMPTY;
    Instant now = START;
    List<Instant> granted = new ArrayList<>();
    for (int step : stepsMillis) {
      now = now.plusMillis(step);
      PermitDecision d = windows.check(log, now, dailyCap);
      if (d instanceof PermitDecision.Granted) {
        log = windows.record(log, now);
        granted.add(now);
      } else {
        assertThat(((PermitDecision.Throttled) d).retryAt()).isAfter(now);
      }
    }
    for (RateLimit limit : limits) {
      if (limit.calendarDay()) {
        Map<LocalDate, Integer> perDay = new HashMap<>();
        for (Instant t : granted) perDay.merge(t.atZone(ZoneId.of(zone)).toLocalDate(), 1, Integer::sum);
        perDay.values().forEach(n -> assertThat(n).isLessThanOrEqualTo(Math.min(limit.count(), dailyCap)));
      } else {
        for (int i = 0; i < granted.size(); i++) {
          Instant end = granted.get(i);
          long inWindow = granted.stream().filter(t -> t.isAfter(end.minus(limit.window())) && !t.isAfter(end)).count();
          assertThat(inWindow).as("%s ending %s", limit, end).isLessThanOrEqualTo(limit.count());
        }
      }
    }
  }

  /**
   * The server's view: each granted send reaches the server at some instant between its grant and the end of its
   * transaction, which is reported (settled) some time later, or never (a crash), within the hold. However the
   * sends are spread, no window of receipts at the server holds more than its limit.
   */
  @Property(tries = 300)
  void sendsReceivedByTheServerNeverExceedALimit(
      @ForAll("slidingLimits") List<RateLimit> limits,
      @ForAll @Size(min = 1, max = 300) List<@IntRange(min = 0, max = 8_000) Integer> stepsMillis,
      @ForAll @IntRange(min = 1, max = 30) int holdSeconds,
      @ForAll long seed) {
    Duration hold = Duration.ofSeconds(holdSeconds);
    SendWindows windows = new SendWindows(limits, ZoneId.of("UTC"), hold);
    java.util.Random random = new java.util.Random(seed);
    PermitLog log = PermitLog.EMPTY;
    Instant now = START;
    List<Instant> received = new ArrayList<>();
    Map<String, Instant> reportedAt = new HashMap<>();
    int n = 0;
    for (int step : stepsMillis) {
      now = now.plusMillis(step);
      for (var e : List.copyOf(reportedAt.entrySet())) {
        if (!e.getValue().isAfter(now)) {
          log = windows.settle(log, e.getKey(), e.getValue());
          reportedAt.remove(e.getKey());
        }
      }
      if (windows.check(log, now, Integer.MAX_VALUE) instanceof PermitDecision.Granted) {
        String id = "m" + n++;
        log = windows.record(log, now, id);
        long holdMillis = hold.toMillis();
        long end = (long) (random.nextDouble() * holdMillis);
        received.add(now.plusMillis((long) (random.nextDouble() * end)));
        if (random.nextInt(10) > 0) reportedAt.put(id, now.plusMillis(end + (long) (random.nextDouble() * (holdMillis - end))));
      }
    }
    received.sort(null);
    for (RateLimit limit : limits) {
      for (Instant end : received) {
        long inWindow = received.stream().filter(t -> t.isAfter(end.minus(limit.window())) && !t.isAfter(end)).count();
        assertThat(inWindow).as("%s at the server ending %s", limit, end).isLessThanOrEqualTo(limit.count());
      }
    }
  }

  @Property(tries = 200)
  void aThrottledSenderIsGrantedAtItsRetryTime(
      @ForAll("limits") List<RateLimit> limits,
      @ForAll @Size(min = 1, max = 200) List<@IntRange(min = 0, max = 20_000) Integer> stepsMillis) {
    SendWindows windows = new SendWindows(limits, ZoneId.of("UTC"));
    PermitLog log = PermitLog.EMPTY;
    Instant now = START;
    for (int step : stepsMillis) {
      now = now.plusMillis(step);
      PermitDecision d = windows.check(log, now, Integer.MAX_VALUE);
      if (d instanceof PermitDecision.Throttled t) {
        assertThat(windows.check(log, t.retryAt(), Integer.MAX_VALUE)).isInstanceOf(PermitDecision.Granted.class);
      } else {
        log = windows.record(log, now);
      }
    }
  }

  @Provide
  Arbitrary<List<RateLimit>> limits() {
    Arbitrary<RateLimit> sliding =
        Arbitraries.integers().between(1, 12)
            .flatMap(n -> Arbitraries.of(Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofMinutes(1), Duration.ofMinutes(7))
                .map(w -> new RateLimit(n, w)));
    Arbitrary<RateLimit> daily = Arbitraries.integers().between(1, 60).map(n -> new RateLimit(n, Duration.ofDays(1)));
    return Arbitraries.oneOf(sliding, daily).list().ofMinSize(1).ofMaxSize(3)
        .filter(l -> l.stream().map(RateLimit::window).distinct().count() == l.size());
  }

  @Provide
  Arbitrary<List<RateLimit>> slidingLimits() {
    return Arbitraries.integers().between(1, 12)
        .flatMap(n -> Arbitraries.of(Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofMinutes(1))
            .map(w -> new RateLimit(n, w)))
        .list().ofMinSize(1).ofMaxSize(2)
        .filter(l -> l.stream().map(RateLimit::window).distinct().count() == l.size());
  }

  @Provide
  Arbitrary<String> zones() {
    return Arbitraries.of("UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata");
  }
}
