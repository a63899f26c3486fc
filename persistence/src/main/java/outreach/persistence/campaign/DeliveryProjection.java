package outreach.persistence.campaign;

import akka.actor.typed.ActorSystem;
import javax.sql.DataSource;
import outreach.persistence.TaggedProjection;
import outreach.protocol.campaign.CampaignEvent;
import outreach.protocol.campaign.CampaignKeys;

/** Runs one exactly-once projection per campaign tag, spread over the cluster, that keeps {@code delivery}. */
public final class DeliveryProjection {

  public static final String NAME = "delivery";

  private DeliveryProjection() {}

  public static void init(ActorSystem<?> system, DataSource dataSource) {
    TaggedProjection.<CampaignEvent>initGrouped(system, NAME, CampaignKeys.TAGS, dataSource, DeliveryHandler::new);
  }
}
