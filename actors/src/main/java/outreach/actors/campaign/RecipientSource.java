package outreach.actors.campaign;

import java.util.List;
import java.util.concurrent.CompletionStage;
import outreach.protocol.campaign.Recipient;

/** Where a campaign reads its recipients from, by cursor (the recipient table; the app wires the store). */
@FunctionalInterface
public interface RecipientSource {

  /** Up to {@code limit} recipients with sequence numbers above {@code afterSeq}, in order, with their suppression as of now. */
  CompletionStage<List<Recipient>> fetch(String tenantId, String campaignId, long afterSeq, int limit);
}
