package outreach.persistence.campaign;

import akka.persistence.query.Offset;
import akka.projection.eventsourced.EventEnvelope;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Locale;
import javax.sql.DataSource;
import outreach.protocol.EntityIds;
import outreach.protocol.campaign.CampaignEvent;
import outreach.protocol.campaign.CampaignKeys;

/** What the campaign read-side tests set up: recipients as an upload stores them, events as the projection hands them over. */
final class CampaignFixtures {

  private CampaignFixtures() {}

  /** Stores recipients as an upload does, numbered from 1. */
  static void storeRecipients(DataSource dataSource, String tenant, String campaign, Instant at, String... emails) throws Exception {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                """
                INSERT INTO campaign_recipient (tenant_id, campaign_id, seq, email, email_key, variables, consent, created_at)
                VALUES (?, ?, ?, ?, ?, '{}'::jsonb, NULL, ?)
                """)) {
      for (int i = 0; i < emails.length; i++) {
        s.setString(1, tenant);
        s.setString(2, campaign);
        s.setLong(3, i + 1);
        s.setString(4, emails[i]);
        s.setString(5, emails[i].toLowerCase(Locale.ROOT));
        s.setTimestamp(6, Timestamp.from(at));
        s.addBatch();
      }
      s.executeBatch();
      c.commit();
    }
  }

  /** The campaign's event at journal offset {@code offset}, as the projection hands it over. */
  static EventEnvelope<CampaignEvent> envelope(String tenant, String campaign, long offset, CampaignEvent event) {
    String persistenceId = CampaignKeys.ENTITY_KEY.name() + "|" + EntityIds.of(tenant, campaign);
    return EventEnvelope.create(Offset.sequence(offset), persistenceId, offset, event, event.at().toEpochMilli());
  }
}
