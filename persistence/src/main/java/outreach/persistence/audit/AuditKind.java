package outreach.persistence.audit;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The entities whose journals can be audited, by the name the API and the command line use. */
public enum AuditKind {
  ACCOUNT("account", "SmtpAccount"),
  CAMPAIGN("campaign", "Campaign"),
  SENDING_DOMAIN("sending-domain", "SendingDomain");

  private final String wireName;
  private final String entityType;

  AuditKind(String wireName, String entityType) {
    this.wireName = wireName;
    this.entityType = entityType;
  }

  public String wireName() {
    return wireName;
  }

  /** The persistence id of a tenant's entity: {@code <Type>|<tenant>|<id>}. */
  public String persistenceId(String tenantId, String localId) {
    return entityType + "|" + tenantId + "|" + localId;
  }

  public static Optional<AuditKind> fromWireName(String name) {
    return Arrays.stream(values()).filter(k -> k.wireName.equals(name.toLowerCase(Locale.ROOT))).findFirst();
  }
}
