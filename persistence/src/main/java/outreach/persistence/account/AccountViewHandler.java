package outreach.persistence.account;

import akka.projection.eventsourced.EventEnvelope;
import akka.projection.jdbc.javadsl.JdbcHandler;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.util.stream.Collectors;
import outreach.persistence.PooledJdbcSession;
import outreach.protocol.EntityIds;
import outreach.protocol.RateLimit;
import outreach.protocol.account.AccountEvent;
import outreach.protocol.account.AccountSettings;
import outreach.protocol.account.AccountStatus;

/** Folds SmtpAccount events into {@code account_view}, in the transaction that stores the projection's offset. */
final class AccountViewHandler extends JdbcHandler<EventEnvelope<AccountEvent>, PooledJdbcSession> {

  private static final String UPSERT =
      """
      INSERT INTO account_view (tenant_id, account_id, host, port, security, username, from_address, from_name,
        pool, limits, warm_up_enabled, warm_up_start_per_day, warm_up_step_per_day, status, created_at, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (tenant_id, account_id) DO UPDATE SET
        host = EXCLUDED.host, port = EXCLUDED.port, security = EXCLUDED.security, username = EXCLUDED.username,
        from_address = EXCLUDED.from_address, from_name = EXCLUDED.from_name, pool = EXCLUDED.pool,
        limits = EXCLUDED.limits, warm_up_enabled = EXCLUDED.warm_up_enabled,
        warm_up_start_per_day = EXCLUDED.warm_up_start_per_day, warm_up_step_per_day = EXCLUDED.warm_up_step_per_day,
        updated_at = EXCLUDED.updated_at
      """;

  private static final String STATUS =
      "UPDATE account_view SET status = ?, updated_at = ? WHERE tenant_id = ? AND account_id = ?";

  @Override
  public void process(PooledJdbcSession session, EventEnvelope<AccountEvent> envelope) throws Exception {
    AccountEvent event = envelope.event();
    String entityId = envelope.persistenceId().substring(envelope.persistenceId().indexOf('|') + 1);
    // Sends and health checks do not change the listing.
    if (event instanceof AccountEvent.AccountRegistered e) register(session, e);
    else if (event instanceof AccountEvent.AccountPaused e) status(session, entityId, AccountStatus.PAUSED, e);
    else if (event instanceof AccountEvent.AccountDisabled e) status(session, entityId, AccountStatus.DISABLED, e);
    else if (event instanceof AccountEvent.AccountResumed e) status(session, entityId, AccountStatus.ACTIVE, e);
    else if (event instanceof AccountEvent.AccountSettingsChanged e) settings(session, entityId, e);
    else if (event instanceof AccountEvent.AccountDeleted) delete(session, entityId);
  }

  private static void status(PooledJdbcSession session, String entityId, AccountStatus status, AccountEvent e)
      throws Exception {
    session.withConnection(
        connection -> {
          try (PreparedStatement s = connection.prepareStatement(STATUS)) {
            s.setString(1, status.wireName());
            s.setTimestamp(2, Timestamp.from(e.at()));
            s.setString(3, EntityIds.tenantOf(entityId));
            s.setString(4, EntityIds.localIdOf(entityId));
            return s.executeUpdate();
          }
        });
  }

  private static final String SETTINGS =
      """
      UPDATE account_view SET host = ?, port = ?, security = ?, username = ?, from_address = ?, from_name = ?, pool = ?,
        limits = ?, warm_up_enabled = ?, warm_up_start_per_day = ?, warm_up_step_per_day = ?, updated_at = ?
      WHERE tenant_id = ? AND account_id = ?
      """;

  private static void settings(PooledJdbcSession session, String entityId, AccountEvent.AccountSettingsChanged e) throws Exception {
    session.withConnection(
        connection -> {
          try (PreparedStatement s = connection.prepareStatement(SETTINGS)) {
            AccountSettings settings = e.settings();
            s.setString(1, settings.host());
            s.setInt(2, settings.port());
            s.setString(3, settings.security().wireName());
            s.setString(4, settings.username());
            s.setString(5, settings.fromAddress());
            s.setString(6, settings.fromName());
            s.setString(7, settings.pool().wireName());
            s.setString(8, settings.limits().stream().map(RateLimit::toString).collect(Collectors.joining(",")));
            s.setBoolean(9, settings.warmUp().enabled());
            s.setInt(10, settings.warmUp().startPerDay());
            s.setInt(11, settings.warmUp().stepPerDay());
            s.setTimestamp(12, Timestamp.from(e.at()));
            s.setString(13, EntityIds.tenantOf(entityId));
            s.setString(14, EntityIds.localIdOf(entityId));
            return s.executeUpdate();
          }
        });
  }

  /** A deleted account leaves listings; its history stays in the journal. */
  private static void delete(PooledJdbcSession session, String entityId) throws Exception {
    session.withConnection(
        connection -> {
          try (PreparedStatement s = connection.prepareStatement("DELETE FROM account_view WHERE tenant_id = ? AND account_id = ?")) {
            s.setString(1, EntityIds.tenantOf(entityId));
            s.setString(2, EntityIds.localIdOf(entityId));
            return s.executeUpdate();
          }
        });
  }

  private static void register(PooledJdbcSession session, AccountEvent.AccountRegistered registered) throws Exception {
    session.withConnection(
          connection -> {
            try (PreparedStatement s = connection.prepareStatement(UPSERT)) {
              AccountSettings settings = registered.settings();
              Timestamp at = Timestamp.from(registered.at());
              s.setString(1, registered.tenantId());
              s.setString(2, registered.accountId());
              s.setString(3, settings.host());
              s.setInt(4, settings.port());
              s.setString(5, settings.security().wireName());
              s.setString(6, settings.username());
              s.setString(7, settings.fromAddress());
              s.setString(8, settings.fromName());
              s.setString(9, settings.pool().wireName());
              s.setString(10, settings.limits().stream().map(RateLimit::toString).collect(Collectors.joining(",")));
              s.setBoolean(11, settings.warmUp().enabled());
              s.setInt(12, settings.warmUp().startPerDay());
              s.setInt(13, settings.warmUp().stepPerDay());
              s.setString(14, AccountStatus.ACTIVE.wireName());
              s.setTimestamp(15, at);
              s.setTimestamp(16, at);
              return s.executeUpdate();
            }
          });
  }
}
