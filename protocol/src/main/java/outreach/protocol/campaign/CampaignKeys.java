package outreach.protocol.campaign;

import akka.cluster.sharding.typed.javadsl.EntityTypeKey;
import java.util.List;
import java.util.stream.IntStream;

/** How the cluster addresses Campaign entities and tags their events for projections. */
public final class CampaignKeys {

  public static final EntityTypeKey<CampaignCommand> ENTITY_KEY = EntityTypeKey.create(CampaignCommand.class, "Campaign");

  /** Number of event tags; fixed once events exist. */
  public static final int TAG_COUNT = 4;

  public static final List<String> TAGS = IntStream.range(0, TAG_COUNT).mapToObj(i -> "campaign-" + i).toList();

  private CampaignKeys() {}

  public static String tagFor(String entityId) {
    return TAGS.get(Math.floorMod(entityId.hashCode(), TAG_COUNT));
  }
}
