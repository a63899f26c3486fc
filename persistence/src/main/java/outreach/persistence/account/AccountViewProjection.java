package outreach.persistence.account;

import akka.actor.typed.ActorSystem;
import akka.cluster.sharding.typed.ShardedDaemonProcessSettings;
import akka.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import akka.persistence.jdbc.query.javadsl.JdbcReadJournal;
import akka.persistence.query.Offset;
import akka.projection.ProjectionBehavior;
import akka.projection.ProjectionId;
import akka.projection.eventsourced.EventEnvelope;
import akka.projection.eventsourced.javadsl.EventSourcedProvider;
import akka.projection.javadsl.ExactlyOnceProjection;
import akka.projection.javadsl.SourceProvider;
import akka.projection.jdbc.javadsl.JdbcProjection;
import javax.sql.DataSource;
import outreach.persistence.PooledJdbcSession;
import outreach.protocol.account.AccountEvent;
import outreach.protocol.account.SmtpAccountKeys;

/** Runs one exactly-once projection per account tag, spread over the cluster, that keeps {@code account_view}. */
public final class AccountViewProjection {

  public static final String NAME = "account-view";

  private AccountViewProjection() {}

  public static void init(ActorSystem<?> system, DataSource dataSource) {
    ShardedDaemonProcess.get(system)
        .init(
            ProjectionBehavior.Command.class,
            NAME,
            SmtpAccountKeys.TAG_COUNT,
            index -> ProjectionBehavior.create(projection(system, dataSource, SmtpAccountKeys.TAGS.get(index))),
            ShardedDaemonProcessSettings.create(system),
            java.util.Optional.of(ProjectionBehavior.stopMessage()));
  }

  static ExactlyOnceProjection<Offset, EventEnvelope<AccountEvent>> projection(
      ActorSystem<?> system, DataSource dataSource, String tag) {
    SourceProvider<Offset, EventEnvelope<AccountEvent>> source =
        EventSourcedProvider.eventsByTag(system, JdbcReadJournal.Identifier(), tag);
    return JdbcProjection.exactlyOnce(
        ProjectionId.of(NAME, tag),
        source,
        () -> new PooledJdbcSession(dataSource),
        AccountViewHandler::new,
        system);
  }
}
