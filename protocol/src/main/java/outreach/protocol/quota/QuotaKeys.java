package outreach.protocol.quota;

import akka.cluster.sharding.typed.javadsl.EntityTypeKey;

/** How the cluster addresses the Quota entity. */
public final class QuotaKeys {

  public static final EntityTypeKey<QuotaCommand> ENTITY_KEY = EntityTypeKey.create(QuotaCommand.class, "Quota");

  /** The one system-wide quota. */
  public static final String GLOBAL = "system|global";

  private QuotaKeys() {}
}
