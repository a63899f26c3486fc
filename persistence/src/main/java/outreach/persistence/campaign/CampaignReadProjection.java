package outreach.persistence.campaign;

import akka.actor.typed.ActorSystem;
import javax.sql.DataSource;
import outreach.persistence.TaggedProjection;
import outreach.protocol.campaign.CampaignEvent;
import outreach.protocol.campaign.CampaignKeys;

/**
 * Runs one exactly-once projection per campaign tag, spread over the cluster, that keeps both read
 * models of campaigns: {@code campaign_view} (with hard bounces added to the suppression list) and
 * {@code delivery}. One projection reads and deserializes each campaign event once for both.
 */
public final class CampaignReadProjection {

  public static final String NAME = "campaign-read";

  private CampaignReadProjection() {}

  public static void init(ActorSystem<?> system, DataSource dataSource) {
    TaggedProjection.<CampaignEvent>initGrouped(system, NAME, CampaignKeys.TAGS, dataSource, CampaignReadHandler::new);
  }
}
