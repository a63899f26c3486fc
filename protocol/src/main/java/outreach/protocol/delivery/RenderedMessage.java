package outreach.protocol.delivery;

import java.util.Optional;

/**
 * One campaign message, personalised for its recipient, ready for an account to compose and send:
 * the account adds its own From. {@code messageId} is deterministic per (tenant, campaign,
 * recipient) so a retry keeps it.
 */
public record RenderedMessage(
    String messageId,
    String tenantId,
    String campaignId,
    String recipient,
    String recipientName,
    String subject,
    String text,
    Optional<String> html,
    String unsubscribeUrl,
    String unsubscribeMailto,
    String physicalAddress) {

  /** The recipient's domain, lower-cased. */
  public String recipientDomain() {
    return recipient.substring(recipient.lastIndexOf('@') + 1).toLowerCase(java.util.Locale.ROOT);
  }
}
