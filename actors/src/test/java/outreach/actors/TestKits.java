package outreach.actors;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.persistence.testkit.PersistenceTestKitPlugin;
import akka.persistence.testkit.PersistenceTestKitSnapshotPlugin;
import com.typesafe.config.ConfigFactory;

/** Actor test kits of the entity tests. */
public final class TestKits {

  private TestKits() {}

  /** An actor system with the in-memory journal and snapshot store, messages as the nodes serialize them. */
  public static ActorTestKit withPersistence() {
    return ActorTestKit.create(
        PersistenceTestKitPlugin.getInstance().config()
            .withFallback(PersistenceTestKitSnapshotPlugin.config())
            .withFallback(
                ConfigFactory.parseString(
                    "akka.actor.serialization-bindings { \"outreach.protocol.CborSerializable\" = jackson-cbor }")));
  }
}
