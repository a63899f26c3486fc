package outreach.protocol.sending;

import akka.cluster.sharding.typed.javadsl.EntityTypeKey;
import java.util.List;
import java.util.stream.IntStream;

/** How the cluster addresses SendingDomain entities ({@code <tenant>|<domain>}) and tags their events. */
public final class SendingDomainKeys {

  public static final EntityTypeKey<SendingDomainCommand> ENTITY_KEY =
      EntityTypeKey.create(SendingDomainCommand.class, "SendingDomain");

  public static final int TAG_COUNT = 2;

  public static final List<String> TAGS = IntStream.range(0, TAG_COUNT).mapToObj(i -> "sending-domain-" + i).toList();

  private SendingDomainKeys() {}

  public static String tagFor(String entityId) {
    return TAGS.get(Math.floorMod(entityId.hashCode(), TAG_COUNT));
  }
}
