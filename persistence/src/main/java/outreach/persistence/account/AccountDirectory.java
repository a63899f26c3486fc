package outreach.persistence.account;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import javax.sql.DataSource;
import outreach.persistence.StoreException;
import outreach.protocol.RateLimit;
import outreach.protocol.account.AccountPool;
import outreach.protocol.account.AccountStatus;
import outreach.protocol.account.SecurityMode;
import outreach.protocol.account.WarmUp;

/** Listings of a tenant's accounts from the read model. It lags the entities by the projection's delay. */
public final class AccountDirectory {

  /** One account as the read model holds it: settings and state, no live counters. */
  public record Listed(
      String tenantId,
      String accountId,
      String host,
      int port,
      SecurityMode security,
      String username,
      String fromAddress,
      String fromName,
      AccountPool pool,
      List<RateLimit> limits,
      WarmUp warmUp,
      AccountStatus status,
      Instant createdAt) {}

  /** One page of accounts ordered by id, and the cursor of the next page when there is one. */
  public record Page(List<Listed> accounts, Optional<String> nextCursor) {}

  private final DataSource dataSource;
  private final Executor executor;

  public AccountDirectory(DataSource dataSource, Executor executor) {
    this.dataSource = dataSource;
    this.executor = executor;
  }

  /** Accounts of the tenant with ids after {@code afterId} (exclusive), at most {@code limit}. */
  public CompletionStage<Page> list(String tenantId, Optional<String> afterId, int limit) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (Connection c = dataSource.getConnection();
              PreparedStatement s =
                  c.prepareStatement(
                      """
                      SELECT account_id, host, port, security, username, from_address, from_name, pool, limits,
                             warm_up_enabled, warm_up_start_per_day, warm_up_step_per_day, status, created_at
                      FROM account_view WHERE tenant_id = ? AND account_id > ? ORDER BY account_id LIMIT ?
                      """)) {
            s.setString(1, tenantId);
            s.setString(2, afterId.orElse(""));
            s.setInt(3, limit + 1);
            List<Listed> accounts = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) accounts.add(read(tenantId, rs));
            }
            c.commit();
            Optional<String> next = Optional.empty();
            if (accounts.size() > limit) {
              accounts = accounts.subList(0, limit);
              next = Optional.of(accounts.get(limit - 1).accountId());
            }
            return new Page(List.copyOf(accounts), next);
          } catch (SQLException e) {
            throw new StoreException("could not list accounts", e);
          }
        },
        executor);
  }

  private static Listed read(String tenantId, ResultSet rs) throws SQLException {
    List<RateLimit> limits =
        rs.getString(9).isEmpty()
            ? List.of()
            : Arrays.stream(rs.getString(9).split(",")).map(RateLimit::parse).toList();
    return new Listed(
        tenantId,
        rs.getString(1),
        rs.getString(2),
        rs.getInt(3),
        SecurityMode.fromWireName(rs.getString(4)),
        rs.getString(5),
        rs.getString(6),
        rs.getString(7),
        AccountPool.fromWireName(rs.getString(8)),
        limits,
        new WarmUp(rs.getBoolean(10), rs.getInt(11), rs.getInt(12)),
        AccountStatus.valueOf(rs.getString(13).toUpperCase(java.util.Locale.ROOT)),
        rs.getTimestamp(14).toInstant());
  }
}
