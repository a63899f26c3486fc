package outreach.persistence.campaign;

import akka.projection.eventsourced.EventEnvelope;
import akka.projection.jdbc.javadsl.JdbcHandler;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import outreach.persistence.PooledJdbcSession;
import outreach.protocol.EntityIds;
import outreach.protocol.campaign.CampaignEvent;
import outreach.protocol.campaign.CampaignStatus;

/**
 * Folds Campaign events into {@code campaign_view}, and puts hard-bounced addresses on the tenant's
 * suppression list, in the transaction that stores the projection's offset.
 */
final class CampaignViewHandler extends JdbcHandler<List<EventEnvelope<CampaignEvent>>, PooledJdbcSession> {

  private static final String INSERT =
      """
      INSERT INTO campaign_view (tenant_id, campaign_id, name, status, paused_reason, total, sent, failed, bounced,
        suppressed, created_at, updated_at)
      VALUES (?, ?, ?, ?, NULL, 0, 0, 0, 0, 0, ?, ?)
      ON CONFLICT (tenant_id, campaign_id) DO NOTHING
      """;

  private static final String STATUS =
      "UPDATE campaign_view SET status = ?, paused_reason = ?, updated_at = ? WHERE tenant_id = ? AND campaign_id = ?";

  /** Adds a group's outcome counts (sent, failed, bounced, suppressed) to a campaign's row. */
  private static final String COUNTS =
      "UPDATE campaign_view SET sent = sent + ?, failed = failed + ?, bounced = bounced + ?, suppressed = suppressed + ?,"
          + " updated_at = ? WHERE tenant_id = ? AND campaign_id = ?";

  private static final String TOTAL =
      "UPDATE campaign_view SET total = total + ?, updated_at = ? WHERE tenant_id = ? AND campaign_id = ?";

  /** The outcome counters, in the order of {@link #COUNTS}' parameters. */
  private enum Counter {
    SENT,
    FAILED,
    BOUNCED,
    SUPPRESSED
  }

  /** The counts a group adds to one campaign's row, written once at the end of the group. */
  private static final class Counts {
    final long[] added = new long[Counter.values().length];
    Instant at = Instant.MIN;

    void add(Counter counter, Instant when) {
      added[counter.ordinal()]++;
      if (when.isAfter(at)) at = when;
    }
  }

  /**
   * Applies a group of envelopes in order, the events of a batch in theirs, except that the outcome counters of
   * each campaign are summed over the group and written with one update when the group ends (or before any other
   * change to the listing, which keeps creation and deletion in their place). Sums commute, so the row ends as
   * one-by-one would leave it.
   */
  @Override
  public void process(PooledJdbcSession session, List<EventEnvelope<CampaignEvent>> envelopes) throws Exception {
    Map<List<String>, Counts> counts = new LinkedHashMap<>();
    for (EventEnvelope<CampaignEvent> envelope : envelopes) {
      String entityId = envelope.persistenceId().substring(envelope.persistenceId().indexOf('|') + 1);
      String tenant = EntityIds.tenantOf(entityId);
      String campaign = EntityIds.localIdOf(entityId);
      for (CampaignEvent event : CampaignEvent.each(envelope.event())) {
        Optional<Counter> counter = counter(event);
        if (counter.isPresent()) {
          counts.computeIfAbsent(List.of(tenant, campaign), k -> new Counts()).add(counter.get(), event.at());
          if (event instanceof CampaignEvent.RecipientBounced e) {
            // A hard bounce is final for the tenant, not only for this campaign (suppressed at once).
            session.withConnection(
                c -> SuppressionStore.insert(c, tenant, e.email(), SuppressionReason.HARD_BOUNCE, campaign, e.at()));
          }
          continue;
        }
        if (!changesListing(event)) continue;
        writeCounts(session, counts);
        apply(session, tenant, campaign, event);
      }
    }
    writeCounts(session, counts);
  }

  /** Dispatches, returned dispatches, postponements and retries do not change the listing. */
  private static boolean changesListing(CampaignEvent event) {
    return event instanceof CampaignEvent.CampaignCreated
        || event instanceof CampaignEvent.RecipientsAdded
        || event instanceof CampaignEvent.CampaignStarted
        || event instanceof CampaignEvent.CampaignPaused
        || event instanceof CampaignEvent.CampaignResumed
        || event instanceof CampaignEvent.CampaignCancelled
        || event instanceof CampaignEvent.CampaignCompleted
        || event instanceof CampaignEvent.CampaignSpecChanged
        || event instanceof CampaignEvent.CampaignDeleted;
  }

  private static Optional<Counter> counter(CampaignEvent event) {
    if (event instanceof CampaignEvent.RecipientSent) return Optional.of(Counter.SENT);
    if (event instanceof CampaignEvent.RecipientFailed) return Optional.of(Counter.FAILED);
    if (event instanceof CampaignEvent.RecipientSuppressed) return Optional.of(Counter.SUPPRESSED);
    if (event instanceof CampaignEvent.RecipientBounced) return Optional.of(Counter.BOUNCED);
    return Optional.empty();
  }

  private static void writeCounts(PooledJdbcSession session, Map<List<String>, Counts> counts) throws Exception {
    if (counts.isEmpty()) return;
    session.withConnection(
        c -> {
          try (PreparedStatement s = c.prepareStatement(COUNTS)) {
            for (Map.Entry<List<String>, Counts> e : counts.entrySet()) {
              int i = 1;
              for (Counter counter : Counter.values()) s.setLong(i++, e.getValue().added[counter.ordinal()]);
              s.setTimestamp(i++, Timestamp.from(e.getValue().at));
              s.setString(i++, e.getKey().get(0));
              s.setString(i, e.getKey().get(1));
              s.addBatch();
            }
            return s.executeBatch();
          }
        });
    counts.clear();
  }

  private static void apply(PooledJdbcSession session, String tenant, String campaign, CampaignEvent event) throws Exception {
    Instant at = event.at();
    if (event instanceof CampaignEvent.CampaignCreated e) {
      create(session, e);
    } else if (event instanceof CampaignEvent.RecipientsAdded e) {
      total(session, tenant, campaign, e);
    } else if (event instanceof CampaignEvent.CampaignStarted) {
      status(session, tenant, campaign, CampaignStatus.RUNNING, Optional.empty(), at);
    } else if (event instanceof CampaignEvent.CampaignPaused e) {
      status(session, tenant, campaign, CampaignStatus.PAUSED, e.reason(), at);
    } else if (event instanceof CampaignEvent.CampaignResumed) {
      status(session, tenant, campaign, CampaignStatus.RUNNING, Optional.empty(), at);
    } else if (event instanceof CampaignEvent.CampaignCancelled) {
      status(session, tenant, campaign, CampaignStatus.CANCELLED, Optional.empty(), at);
    } else if (event instanceof CampaignEvent.CampaignCompleted) {
      status(session, tenant, campaign, CampaignStatus.COMPLETED, Optional.empty(), at);
    } else if (event instanceof CampaignEvent.CampaignSpecChanged e) {
      update(session, "UPDATE campaign_view SET name = ?, updated_at = ? WHERE tenant_id = ? AND campaign_id = ?", e.spec().name(), at, tenant, campaign);
    } else if (event instanceof CampaignEvent.CampaignDeleted) {
      update(session, "DELETE FROM campaign_view WHERE tenant_id = ? AND campaign_id = ?", null, at, tenant, campaign);
    }
  }

  /** Runs an update whose parameters are (name and time, when {@code name} is given), tenant, campaign. */
  private static void update(PooledJdbcSession session, String sql, String name, Instant at, String tenant, String campaign)
      throws Exception {
    session.withConnection(
        c -> {
          try (PreparedStatement s = c.prepareStatement(sql)) {
            int i = 1;
            if (name != null) {
              s.setString(i++, name);
              s.setTimestamp(i++, Timestamp.from(at));
            }
            s.setString(i++, tenant);
            s.setString(i, campaign);
            return s.executeUpdate();
          }
        });
  }

  private static void create(PooledJdbcSession session, CampaignEvent.CampaignCreated created) throws Exception {
    session.withConnection(
        c -> {
          try (PreparedStatement s = c.prepareStatement(INSERT)) {
            Timestamp at = Timestamp.from(created.at());
            s.setString(1, created.tenantId());
            s.setString(2, created.campaignId());
            s.setString(3, created.spec().name());
            s.setString(4, CampaignStatus.DRAFT.wireName());
            s.setTimestamp(5, at);
            s.setTimestamp(6, at);
            return s.executeUpdate();
          }
        });
  }

  private static void total(
      PooledJdbcSession session, String tenantId, String campaignId, CampaignEvent.RecipientsAdded added)
      throws Exception {
    session.withConnection(
        c -> {
          try (PreparedStatement s = c.prepareStatement(TOTAL)) {
            s.setInt(1, added.added());
            s.setTimestamp(2, Timestamp.from(added.at()));
            s.setString(3, tenantId);
            s.setString(4, campaignId);
            return s.executeUpdate();
          }
        });
  }

  private static void status(
      PooledJdbcSession session,
      String tenantId,
      String campaignId,
      CampaignStatus status,
      Optional<String> pausedReason,
      Instant at)
      throws Exception {
    session.withConnection(
        c -> {
          try (PreparedStatement s = c.prepareStatement(STATUS)) {
            s.setString(1, status.wireName());
            s.setString(2, pausedReason.orElse(null));
            s.setTimestamp(3, Timestamp.from(at));
            s.setString(4, tenantId);
            s.setString(5, campaignId);
            return s.executeUpdate();
          }
        });
  }


}
