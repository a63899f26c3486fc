package outreach.actors.campaign;

import java.util.Map;
import outreach.protocol.campaign.CampaignSpec;
import outreach.protocol.delivery.RenderedMessage;

/** Personalises a campaign's message for one recipient: template, Message-ID, unsubscribe links, footer. */
@FunctionalInterface
public interface MessageRenderer {

  RenderedMessage render(String tenantId, String campaignId, CampaignSpec spec, String email, Map<String, String> variables);
}
