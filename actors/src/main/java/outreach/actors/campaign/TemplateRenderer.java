package outreach.actors.campaign;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import outreach.mail.message.MessageIds;
import outreach.mail.message.UnsubscribeToken;
import outreach.mail.template.MessageTemplate;
import outreach.protocol.campaign.CampaignSpec;
import outreach.protocol.delivery.RenderedMessage;

/**
 * Renders campaign messages with the mail library: the template with the recipient's variables, a
 * Message-ID that is the same for every try, and signed one-click unsubscribe links.
 */
public final class TemplateRenderer implements MessageRenderer {

  private static final int MAX_TEMPLATES = 10_000;

  private final UnsubscribeToken tokens;
  private final String publicUrl;
  private final String unsubscribeMailbox;
  private final String messageIdDomain;
  private final Map<TemplateKey, MessageTemplate> templates = new ConcurrentHashMap<>();

  /**
   * What a compiled template depends on. The whole spec would do as a key, but hashing it walks the campaign's
   * account list on every message; these strings keep their hash once computed.
   */
  private record TemplateKey(String subject, String text, Optional<String> html) {}

  /**
   * @param publicUrl where recipients reach the public links, without a trailing slash
   * @param unsubscribeMailbox the address of the mailto unsubscribe variant
   * @param messageIdDomain the right-hand side of Message-IDs
   */
  public TemplateRenderer(UnsubscribeToken tokens, String publicUrl, String unsubscribeMailbox, String messageIdDomain) {
    this.tokens = tokens;
    this.publicUrl = publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
    this.unsubscribeMailbox = unsubscribeMailbox;
    this.messageIdDomain = messageIdDomain;
  }

  @Override
  public RenderedMessage render(String tenantId, String campaignId, CampaignSpec spec, String email, Map<String, String> variables) {
    // Campaign definitions hardly change; the cache is only emptied when it grows past a node's working set.
    if (templates.size() > MAX_TEMPLATES) templates.clear();
    MessageTemplate template =
        templates.computeIfAbsent(
            new TemplateKey(spec.subject(), spec.text(), spec.html()), k -> MessageTemplate.compile(k.subject(), k.text(), k.html()));
    Map<String, String> values = new HashMap<>(variables);
    values.putIfAbsent("email", email);
    MessageTemplate.Rendered rendered = template.render(values);
    String token = tokens.sign(new UnsubscribeToken.Subject(tenantId, campaignId, email));
    String mailto =
        "mailto:" + unsubscribeMailbox + "?subject=" + URLEncoder.encode("unsubscribe " + token, StandardCharsets.UTF_8).replace("+", "%20");
    return new RenderedMessage(
        MessageIds.of(tenantId, campaignId, email, messageIdDomain),
        tenantId,
        campaignId,
        email,
        variables.getOrDefault("name", ""),
        rendered.subject(),
        rendered.text(),
        rendered.html(),
        publicUrl + "/u/" + token,
        mailto,
        spec.footerAddress());
  }
}
