package outreach.protocol;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import java.io.IOException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A limit written {@code N/duration}: {@code 10/1m}, {@code 500/1d}, {@code 5/10s}. {@code /1d} means the
 * calendar day in the tenant's time zone; every other duration is a sliding window.
 */
@JsonDeserialize(using = RateLimit.FromText.class)
public record RateLimit(int count, Duration window) {

  private static final Pattern SYNTAX = Pattern.compile("(\\d{1,9})/(\\d{1,6})([smhd])");
  private static final Duration ONE_DAY = Duration.ofDays(1);

  public RateLimit {
    if (count < 1) throw new IllegalArgumentException("a limit allows at least 1 send, got " + count);
    if (window == null || window.isZero() || window.isNegative()) {
      throw new IllegalArgumentException("a limit needs a positive window");
    }
  }

  /** Parses {@code N/duration}; units are s, m, h and d. */
  public static RateLimit parse(String text) {
    if (text == null) throw new IllegalArgumentException("limit is missing");
    Matcher m = SYNTAX.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "limit '" + text + "' is not N/duration, for example 10/1m, 500/1d or 5/10s");
    }
    int count = Integer.parseInt(m.group(1));
    long amount = Long.parseLong(m.group(2));
    if (amount == 0) throw new IllegalArgumentException("limit '" + text + "' has a zero window");
    Duration window =
        switch (m.group(3)) {
          case "s" -> Duration.ofSeconds(amount);
          case "m" -> Duration.ofMinutes(amount);
          case "h" -> Duration.ofHours(amount);
          default -> Duration.ofDays(amount);
        };
    return new RateLimit(count, window);
  }

  /** True for {@code /1d}: counted per calendar day in the tenant's time zone, not as a sliding window. */
  public boolean calendarDay() {
    return window.equals(ONE_DAY);
  }

  @JsonValue
  @Override
  public String toString() {
    long s = window.getSeconds();
    String w;
    if (s % 86_400 == 0) w = (s / 86_400) + "d";
    else if (s % 3_600 == 0) w = (s / 3_600) + "h";
    else if (s % 60 == 0) w = (s / 60) + "m";
    else w = s + "s";
    return count + "/" + w;
  }

  /** Reads the {@code N/duration} text form (Jackson 2.13 cannot use a static creator on a record). */
  static final class FromText extends StdDeserializer<RateLimit> {
    private static final long serialVersionUID = 1L;

    FromText() {
      super(RateLimit.class);
    }

    @Override
    public RateLimit deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      String text = p.getValueAsString();
      if (text == null) return (RateLimit) ctxt.handleUnexpectedToken(RateLimit.class, p);
      try {
        return parse(text);
      } catch (IllegalArgumentException e) {
        return (RateLimit) ctxt.handleWeirdStringValue(RateLimit.class, text, e.getMessage());
      }
    }
  }
}
