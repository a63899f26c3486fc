package outreach.persistence.campaign;

import akka.actor.typed.ActorSystem;
import javax.sql.DataSource;
import outreach.persistence.TaggedProjection;
import outreach.protocol.campaign.CampaignEvent;
import outreach.protocol.campaign.CampaignKeys;

/**
 * Runs one exactly-once projection per campaign tag, spread over the cluster, that keeps
 * {@code campaign_view} and adds hard bounces to the suppression list.
 */
public final class CampaignViewProjection {

  public static final String NAME = "campaign-view";

  private CampaignViewProjection() {}

  public static void init(ActorSystem<?> system, DataSource dataSource) {
    TaggedProjection.<CampaignEvent>initGrouped(system, NAME, CampaignKeys.TAGS, dataSource, CampaignViewHandler::new);
  }
}
