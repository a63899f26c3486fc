package outreach.protocol.campaign;

import java.time.Duration;

/** A random pause between two sends from the same account, between {@code min} and {@code max} inclusive. */
public record DelayRange(Duration min, Duration max) {

  public static final DelayRange NONE = new DelayRange(Duration.ZERO, Duration.ZERO);

  public DelayRange {
    if (min.isNegative() || max.isNegative()) throw new IllegalArgumentException("delay must not be negative");
    if (max.compareTo(min) < 0) throw new IllegalArgumentException("delay.max must not be less than delay.min");
  }
}
