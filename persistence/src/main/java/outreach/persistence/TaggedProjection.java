package outreach.persistence;

import akka.actor.typed.ActorSystem;
import akka.cluster.sharding.typed.ShardedDaemonProcessSettings;
import akka.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import akka.persistence.jdbc.query.javadsl.JdbcReadJournal;
import akka.projection.ProjectionBehavior;
import akka.projection.ProjectionId;
import akka.projection.eventsourced.EventEnvelope;
import akka.projection.eventsourced.javadsl.EventSourcedProvider;
import akka.projection.jdbc.javadsl.JdbcHandler;
import akka.projection.jdbc.javadsl.JdbcProjection;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * A read model kept by one exactly-once JDBC projection per event tag, spread over the cluster by a
 * sharded daemon process: the offset and the read model commit in one transaction.
 */
public final class TaggedProjection {

  private TaggedProjection() {}

  public static <E> void init(
      ActorSystem<?> system,
      String name,
      List<String> tags,
      DataSource dataSource,
      Supplier<JdbcHandler<EventEnvelope<E>, PooledJdbcSession>> handler) {
    ShardedDaemonProcess.get(system)
        .init(
            ProjectionBehavior.Command.class,
            name,
            tags.size(),
            index ->
                ProjectionBehavior.create(
                    JdbcProjection.exactlyOnce(
                        ProjectionId.of(name, tags.get(index)),
                        EventSourcedProvider.<E>eventsByTag(system, JdbcReadJournal.Identifier(), tags.get(index)),
                        () -> new PooledJdbcSession(dataSource),
                        handler,
                        system)),
            ShardedDaemonProcessSettings.create(system),
            Optional.of(ProjectionBehavior.stopMessage()));
  }
}
