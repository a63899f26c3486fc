package outreach.persistence.campaign;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import javax.sql.DataSource;
import outreach.persistence.StoreException;
import outreach.protocol.campaign.CampaignStatus;

/** Listings of campaigns from the read model. It lags the entities by the projection's delay. */
public final class CampaignDirectory {

  /** One campaign as the read model holds it: its status and outcome counters. */
  public record Listed(
      String tenantId,
      String campaignId,
      String name,
      CampaignStatus status,
      Optional<String> pausedReason,
      int total,
      int sent,
      int failed,
      int bounced,
      int suppressed,
      Instant createdAt,
      Instant updatedAt) {}

  /** One page of a tenant's campaigns ordered by id, and the cursor of the next page when there is one. */
  public record Page(List<Listed> campaigns, Optional<String> nextCursor) {}

  /** A campaign of any tenant. */
  public record CampaignRef(String tenantId, String campaignId) {}

  /** One page of running campaigns ordered by tenant and id, and the cursor of the next page when there is one. */
  public record RunningPage(List<CampaignRef> campaigns, Optional<CampaignRef> nextCursor) {}

  private final DataSource dataSource;
  private final Executor executor;

  public CampaignDirectory(DataSource dataSource, Executor executor) {
    this.dataSource = dataSource;
    this.executor = executor;
  }

  /** Campaigns of the tenant with ids after {@code afterId} (exclusive), only those in {@code status} when given, at most {@code limit}. */
  public CompletionStage<Page> list(String tenantId, Optional<CampaignStatus> status, Optional<String> afterId, int limit) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (Connection c = dataSource.getConnection();
              PreparedStatement s =
                  c.prepareStatement(
                      """
                      SELECT campaign_id, name, status, paused_reason, total, sent, failed, bounced, suppressed,
                             created_at, updated_at
                      FROM campaign_view
                      WHERE tenant_id = ? AND campaign_id > ? AND (CAST(? AS VARCHAR) IS NULL OR status = ?)
                      ORDER BY campaign_id LIMIT ?
                      """)) {
            String wanted = status.map(CampaignStatus::wireName).orElse(null);
            s.setString(1, tenantId);
            s.setString(2, afterId.orElse(""));
            s.setString(3, wanted);
            s.setString(4, wanted);
            s.setInt(5, limit + 1);
            List<Listed> campaigns = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) campaigns.add(read(tenantId, rs));
            }
            c.commit();
            Optional<String> next = Optional.empty();
            if (campaigns.size() > limit) {
              campaigns = campaigns.subList(0, limit);
              next = Optional.of(campaigns.get(limit - 1).campaignId());
            }
            return new Page(List.copyOf(campaigns), next);
          } catch (SQLException e) {
            throw new StoreException("could not list campaigns", e);
          }
        },
        executor);
  }

  /**
   * Running campaigns of every tenant after {@code after} (exclusive), at most {@code limit}: what
   * the keeper pings so that a campaign whose node went away starts again.
   */
  public CompletionStage<RunningPage> runningCampaigns(int limit, Optional<CampaignRef> after) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (Connection c = dataSource.getConnection();
              PreparedStatement s =
                  c.prepareStatement(
                      """
                      SELECT tenant_id, campaign_id FROM campaign_view
                      WHERE status = ? AND (tenant_id, campaign_id) > (?, ?)
                      ORDER BY tenant_id, campaign_id LIMIT ?
                      """)) {
            s.setString(1, CampaignStatus.RUNNING.wireName());
            s.setString(2, after.map(CampaignRef::tenantId).orElse(""));
            s.setString(3, after.map(CampaignRef::campaignId).orElse(""));
            s.setInt(4, limit + 1);
            List<CampaignRef> campaigns = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) campaigns.add(new CampaignRef(rs.getString(1), rs.getString(2)));
            }
            c.commit();
            Optional<CampaignRef> next = Optional.empty();
            if (campaigns.size() > limit) {
              campaigns = campaigns.subList(0, limit);
              next = Optional.of(campaigns.get(limit - 1));
            }
            return new RunningPage(List.copyOf(campaigns), next);
          } catch (SQLException e) {
            throw new StoreException("could not list running campaigns", e);
          }
        },
        executor);
  }

  /** Whether the read model holds the tenant's campaign; another tenant's campaign of that id does not count. */
  public CompletionStage<Boolean> exists(String tenantId, String campaignId) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (Connection c = dataSource.getConnection();
              PreparedStatement s =
                  c.prepareStatement("SELECT 1 FROM campaign_view WHERE tenant_id = ? AND campaign_id = ?")) {
            s.setString(1, tenantId);
            s.setString(2, campaignId);
            boolean found;
            try (ResultSet rs = s.executeQuery()) {
              found = rs.next();
            }
            c.commit();
            return found;
          } catch (SQLException e) {
            throw new StoreException("could not look up a campaign", e);
          }
        },
        executor);
  }

  private static Listed read(String tenantId, ResultSet rs) throws SQLException {
    return new Listed(
        tenantId,
        rs.getString(1),
        rs.getString(2),
        CampaignStatus.valueOf(rs.getString(3).toUpperCase(Locale.ROOT)),
        Optional.ofNullable(rs.getString(4)),
        rs.getInt(5),
        rs.getInt(6),
        rs.getInt(7),
        rs.getInt(8),
        rs.getInt(9),
        rs.getTimestamp(10).toInstant(),
        rs.getTimestamp(11).toInstant());
  }
}
