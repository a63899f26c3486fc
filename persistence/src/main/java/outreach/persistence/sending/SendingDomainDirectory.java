package outreach.persistence.sending;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import javax.sql.DataSource;
import outreach.persistence.StoreException;

/** Listings of a tenant's sending domains from the read model. */
public final class SendingDomainDirectory {

  /** One page of domain names, and the cursor of the next page when there is one. */
  public record Page(List<String> domains, Optional<String> nextCursor) {}

  private final DataSource dataSource;
  private final Executor executor;

  public SendingDomainDirectory(DataSource dataSource, Executor executor) {
    this.dataSource = dataSource;
    this.executor = executor;
  }

  public CompletionStage<Page> list(String tenantId, Optional<String> after, int limit) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (Connection c = dataSource.getConnection();
              PreparedStatement s =
                  c.prepareStatement(
                      "SELECT domain FROM sending_domain_view WHERE tenant_id = ? AND domain > ? ORDER BY domain LIMIT ?")) {
            s.setString(1, tenantId);
            s.setString(2, after.orElse(""));
            s.setInt(3, limit + 1);
            List<String> domains = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) domains.add(rs.getString(1));
            }
            c.commit();
            Optional<String> next = Optional.empty();
            if (domains.size() > limit) {
              domains = domains.subList(0, limit);
              next = Optional.of(domains.get(limit - 1));
            }
            return new Page(List.copyOf(domains), next);
          } catch (SQLException e) {
            throw new StoreException("could not list sending domains", e);
          }
        },
        executor);
  }
}
