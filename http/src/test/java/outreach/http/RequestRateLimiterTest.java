package outreach.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The token buckets: bursts, refill with time, one bucket per caller, and off at rate 0. */
class RequestRateLimiterTest {

  private final MovableClock clock = new MovableClock(Instant.parse("2026-05-01T10:00:00Z"));

  @Test
  void aBurstGoesThroughThenTheCallerWaitsForTheNextToken() {
    RequestRateLimiter limiter = new RequestRateLimiter(2, 3, clock);

    for (int i = 0; i < 3; i++) assertThat(limiter.acquire("tenant:a")).as("request " + i).isEmpty();
    assertThat(limiter.acquire("tenant:a")).hasValue(Duration.ofMillis(500));

    clock.advance(Duration.ofMillis(499));
    assertThat(limiter.acquire("tenant:a")).isPresent();
    clock.advance(Duration.ofMillis(1));
    assertThat(limiter.acquire("tenant:a")).isEmpty();
    assertThat(limiter.acquire("tenant:a")).isPresent();
  }

  @Test
  void anIdleCallerRefillsOnlyUpToTheBurst() {
    RequestRateLimiter limiter = new RequestRateLimiter(10, 2, clock);
    limiter.acquire("tenant:a");
    limiter.acquire("tenant:a");

    clock.advance(Duration.ofHours(1));

    assertThat(limiter.acquire("tenant:a")).isEmpty();
    assertThat(limiter.acquire("tenant:a")).isEmpty();
    assertThat(limiter.acquire("tenant:a")).hasValue(Duration.ofMillis(100));
  }

  @Test
  void callersHaveTheirOwnBuckets() {
    RequestRateLimiter limiter = new RequestRateLimiter(1, 1, clock);

    assertThat(limiter.acquire("tenant:a")).isEmpty();
    assertThat(limiter.acquire("tenant:a")).isPresent();
    assertThat(limiter.acquire("tenant:b")).isEmpty();
    assertThat(limiter.acquire("admin")).isEmpty();
  }

  @Test
  void aClockThatStepsBackDoesNotDrainTheBucket() {
    RequestRateLimiter limiter = new RequestRateLimiter(1, 2, clock);
    limiter.acquire("tenant:a");

    clock.advance(Duration.ofSeconds(-30));

    assertThat(limiter.acquire("tenant:a")).isEmpty();
    assertThat(limiter.acquire("tenant:a")).hasValue(Duration.ofSeconds(1));
  }

  @Test
  void rateZeroLetsEverythingThrough() {
    RequestRateLimiter limiter = new RequestRateLimiter(0, 0, clock);

    for (int i = 0; i < 10_000; i++) assertThat(limiter.acquire("tenant:a")).isEmpty();
  }

  @Test
  void aLimitWithoutABurstIsRefused() {
    assertThatThrownBy(() -> new RequestRateLimiter(5, 0, clock)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void retryAfterIsWholeSecondsAndAtLeastOne() {
    assertThat(Problem.rateLimited(Duration.ofMillis(1)).retryAfterSeconds()).isEqualTo(1);
    assertThat(Problem.rateLimited(Duration.ofMillis(1_001)).retryAfterSeconds()).isEqualTo(2);
    assertThat(Problem.rateLimited(Duration.ofSeconds(3)).retryAfterSeconds()).isEqualTo(3);
  }

  /** A clock the test moves by hand. */
  private static final class MovableClock extends Clock {
    private Instant now;

    MovableClock(Instant now) {
      this.now = now;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
