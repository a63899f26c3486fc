package outreach.persistence.sending;

import akka.actor.typed.ActorSystem;
import akka.projection.eventsourced.EventEnvelope;
import akka.projection.jdbc.javadsl.JdbcHandler;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import javax.sql.DataSource;
import outreach.persistence.PooledJdbcSession;
import outreach.persistence.TaggedProjection;
import outreach.protocol.EntityIds;
import outreach.protocol.sending.SendingDomainEvent;
import outreach.protocol.sending.SendingDomainKeys;

/** Keeps {@code sending_domain_view} from SendingDomain events, exactly once per tag. */
public final class SendingDomainProjection {

  public static final String NAME = "sending-domain-view";

  private SendingDomainProjection() {}

  public static void init(ActorSystem<?> system, DataSource dataSource) {
    TaggedProjection.<SendingDomainEvent>init(system, NAME, SendingDomainKeys.TAGS, dataSource, Handler::new);
  }

  /** Inserts registered domains and removes deleted ones. */
  static final class Handler extends JdbcHandler<EventEnvelope<SendingDomainEvent>, PooledJdbcSession> {
    @Override
    public void process(PooledJdbcSession session, EventEnvelope<SendingDomainEvent> envelope) throws Exception {
      String entityId = envelope.persistenceId().substring(envelope.persistenceId().indexOf('|') + 1);
      String tenant = EntityIds.tenantOf(entityId);
      String domain = EntityIds.localIdOf(entityId);
      session.withConnection(
          c -> {
            if (envelope.event() instanceof SendingDomainEvent.SendingDomainRegistered e) {
              try (PreparedStatement s =
                  c.prepareStatement(
                      "INSERT INTO sending_domain_view (tenant_id, domain, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
                s.setString(1, tenant);
                s.setString(2, domain);
                s.setTimestamp(3, Timestamp.from(e.at()));
                return s.executeUpdate();
              }
            }
            try (PreparedStatement s = c.prepareStatement("DELETE FROM sending_domain_view WHERE tenant_id = ? AND domain = ?")) {
              s.setString(1, tenant);
              s.setString(2, domain);
              return s.executeUpdate();
            }
          });
    }
  }
}
