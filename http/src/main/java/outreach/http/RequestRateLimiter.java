package outreach.http;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A token bucket per caller (a tenant, or the admin token) that bounds how fast it may call the API.
 *
 * <p>The buckets live in this node's memory only, so a cluster of N nodes lets a caller send up to N
 * times the configured rate. That is acceptable because the limit protects the nodes and the
 * database from a runaway or abusive client, not a billing quota: a load balancer spreads one
 * client's requests over the nodes, each node still bounds the load it takes, and sharing the
 * buckets would put a network round trip or a database write on every request. A bucket starts
 * full, holds at most {@code burst} tokens and refills at {@code perSecond} tokens a second; there is
 * one bucket per tenant, so the map grows with the number of tenants that have called this node.
 */
public final class RequestRateLimiter {

  private static final double NANOS_PER_SECOND = 1_000_000_000d;

  private final double perSecond;
  private final int burst;
  private final Clock clock;
  private final ConcurrentMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  /** {@code perSecond} 0 turns the limit off. */
  public RequestRateLimiter(double perSecond, int burst, Clock clock) {
    if (perSecond < 0) throw new IllegalArgumentException("requests-per-second must not be negative");
    if (perSecond > 0 && burst < 1) throw new IllegalArgumentException("burst must be at least 1");
    this.perSecond = perSecond;
    this.burst = burst;
    this.clock = clock;
  }

  public static RequestRateLimiter fromSettings(ApiSettings settings, Clock clock) {
    return new RequestRateLimiter(settings.rateLimitPerSecond(), settings.rateLimitBurst(), clock);
  }

  /** A limiter that lets every request through. */
  public static RequestRateLimiter unlimited() {
    return new RequestRateLimiter(0, 0, Clock.systemUTC());
  }

  /** Takes a token for {@code caller}: empty when the request may go ahead, else how long until a token is free. */
  public Optional<Duration> acquire(String caller) {
    if (perSecond == 0) return Optional.empty();
    return buckets.computeIfAbsent(caller, c -> new Bucket(burst, clock.instant().toEpochMilli())).take();
  }

  /** Tokens and the time they were last counted; millisecond resolution is enough for requests a second. */
  private final class Bucket {
    private double tokens;
    private long countedAtMillis;

    Bucket(double tokens, long nowMillis) {
      this.tokens = tokens;
      this.countedAtMillis = nowMillis;
    }

    synchronized Optional<Duration> take() {
      long now = clock.instant().toEpochMilli();
      // A clock that steps back must not drain the bucket.
      if (now > countedAtMillis) {
        tokens = Math.min(burst, tokens + (now - countedAtMillis) * perSecond / 1000d);
        countedAtMillis = now;
      }
      if (tokens >= 1) {
        tokens -= 1;
        return Optional.empty();
      }
      return Optional.of(Duration.ofNanos((long) Math.ceil((1 - tokens) / perSecond * NANOS_PER_SECOND)));
    }
  }
}
