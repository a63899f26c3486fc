package outreach.protocol.campaign;

import outreach.protocol.CborSerializable;

/** What the Campaign entity answers. */
public sealed interface CampaignReply extends CborSerializable {

  record Found(CampaignView campaign) implements CampaignReply {}

  record NotFound(String campaignId) implements CampaignReply {}

  record AlreadyExists(String campaignId) implements CampaignReply {}

  /** The command does not apply in the campaign's status (HTTP 409). */
  record NotAllowed(CampaignStatus status, String detail) implements CampaignReply {}

  /** The campaign was deleted. */
  record Deleted(String campaignId) implements CampaignReply {}
}
