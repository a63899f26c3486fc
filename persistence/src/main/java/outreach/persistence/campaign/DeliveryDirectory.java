package outreach.persistence.campaign;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import javax.sql.DataSource;
import outreach.persistence.StoreException;

/**
 * Deliveries of a campaign, one per recipient, and the statistics drawn from them, from the read
 * model. It lags the campaign by the projection's delay.
 */
public final class DeliveryDirectory {

  /** How many recipient domains the statistics show, the busiest first: a campaign may reach thousands. */
  public static final int DOMAINS_SHOWN = 100;

  /** The latest SMTP reply to a recipient's message; code 0 when the server gave none. */
  public record Reply(int code, Optional<String> enhanced, String text) {}

  /** One recipient's delivery as the read model holds it. */
  public record Delivery(
      long seq,
      String email,
      DeliveryStatus status,
      Optional<String> account,
      int attempts,
      Optional<Reply> lastReply,
      Optional<String> messageId,
      boolean possibleDuplicate,
      Instant firstAt,
      Instant updatedAt,
      Optional<Instant> nextAttemptAt) {}

  /** One page of deliveries ordered by sequence number, and the cursor of the next page when there is one. */
  public record Page(List<Delivery> deliveries, Optional<Long> nextCursor) {}

  /** Recipients per status. */
  public record Counts(int pending, int inFlight, int deferred, int sent, int failed, int bounced, int suppressed) {

    public int total() {
      return pending + inFlight + deferred + sent + failed + bounced + suppressed;
    }
  }

  /** Final outcomes of the recipients last dispatched to one account. */
  public record AccountStatistics(String account, int sent, int failed, int bounced) {}

  /** Outcomes of the recipients of one domain (the part of the address after '@', lower-cased). */
  public record DomainStatistics(String domain, int sent, int failed, int bounced, int deferred) {}

  /** A campaign's deliveries summed up; {@code bounceRate} is bounced / (sent + bounced), 0 before either. */
  public record Statistics(
      Counts counts, double bounceRate, List<AccountStatistics> byAccount, List<DomainStatistics> byDomain) {}

  private final DataSource dataSource;
  private final Executor executor;

  public DeliveryDirectory(DataSource dataSource, Executor executor) {
    this.dataSource = dataSource;
    this.executor = executor;
  }

  /**
   * Deliveries of the campaign with sequence numbers after {@code afterSeq} (exclusive), only those in
   * {@code status} when given, at most {@code limit}.
   */
  public CompletionStage<Page> list(
      String tenantId, String campaignId, Optional<DeliveryStatus> status, Optional<Long> afterSeq, int limit) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (Connection c = dataSource.getConnection();
              PreparedStatement s =
                  c.prepareStatement(
                      """
                      SELECT seq, email, status, account, attempts, last_code, last_enhanced, last_text, message_id,
                             possible_duplicate, first_at, updated_at, next_attempt_at
                      FROM delivery
                      WHERE tenant_id = ? AND campaign_id = ? AND seq > ? AND (CAST(? AS VARCHAR) IS NULL OR status = ?)
                      ORDER BY seq LIMIT ?
                      """)) {
            String wanted = status.map(DeliveryStatus::wireName).orElse(null);
            s.setString(1, tenantId);
            s.setString(2, campaignId);
            s.setLong(3, afterSeq.orElse(0L));
            s.setString(4, wanted);
            s.setString(5, wanted);
            s.setInt(6, limit + 1);
            List<Delivery> deliveries = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) deliveries.add(read(rs));
            }
            c.commit();
            Optional<Long> next = Optional.empty();
            if (deliveries.size() > limit) {
              deliveries = deliveries.subList(0, limit);
              next = Optional.of(deliveries.get(limit - 1).seq());
            }
            return new Page(List.copyOf(deliveries), next);
          } catch (SQLException e) {
            throw new StoreException("could not list deliveries", e);
          }
        },
        executor);
  }

  /** The campaign's counts per status, bounce rate and the outcomes per account and per recipient domain. */
  public CompletionStage<Statistics> statistics(String tenantId, String campaignId) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (Connection c = dataSource.getConnection()) {
            // One snapshot for the three queries, so that the breakdowns add up to the counts. The
            // pool puts the connection back to its default isolation when it is returned.
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            Counts counts = counts(c, tenantId, campaignId);
            List<AccountStatistics> byAccount = byAccount(c, tenantId, campaignId);
            List<DomainStatistics> byDomain = byDomain(c, tenantId, campaignId);
            c.commit();
            int judged = counts.sent() + counts.bounced();
            double bounceRate = judged == 0 ? 0.0 : (double) counts.bounced() / judged;
            return new Statistics(counts, bounceRate, byAccount, byDomain);
          } catch (SQLException e) {
            throw new StoreException("could not read delivery statistics", e);
          }
        },
        executor);
  }

  private static Counts counts(Connection c, String tenantId, String campaignId) throws SQLException {
    Map<DeliveryStatus, Integer> counts = new EnumMap<>(DeliveryStatus.class);
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT status, COUNT(*) FROM delivery WHERE tenant_id = ? AND campaign_id = ? GROUP BY status")) {
      s.setString(1, tenantId);
      s.setString(2, campaignId);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          counts.put(DeliveryStatus.fromWireName(rs.getString(1)).orElseThrow(), rs.getInt(2));
        }
      }
    }
    return new Counts(
        counts.getOrDefault(DeliveryStatus.PENDING, 0),
        counts.getOrDefault(DeliveryStatus.IN_FLIGHT, 0),
        counts.getOrDefault(DeliveryStatus.DEFERRED, 0),
        counts.getOrDefault(DeliveryStatus.SENT, 0),
        counts.getOrDefault(DeliveryStatus.FAILED, 0),
        counts.getOrDefault(DeliveryStatus.BOUNCED, 0),
        counts.getOrDefault(DeliveryStatus.SUPPRESSED, 0));
  }

  private static List<AccountStatistics> byAccount(Connection c, String tenantId, String campaignId) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            """
            SELECT account,
                   COUNT(*) FILTER (WHERE status = 'sent'),
                   COUNT(*) FILTER (WHERE status = 'failed'),
                   COUNT(*) FILTER (WHERE status = 'bounced')
            FROM delivery
            WHERE tenant_id = ? AND campaign_id = ? AND account IS NOT NULL AND status IN ('sent', 'failed', 'bounced')
            GROUP BY account ORDER BY account
            """)) {
      s.setString(1, tenantId);
      s.setString(2, campaignId);
      List<AccountStatistics> accounts = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) accounts.add(new AccountStatistics(rs.getString(1), rs.getInt(2), rs.getInt(3), rs.getInt(4)));
      }
      return List.copyOf(accounts);
    }
  }

  private static List<DomainStatistics> byDomain(Connection c, String tenantId, String campaignId) throws SQLException {
    // The domain follows the last '@': a quoted local part may hold one too.
    try (PreparedStatement s =
        c.prepareStatement(
            """
            SELECT LOWER(REGEXP_REPLACE(email, '^.*@', '')) AS domain,
                   COUNT(*) FILTER (WHERE status = 'sent') AS sent,
                   COUNT(*) FILTER (WHERE status = 'failed') AS failed,
                   COUNT(*) FILTER (WHERE status = 'bounced') AS bounced,
                   COUNT(*) FILTER (WHERE status = 'deferred') AS deferred
            FROM delivery
            WHERE tenant_id = ? AND campaign_id = ? AND status IN ('sent', 'failed', 'bounced', 'deferred')
            GROUP BY 1 ORDER BY COUNT(*) DESC, 1 LIMIT ?
            """)) {
      s.setString(1, tenantId);
      s.setString(2, campaignId);
      s.setInt(3, DOMAINS_SHOWN);
      List<DomainStatistics> domains = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          domains.add(new DomainStatistics(rs.getString(1), rs.getInt(2), rs.getInt(3), rs.getInt(4), rs.getInt(5)));
        }
      }
      return List.copyOf(domains);
    }
  }

  private static Delivery read(ResultSet rs) throws SQLException {
    String text = rs.getString(8);
    Optional<Reply> reply =
        text == null ? Optional.empty() : Optional.of(new Reply(rs.getInt(6), Optional.ofNullable(rs.getString(7)), text));
    return new Delivery(
        rs.getLong(1),
        rs.getString(2),
        DeliveryStatus.fromWireName(rs.getString(3)).orElseThrow(),
        Optional.ofNullable(rs.getString(4)),
        rs.getInt(5),
        reply,
        Optional.ofNullable(rs.getString(9)),
        rs.getBoolean(10),
        rs.getTimestamp(11).toInstant(),
        rs.getTimestamp(12).toInstant(),
        Optional.ofNullable(rs.getTimestamp(13)).map(Timestamp::toInstant));
  }
}
