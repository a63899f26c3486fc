package outreach.persistence.campaign;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import javax.sql.DataSource;
import outreach.persistence.StoreException;

/** A tenant's suppression list: addresses that are never sent to again. Blocking JDBC runs on the executor given. */
public final class SuppressionStore {

  private static final String INSERT =
      """
      INSERT INTO suppression (tenant_id, email_key, email, reason, source, created_at)
      VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (tenant_id, email_key) DO NOTHING
      """;

  private final DataSource dataSource;
  private final Executor executor;
  private final Clock clock;

  public SuppressionStore(DataSource dataSource, Executor executor, Clock clock) {
    this.dataSource = dataSource;
    this.executor = executor;
    this.clock = clock;
  }

  /**
   * Puts the address on the tenant's list; true when it was not on it before. Adding it again
   * changes nothing: the first reason and source stay.
   */
  public CompletionStage<Boolean> add(String tenantId, String email, SuppressionReason reason, String source) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (Connection c = dataSource.getConnection()) {
            try {
              boolean added = insert(c, tenantId, email, reason, source, clock.instant());
              c.commit();
              return added;
            } catch (SQLException e) {
              c.rollback();
              throw e;
            }
          } catch (SQLException e) {
            throw new StoreException("could not add to the suppression list", e);
          }
        },
        executor);
  }

  /** Whether the address (in any letter case) is on the tenant's list. */
  public CompletionStage<Boolean> contains(String tenantId, String email) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (Connection c = dataSource.getConnection();
              PreparedStatement s =
                  c.prepareStatement("SELECT 1 FROM suppression WHERE tenant_id = ? AND email_key = ?")) {
            s.setString(1, tenantId);
            s.setString(2, keyOf(email));
            try (ResultSet rs = s.executeQuery()) {
              boolean found = rs.next();
              c.commit();
              return found;
            }
          } catch (SQLException e) {
            throw new StoreException("could not read the suppression list", e);
          }
        },
        executor);
  }

  /** Inserts within the caller's transaction (the projection adds hard bounces with its offset). */
  static boolean insert(
      Connection c, String tenantId, String email, SuppressionReason reason, String source, Instant at)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement(INSERT)) {
      s.setString(1, tenantId);
      s.setString(2, keyOf(email));
      s.setString(3, email.strip());
      s.setString(4, reason.wireName());
      s.setString(5, source);
      s.setTimestamp(6, Timestamp.from(at.truncatedTo(ChronoUnit.MICROS)));
      return s.executeUpdate() == 1;
    }
  }

  /**
   * The form addresses are compared in. The whole address is lower-cased: local parts are
   * case-sensitive in theory, but no mailbox provider treats them so, and a recipient who
   * unsubscribed as Ann@x.com must not get mail as ann@x.com.
   */
  static String keyOf(String email) {
    return email.strip().toLowerCase(Locale.ROOT);
  }
}
