package outreach.persistence.campaign;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Why an address is on a tenant's suppression list. */
public enum SuppressionReason {
  UNSUBSCRIBED,
  HARD_BOUNCE,
  COMPLAINT,
  MANUAL;

  /** The stored form: {@code unsubscribed}, {@code hard-bounce}, {@code complaint}, {@code manual}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Every stored form, comma-separated, for messages that say what is allowed. */
  public static String wireNames() {
    return Arrays.stream(values()).map(SuppressionReason::wireName).collect(Collectors.joining(", "));
  }

  public static SuppressionReason fromWireName(String wireName) {
    for (SuppressionReason r : values()) {
      if (r.wireName().equals(wireName)) return r;
    }
    throw new IllegalArgumentException("unknown suppression reason '" + wireName + "'");
  }
}
