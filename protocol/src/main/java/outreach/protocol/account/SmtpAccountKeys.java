package outreach.protocol.account;

import akka.cluster.sharding.typed.javadsl.EntityTypeKey;
import java.util.List;
import java.util.stream.IntStream;

/** How the cluster addresses SmtpAccount entities and tags their events for projections. */
public final class SmtpAccountKeys {

  public static final EntityTypeKey<AccountCommand> ENTITY_KEY =
      EntityTypeKey.create(AccountCommand.class, "SmtpAccount");

  /** Number of event tags; fixed once events exist, since it spreads the journal over projection instances. */
  public static final int TAG_COUNT = 4;

  public static final List<String> TAGS =
      IntStream.range(0, TAG_COUNT).mapToObj(i -> "account-" + i).toList();

  private SmtpAccountKeys() {}

  /** The tag of an entity's events, from its id. */
  public static String tagFor(String entityId) {
    return TAGS.get(Math.floorMod(entityId.hashCode(), TAG_COUNT));
  }
}
