package outreach.persistence.campaign;

import java.util.Locale;
import java.util.Optional;

/** Where one recipient's delivery stands in the read model; sent, failed, bounced and suppressed are final. */
public enum DeliveryStatus {
  PENDING,
  IN_FLIGHT,
  DEFERRED,
  SENT,
  FAILED,
  BOUNCED,
  SUPPRESSED;

  /** The name in the database and on the API: lower case, words joined by '-'. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public static Optional<DeliveryStatus> fromWireName(String text) {
    for (DeliveryStatus s : values()) {
      if (s.wireName().equals(text)) return Optional.of(s);
    }
    return Optional.empty();
  }
}
