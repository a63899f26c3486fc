package outreach.persistence.audit;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import outreach.protocol.domain.RecipientDomainKeys;

/** The entities whose journals can be audited, by the name the API and the command line use. */
public enum AuditKind {
  ACCOUNT("account", "SmtpAccount", true),
  CAMPAIGN("campaign", "Campaign", true),
  SENDING_DOMAIN("sending-domain", "SendingDomain", true),
  /** One entity per recipient domain for all tenants: a tenant sees only its share of it. */
  RECIPIENT_DOMAIN("recipient-domain", "RecipientDomain", false);

  private final String wireName;
  private final String entityType;
  private final boolean perTenant;

  AuditKind(String wireName, String entityType, boolean perTenant) {
    this.wireName = wireName;
    this.entityType = entityType;
    this.perTenant = perTenant;
  }

  public String wireName() {
    return wireName;
  }

  /** Whether each tenant has entities of its own of this kind; if not, one entity serves every tenant. */
  public boolean perTenant() {
    return perTenant;
  }

  /** The persistence id of a tenant's entity: {@code <Type>|<tenant>|<id>}. */
  public String persistenceId(String tenantId, String localId) {
    if (!perTenant) throw new IllegalStateException(wireName + " entities are not a tenant's own");
    return entityType + "|" + tenantId + "|" + localId;
  }

  /** The persistence id of an entity that all tenants share: {@code <Type>|system|<id>}. */
  public String systemWidePersistenceId(String localId) {
    if (perTenant) throw new IllegalStateException(wireName + " entities belong to a tenant");
    return entityType + "|" + RecipientDomainKeys.entityId(localId);
  }

  public static Optional<AuditKind> fromWireName(String name) {
    return Arrays.stream(values()).filter(k -> k.wireName.equals(name.toLowerCase(Locale.ROOT))).findFirst();
  }

  /** The kinds for a message: {@code account, campaign, sending-domain or recipient-domain}. */
  public static String wireNames() {
    String all = Arrays.stream(values()).map(AuditKind::wireName).collect(Collectors.joining(", "));
    int last = all.lastIndexOf(", ");
    return all.substring(0, last) + " or " + all.substring(last + 2);
  }
}
