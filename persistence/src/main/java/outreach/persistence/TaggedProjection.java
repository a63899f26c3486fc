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
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * A read model kept by one exactly-once JDBC projection per event tag, spread over the cluster by a
 * sharded daemon process. Events are handled in groups (up to {@link #GROUP_SIZE} envelopes or
 * {@link #GROUP_WAIT}, whichever comes first): the group's rows and its offset commit in one
 * transaction, so a busy campaign costs one transaction per group, not one per event, and a group
 * is never applied twice or half.
 */
public final class TaggedProjection {

  /** Envelopes handled in one transaction at most. */
  static final int GROUP_SIZE = 200;

  /** How long the first envelope of a group waits for more. */
  static final Duration GROUP_WAIT = Duration.ofMillis(100);

  private TaggedProjection() {}

  public static <E> void init(
      ActorSystem<?> system,
      String name,
      List<String> tags,
      DataSource dataSource,
      Supplier<JdbcHandler<EventEnvelope<E>, PooledJdbcSession>> handler) {
    initGrouped(system, name, tags, dataSource, tag -> grouped(handler.get()));
  }

  /**
   * Like {@link #init}, with a handler that takes a whole group at once (to batch its statements), made for
   * the tag it follows.
   */
  public static <E> void initGrouped(
      ActorSystem<?> system,
      String name,
      List<String> tags,
      DataSource dataSource,
      Function<String, JdbcHandler<List<EventEnvelope<E>>, PooledJdbcSession>> handler) {
    ShardedDaemonProcess.get(system)
        .init(
            ProjectionBehavior.Command.class,
            name,
            tags.size(),
            index ->
                ProjectionBehavior.create(
                    JdbcProjection.groupedWithin(
                            ProjectionId.of(name, tags.get(index)),
                            EventSourcedProvider.<E>eventsByTag(system, JdbcReadJournal.Identifier(), tags.get(index)),
                            () -> new PooledJdbcSession(dataSource),
                            () -> handler.apply(tags.get(index)),
                            system)
                        .withGroup(GROUP_SIZE, GROUP_WAIT)),
            ShardedDaemonProcessSettings.create(system),
            Optional.of(ProjectionBehavior.stopMessage()));
  }

  /** The handler of one envelope applied to each envelope of a group, in order, in the group's transaction. */
  static <E> JdbcHandler<List<EventEnvelope<E>>, PooledJdbcSession> grouped(JdbcHandler<EventEnvelope<E>, PooledJdbcSession> single) {
    return new JdbcHandler<>() {
      @Override
      public void process(PooledJdbcSession session, List<EventEnvelope<E>> envelopes) throws Exception {
        for (EventEnvelope<E> envelope : envelopes) single.process(session, envelope);
      }

      @Override
      public void start() {
        single.start();
      }

      @Override
      public void stop() {
        single.stop();
      }
    };
  }
}
