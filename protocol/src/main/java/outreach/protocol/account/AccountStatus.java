package outreach.protocol.account;

import com.fasterxml.jackson.annotation.JsonValue;

/** Health of an account as the API shows it. */
public enum AccountStatus {
  ACTIVE,
  PAUSED,
  DISABLED;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
