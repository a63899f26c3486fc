package outreach.persistence;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import javax.sql.DataSource;

/** Tenants and their API keys in PostgreSQL. Blocking JDBC runs on the executor given, never on the caller's thread. */
public final class TenantStore {

  private static final SecureRandom RANDOM = new SecureRandom();

  /** A tenant as stored. */
  public record Tenant(String id, String name, String timeZone, Instant createdAt) {}

  /** A new tenant and its first API key, which is shown this once. */
  public record CreatedTenant(Tenant tenant, String apiKey) {}

  private final DataSource dataSource;
  private final Executor executor;
  private final Clock clock;

  public TenantStore(DataSource dataSource, Executor executor, Clock clock) {
    this.dataSource = dataSource;
    this.executor = executor;
    this.clock = clock;
  }

  /** Creates a tenant and its first key in one transaction. */
  public CompletionStage<CreatedTenant> create(String name) {
    return CompletableFuture.supplyAsync(
        () -> {
          Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
          Tenant tenant = new Tenant(newTenantId(), name, "UTC", now);
          ApiKeys.IssuedKey key = ApiKeys.issue();
          try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement t =
                    c.prepareStatement("INSERT INTO tenant (id, name, time_zone, created_at) VALUES (?, ?, ?, ?)");
                PreparedStatement k =
                    c.prepareStatement(
                        "INSERT INTO api_key (key_id, tenant_id, secret_hash, created_at) VALUES (?, ?, ?, ?)")) {
              t.setString(1, tenant.id());
              t.setString(2, tenant.name());
              t.setString(3, tenant.timeZone());
              t.setTimestamp(4, Timestamp.from(now));
              t.executeUpdate();
              k.setString(1, key.keyId());
              k.setString(2, tenant.id());
              k.setBytes(3, key.secretHash());
              k.setTimestamp(4, Timestamp.from(now));
              k.executeUpdate();
              c.commit();
            } catch (SQLException e) {
              c.rollback();
              throw e;
            }
          } catch (SQLException e) {
            throw new StoreException("could not create tenant", e);
          }
          return new CreatedTenant(tenant, key.apiKey());
        },
        executor);
  }

  /** The tenant a valid, unrevoked API key belongs to. */
  public CompletionStage<Optional<Tenant>> authenticate(String apiKey) {
    Optional<ApiKeys.PresentedKey> presented = ApiKeys.parse(apiKey);
    if (presented.isEmpty()) return CompletableFuture.completedFuture(Optional.empty());
    return CompletableFuture.supplyAsync(
        () -> {
          try (Connection c = dataSource.getConnection();
              PreparedStatement s =
                  c.prepareStatement(
                      """
                      SELECT k.secret_hash, t.id, t.name, t.time_zone, t.created_at
                      FROM api_key k JOIN tenant t ON t.id = k.tenant_id
                      WHERE k.key_id = ? AND k.revoked_at IS NULL
                      """)) {
            s.setString(1, presented.get().keyId());
            try (ResultSet rs = s.executeQuery()) {
              Optional<Tenant> tenant = Optional.empty();
              if (rs.next() && ApiKeys.matches(presented.get().secret(), rs.getBytes(1))) {
                tenant =
                    Optional.of(new Tenant(rs.getString(2), rs.getString(3), rs.getString(4), rs.getTimestamp(5).toInstant()));
              }
              c.commit();
              return tenant;
            }
          } catch (SQLException e) {
            throw new StoreException("could not check API key", e);
          }
        },
        executor);
  }

  public CompletionStage<Optional<Tenant>> find(String tenantId) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (Connection c = dataSource.getConnection();
              PreparedStatement s =
                  c.prepareStatement("SELECT id, name, time_zone, created_at FROM tenant WHERE id = ?")) {
            s.setString(1, tenantId);
            try (ResultSet rs = s.executeQuery()) {
              Optional<Tenant> tenant = Optional.empty();
              if (rs.next()) {
                tenant =
                    Optional.of(
                        new Tenant(rs.getString(1), rs.getString(2), rs.getString(3), rs.getTimestamp(4).toInstant()));
              }
              c.commit();
              return tenant;
            }
          } catch (SQLException e) {
            throw new StoreException("could not read tenant", e);
          }
        },
        executor);
  }

  private static String newTenantId() {
    byte[] id = new byte[8];
    RANDOM.nextBytes(id);
    return "t_" + HexFormat.of().formatHex(id);
  }
}
