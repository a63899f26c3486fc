package outreach.actors.limit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import outreach.protocol.RateLimit;
import outreach.protocol.limit.PermitLog;

class SendWindowsTest {

  private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
  private final SendWindows gmail =
      new SendWindows(List.of(RateLimit.parse("10/1m"), RateLimit.parse("500/1d")), ZoneId.of("UTC"));

  private PermitLog grant(SendWindows w, PermitLog log, Instant at, int cap) {
    assertThat(w.check(log, at, cap)).isInstanceOf(PermitDecision.Granted.class);
    return w.record(log, at);
  }

  @Test
  void tenPerMinuteThenWaitsForTheOldestToLeave() {
    PermitLog log = PermitLog.EMPTY;
    for (int i = 0; i < 10; i++) log = grant(gmail, log, T0.plusSeconds(i), 500);
    PermitDecision refused = gmail.check(log, T0.plusSeconds(30), 500);
    assertThat(refused).isEqualTo(new PermitDecision.Throttled(T0.plusSeconds(60), "10/1m"));
    // The window is (t - 1m, t]: at exactly T0 + 60 s the first permit has left it.
    assertThat(gmail.check(log, T0.plusSeconds(60), 500)).isInstanceOf(PermitDecision.Granted.class);
    assertThat(gmail.check(log, T0.plusSeconds(60).minusNanos(1), 500)).isInstanceOf(PermitDecision.Throttled.class);
  }

  @Test
  void dailyCapCountsTheCalendarDayOfTheZone() {
    SendWindows ny = new SendWindows(List.of(RateLimit.parse("3/1d")), ZoneId.of("America/New_York"));
    Instant lateEvening = Instant.parse("2026-03-03T03:30:00Z"); // 22:30 on 2 March in New York
    PermitLog log = PermitLog.EMPTY;
    for (int i = 0; i < 3; i++) log = grant(ny, log, lateEvening.plusSeconds(i), Integer.MAX_VALUE);
    PermitDecision refused = ny.check(log, lateEvening.plusSeconds(10), Integer.MAX_VALUE);
    assertThat(refused).isEqualTo(new PermitDecision.Throttled(Instant.parse("2026-03-03T05:00:00Z"), "3/1d"));
    assertThat(ny.check(log, Instant.parse("2026-03-03T05:00:00Z"), Integer.MAX_VALUE)).isInstanceOf(PermitDecision.Granted.class);
    assertThat(log.grantedOn(LocalDate.of(2026, 3, 2))).isEqualTo(3);
  }

  @Test
  void warmUpLowersTheDailyCapAndSaysSo() {
    PermitLog log = PermitLog.EMPTY;
    for (int i = 0; i < 50; i++) log = grant(gmail, log, T0.plus(Duration.ofMinutes(i)), 50);
    assertThat(gmail.check(log, T0.plus(Duration.ofHours(2)), 50))
        .isEqualTo(new PermitDecision.Throttled(Instant.parse("2026-03-03T00:00:00Z"), "50/1d (warm-up)"));
  }

  @Test
  void theLatestOfSeveralFullWindowsDecides() {
    SendWindows w = new SendWindows(List.of(RateLimit.parse("2/10s"), RateLimit.parse("3/1m")), ZoneId.of("UTC"));
    PermitLog log = PermitLog.EMPTY;
    log = grant(w, log, T0, 100);
    log = grant(w, log, T0.plusSeconds(1), 100);
    log = grant(w, log, T0.plusSeconds(20), 100);
    // 2/10s would allow at T0+21 after T0+20? no: one in (T0+11, T0+21]; but 3/1m is full until T0+60.
    assertThat(w.check(log, T0.plusSeconds(21), 100)).isEqualTo(new PermitDecision.Throttled(T0.plusSeconds(60), "3/1m"));
  }

  @Test
  void permitsFromAClockAheadStillCount() {
    SendWindows w = new SendWindows(List.of(RateLimit.parse("1/1m")), ZoneId.of("UTC"));
    PermitLog log = w.record(PermitLog.EMPTY, T0.plusSeconds(5));
    assertThat(w.check(log, T0, 100)).isInstanceOf(PermitDecision.Throttled.class);
  }

  @Test
  void logKeepsOnlyWhatTheWindowsNeed() {
    PermitLog log = PermitLog.EMPTY;
    for (int i = 0; i < 100; i++) log = gmail.record(log, T0.plusSeconds(i * 7L));
    // Only the permits of the last minute matter to 10/1m: 7 s apart, that is nine of them.
    assertThat(log.recent()).hasSize(9).allMatch(t -> t.isAfter(T0.plusSeconds(99 * 7L - 60)));
    for (int i = 0; i < 100; i++) log = gmail.record(log, T0.plusSeconds(700 + i));
    // Never more than the largest sliding count, however dense the sends.
    assertThat(log.recent()).hasSize(10);
    assertThat(log.grantedOnDay()).isEqualTo(200);
  }

  @Test
  void releasedPermitGivesCapacityBack() {
    SendWindows w = new SendWindows(List.of(RateLimit.parse("1/1m"), RateLimit.parse("1/1d")), ZoneId.of("UTC"));
    PermitLog log = w.record(PermitLog.EMPTY, T0);
    assertThat(w.check(log, T0.plusSeconds(1), 100)).isInstanceOf(PermitDecision.Throttled.class);
    log = w.release(log, T0);
    assertThat(w.check(log, T0.plusSeconds(1), 100)).isInstanceOf(PermitDecision.Granted.class);
  }
}
