package outreach.protocol.domain;

import akka.cluster.sharding.typed.javadsl.EntityTypeKey;
import java.util.Locale;

/** How the cluster addresses RecipientDomain entities: one per domain for the whole system. */
public final class RecipientDomainKeys {

  public static final EntityTypeKey<DomainCommand> ENTITY_KEY = EntityTypeKey.create(DomainCommand.class, "RecipientDomain");

  /** Domains are system-wide; their ids use this pseudo-tenant, which no tenant id can equal (those start with {@code t_}). */
  public static final String SYSTEM = "system";

  private RecipientDomainKeys() {}

  public static String entityId(String domain) {
    return SYSTEM + "|" + domain.toLowerCase(Locale.ROOT);
  }
}
