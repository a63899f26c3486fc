package outreach.protocol.campaign;

import akka.actor.typed.ActorRef;
import outreach.protocol.CborSerializable;

/** Commands to the Campaign entity. Not sealed: the entity adds its own internal messages. */
public interface CampaignCommand extends CborSerializable {

  record Create(CampaignSpec spec, ActorRef<CampaignReply> replyTo) implements CampaignCommand {}

  /**
   * Recipients were written to the recipient table up to sequence number {@code lastSeq}
   * ({@code added} new ones); the campaign now knows its total.
   */
  record RecipientsAdded(int added, long lastSeq, ActorRef<CampaignReply> replyTo) implements CampaignCommand {}

  record Start(ActorRef<CampaignReply> replyTo) implements CampaignCommand {}

  record Pause(ActorRef<CampaignReply> replyTo) implements CampaignCommand {}

  record Resume(ActorRef<CampaignReply> replyTo) implements CampaignCommand {}

  record Cancel(ActorRef<CampaignReply> replyTo) implements CampaignCommand {}

  record Get(ActorRef<CampaignReply> replyTo) implements CampaignCommand {}

  /** Sent to running campaigns by their keeper, so a campaign whose node died starts again by itself. */
  record KeepAlive() implements CampaignCommand {}

  /** Replace the definition of a draft campaign; answered {@link CampaignReply.Found}, {@link CampaignReply.NotAllowed} or {@link CampaignReply.NotFound}. */
  record UpdateSpec(CampaignSpec spec, ActorRef<CampaignReply> replyTo) implements CampaignCommand {}

  /** Delete a draft campaign; answered {@link CampaignReply.Deleted}, {@link CampaignReply.NotAllowed} or {@link CampaignReply.NotFound}. */
  record Delete(ActorRef<CampaignReply> replyTo) implements CampaignCommand {}
}
