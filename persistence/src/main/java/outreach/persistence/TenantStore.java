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
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
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

  /** One page of tenants ordered by id, and the cursor of the next page when there is one. */
  public record TenantPage(List<Tenant> tenants, Optional<String> nextCursor) {}

  /** A new API key of an existing tenant; {@code apiKey} is shown this once. */
  public record IssuedApiKey(String keyId, String apiKey, Instant createdAt) {}

  /** What is known about a key without its secret: when it was made and, once revoked, when that happened. */
  public record KeyInfo(String keyId, Instant createdAt, Optional<Instant> revokedAt) {}

  private static final String TENANT_COLUMNS = "id, name, time_zone, created_at";

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

  /** The tenant with this id, if there is one. */
  public CompletionStage<Optional<Tenant>> find(String tenantId) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (Connection c = dataSource.getConnection();
              PreparedStatement s =
                  c.prepareStatement("SELECT " + TENANT_COLUMNS + " FROM tenant WHERE id = ?")) {
            s.setString(1, tenantId);
            try (ResultSet rs = s.executeQuery()) {
              Optional<Tenant> tenant = rs.next() ? Optional.of(tenant(rs)) : Optional.empty();
              c.commit();
              return tenant;
            }
          } catch (SQLException e) {
            throw new StoreException("could not read tenant", e);
          }
        },
        executor);
  }

  /** Tenants with ids after {@code afterId} (exclusive), at most {@code limit}. */
  public CompletionStage<TenantPage> list(Optional<String> afterId, int limit) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (Connection c = dataSource.getConnection();
              PreparedStatement s =
                  c.prepareStatement("SELECT " + TENANT_COLUMNS + " FROM tenant WHERE id > ? ORDER BY id LIMIT ?")) {
            s.setString(1, afterId.orElse(""));
            s.setInt(2, limit + 1);
            List<Tenant> tenants = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) tenants.add(tenant(rs));
            }
            c.commit();
            Optional<String> next = Optional.empty();
            if (tenants.size() > limit) {
              tenants = tenants.subList(0, limit);
              next = Optional.of(tenants.get(limit - 1).id());
            }
            return new TenantPage(List.copyOf(tenants), next);
          } catch (SQLException e) {
            throw new StoreException("could not list tenants", e);
          }
        },
        executor);
  }

  /**
   * Changes the name and/or the time zone (an absent value stays as it is); empty when there is no
   * such tenant. Accounts take the zone when they are registered, so a new zone applies to accounts
   * registered after the change.
   */
  public CompletionStage<Optional<Tenant>> update(String tenantId, Optional<String> name, Optional<String> timeZone) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (Connection c = dataSource.getConnection();
              PreparedStatement s =
                  c.prepareStatement(
                      "UPDATE tenant SET name = COALESCE(?, name), time_zone = COALESCE(?, time_zone) WHERE id = ? RETURNING "
                          + TENANT_COLUMNS)) {
            s.setString(1, name.orElse(null));
            s.setString(2, timeZone.orElse(null));
            s.setString(3, tenantId);
            try (ResultSet rs = s.executeQuery()) {
              Optional<Tenant> tenant = rs.next() ? Optional.of(tenant(rs)) : Optional.empty();
              c.commit();
              return tenant;
            }
          } catch (SQLException e) {
            throw new StoreException("could not update tenant", e);
          }
        },
        executor);
  }

  /** Issues one more API key for the tenant; empty when there is no such tenant. */
  public CompletionStage<Optional<IssuedApiKey>> issueKey(String tenantId) {
    return CompletableFuture.supplyAsync(
        () -> {
          Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
          ApiKeys.IssuedKey key = ApiKeys.issue();
          try (Connection c = dataSource.getConnection();
              PreparedStatement s =
                  c.prepareStatement(
                      """
                      INSERT INTO api_key (key_id, tenant_id, secret_hash, created_at)
                      SELECT ?, id, ?, ? FROM tenant WHERE id = ?
                      """)) {
            s.setString(1, key.keyId());
            s.setBytes(2, key.secretHash());
            s.setTimestamp(3, Timestamp.from(now));
            s.setString(4, tenantId);
            int inserted = s.executeUpdate();
            c.commit();
            return inserted == 1 ? Optional.of(new IssuedApiKey(key.keyId(), key.apiKey(), now)) : Optional.empty();
          } catch (SQLException e) {
            throw new StoreException("could not issue an API key", e);
          }
        },
        executor);
  }

  /** The tenant's keys, revoked ones included, oldest first; empty when there is no such tenant. */
  public CompletionStage<Optional<List<KeyInfo>>> keys(String tenantId) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (Connection c = dataSource.getConnection();
              PreparedStatement exists = c.prepareStatement("SELECT 1 FROM tenant WHERE id = ?");
              PreparedStatement s =
                  c.prepareStatement(
                      "SELECT key_id, created_at, revoked_at FROM api_key WHERE tenant_id = ? ORDER BY created_at, key_id")) {
            exists.setString(1, tenantId);
            try (ResultSet rs = exists.executeQuery()) {
              if (!rs.next()) {
                c.commit();
                return Optional.empty();
              }
            }
            s.setString(1, tenantId);
            List<KeyInfo> keys = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                Timestamp revoked = rs.getTimestamp(3);
                keys.add(
                    new KeyInfo(
                        rs.getString(1), rs.getTimestamp(2).toInstant(), Optional.ofNullable(revoked).map(Timestamp::toInstant)));
              }
            }
            c.commit();
            return Optional.of(List.copyOf(keys));
          } catch (SQLException e) {
            throw new StoreException("could not list API keys", e);
          }
        },
        executor);
  }

  /**
   * Revokes one of the tenant's keys; false when the tenant has no such key. Revoking a revoked key
   * keeps the first revocation time. {@link #authenticate} reads this row on every request, so the
   * key stops working on every node with the commit.
   */
  public CompletionStage<Boolean> revokeKey(String tenantId, String keyId) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (Connection c = dataSource.getConnection();
              PreparedStatement s =
                  c.prepareStatement(
                      "UPDATE api_key SET revoked_at = COALESCE(revoked_at, ?) WHERE tenant_id = ? AND key_id = ?")) {
            s.setTimestamp(1, Timestamp.from(clock.instant().truncatedTo(ChronoUnit.MICROS)));
            s.setString(2, tenantId);
            s.setString(3, keyId);
            boolean found = s.executeUpdate() == 1;
            c.commit();
            return found;
          } catch (SQLException e) {
            throw new StoreException("could not revoke the API key", e);
          }
        },
        executor);
  }

  private static Tenant tenant(ResultSet rs) throws SQLException {
    return new Tenant(rs.getString(1), rs.getString(2), rs.getString(3), rs.getTimestamp(4).toInstant());
  }

  private static String newTenantId() {
    byte[] id = new byte[8];
    RANDOM.nextBytes(id);
    return "t_" + HexFormat.of().formatHex(id);
  }
}
