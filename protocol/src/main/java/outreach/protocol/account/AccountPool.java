package outreach.protocol.account;

import com.fasterxml.jackson.annotation.JsonValue;

/** The pool an account sends for: cold traffic (primary, then reserve) or transactional traffic. */
public enum AccountPool {
  PRIMARY,
  RESERVE,
  TRANSACTIONAL;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public static AccountPool fromWireName(String value) {
    for (AccountPool p : values()) if (p.wireName().equals(value)) return p;
    throw new IllegalArgumentException("pool must be one of primary, reserve, transactional; got '" + value + "'");
  }
}
