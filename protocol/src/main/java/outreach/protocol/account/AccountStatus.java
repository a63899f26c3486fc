package outreach.protocol.account;

import com.fasterxml.jackson.annotation.JsonValue;

/** Health of an account as the API shows it; a DELETED account is never shown, its id answers 404. */
public enum AccountStatus {
  ACTIVE,
  PAUSED,
  DISABLED,
  DELETED;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
