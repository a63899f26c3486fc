package outreach.protocol.account;

import com.fasterxml.jackson.annotation.JsonValue;

/** How the SMTP connection is protected: STARTTLS (certificate checked), implicit TLS, or none (only when set). */
public enum SecurityMode {
  STARTTLS,
  TLS,
  NONE;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public static SecurityMode fromWireName(String value) {
    for (SecurityMode m : values()) if (m.wireName().equals(value)) return m;
    throw new IllegalArgumentException("security must be one of starttls, tls, none; got '" + value + "'");
  }
}
