package outreach.persistence.campaign;

import akka.projection.eventsourced.EventEnvelope;
import akka.projection.jdbc.javadsl.JdbcHandler;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import outreach.persistence.PooledJdbcSession;
import outreach.protocol.EntityIds;
import outreach.protocol.campaign.CampaignEvent;
import outreach.protocol.campaign.CampaignStatus;

/**
 * Folds Campaign events into {@code campaign_view}, and puts hard-bounced addresses on the tenant's
 * suppression list, in the transaction that stores the projection's offset.
 */
final class CampaignViewHandler extends JdbcHandler<EventEnvelope<CampaignEvent>, PooledJdbcSession> {

  private static final String INSERT =
      """
      INSERT INTO campaign_view (tenant_id, campaign_id, name, status, paused_reason, total, sent, failed, bounced,
        suppressed, created_at, updated_at)
      VALUES (?, ?, ?, ?, NULL, 0, 0, 0, 0, 0, ?, ?)
      ON CONFLICT (tenant_id, campaign_id) DO NOTHING
      """;

  private static final String STATUS =
      "UPDATE campaign_view SET status = ?, paused_reason = ?, updated_at = ? WHERE tenant_id = ? AND campaign_id = ?";

  private static final String TOTAL =
      "UPDATE campaign_view SET total = total + ?, updated_at = ? WHERE tenant_id = ? AND campaign_id = ?";

  /** The outcome counters; the column names are fixed here, never taken from data. */
  private enum Counter {
    SENT,
    FAILED,
    BOUNCED,
    SUPPRESSED;

    String sql() {
      String column = name().toLowerCase(Locale.ROOT);
      return "UPDATE campaign_view SET " + column + " = " + column + " + 1, updated_at = ? WHERE tenant_id = ? AND campaign_id = ?";
    }
  }

  @Override
  public void process(PooledJdbcSession session, EventEnvelope<CampaignEvent> envelope) throws Exception {
    CampaignEvent event = envelope.event();
    String entityId = envelope.persistenceId().substring(envelope.persistenceId().indexOf('|') + 1);
    String tenant = EntityIds.tenantOf(entityId);
    String campaign = EntityIds.localIdOf(entityId);
    Instant at = event.at();
    // Dispatches, returned dispatches and retries do not change the listing.
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
    } else if (event instanceof CampaignEvent.RecipientSent) {
      count(session, tenant, campaign, Counter.SENT, at);
    } else if (event instanceof CampaignEvent.RecipientFailed) {
      count(session, tenant, campaign, Counter.FAILED, at);
    } else if (event instanceof CampaignEvent.RecipientSuppressed) {
      count(session, tenant, campaign, Counter.SUPPRESSED, at);
    } else if (event instanceof CampaignEvent.RecipientBounced e) {
      count(session, tenant, campaign, Counter.BOUNCED, at);
      // A hard bounce is final for the tenant, not only for this campaign (suppressed at once).
      session.withConnection(
          c -> SuppressionStore.insert(c, tenant, e.email(), SuppressionReason.HARD_BOUNCE, campaign, at));
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

  private static void count(PooledJdbcSession session, String tenantId, String campaignId, Counter counter, Instant at)
      throws Exception {
    session.withConnection(
        c -> {
          try (PreparedStatement s = c.prepareStatement(counter.sql())) {
            s.setTimestamp(1, Timestamp.from(at));
            s.setString(2, tenantId);
            s.setString(3, campaignId);
            return s.executeUpdate();
          }
        });
  }
}
