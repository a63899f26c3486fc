package outreach.http;

import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpHeader;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.MediaType;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.headers.RawHeader;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.PathMatchers;
import akka.http.javadsl.server.Route;
import java.util.List;
import java.util.function.Function;
import outreach.mail.message.UnsubscribeToken;
import outreach.persistence.campaign.SuppressionReason;
import outreach.persistence.campaign.SuppressionStore;

/**
 * {@code /u/{token}}: the unsubscribe link of every message, public and without cookies. A POST
 * with {@code List-Unsubscribe=One-Click} is the mailbox provider's one-click unsubscribe (RFC
 * 8058); a GET is the recipient following the link. Both put the address on the tenant's
 * suppression list at once. Only tokens signed with the node's key are honoured.
 */
public final class UnsubscribeRoutes extends AllDirectives {

  private static final String ONE_CLICK_FIELD = "List-Unsubscribe";
  private static final String ONE_CLICK_VALUE = "One-Click";
  private static final String FORM_URLENCODED = "application/x-www-form-urlencoded";
  private static final String MULTIPART_FORM = "multipart/form-data";

  /** The page needs nothing from anywhere; it must not be cached, indexed or leak the link onwards. */
  private static final List<HttpHeader> PAGE_HEADERS =
      List.of(
          RawHeader.create("Cache-Control", "no-store"),
          RawHeader.create("Content-Security-Policy", "default-src 'none'"),
          RawHeader.create("Referrer-Policy", "no-referrer"),
          RawHeader.create("X-Robots-Tag", "noindex"));

  private final ApiSettings settings;
  private final SuppressionStore suppressions;
  private final UnsubscribeToken tokens;

  public UnsubscribeRoutes(ApiSettings settings, SuppressionStore suppressions, byte[] tokenKey) {
    this.settings = settings;
    this.suppressions = suppressions;
    this.tokens = new UnsubscribeToken(tokenKey);
  }

  public Route route() {
    return pathPrefix(
        "u",
        () ->
            path(
                PathMatchers.segment(),
                token ->
                    concat(
                        post(() -> oneClick(token)),
                        get(() -> unsubscribe(token, this::page)))));
  }

  private Route oneClick(String token) {
    return extractRequestEntity(
        entity -> {
          MediaType type = entity.getContentType().mediaType();
          // Without parameters: a multipart type carries its boundary in them.
          String media = type.mainType() + "/" + type.subType();
          if (!media.equals(FORM_URLENCODED) && !media.equals(MULTIPART_FORM)) {
            throw Problem.unsupportedMediaType(
                "the body must be " + FORM_URLENCODED + " or " + MULTIPART_FORM + " holding List-Unsubscribe=One-Click (RFC 8058), got " + media);
          }
          return withSizeLimit(
              settings.maxBodyBytes(),
              () ->
                  formFieldOptional(
                      ONE_CLICK_FIELD,
                      value -> {
                        if (value.isEmpty() || !value.get().equals(ONE_CLICK_VALUE)) {
                          throw Problem.badRequest("the body must be List-Unsubscribe=One-Click (RFC 8058)");
                        }
                        return unsubscribe(
                            token,
                            email ->
                                complete(
                                    HttpResponse.create()
                                        .withStatus(StatusCodes.OK)
                                        .addHeaders(PAGE_HEADERS)
                                        .withEntity(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, "Unsubscribed.\n"))));
                      }));
        });
  }

  /** Suppresses the token's address, then answers; a token this node did not sign is simply not found. */
  private Route unsubscribe(String token, Function<String, Route> answer) {
    UnsubscribeToken.Subject subject =
        tokens.verify(token).orElseThrow(() -> Problem.notFound("this unsubscribe link is not valid"));
    return onSuccess(
        suppressions.add(subject.tenantId(), subject.email(), SuppressionReason.UNSUBSCRIBED, subject.campaignId()),
        added -> answer.apply(subject.email()));
  }

  private Route page(String email) {
    String html =
        """
        <!DOCTYPE html>
        <html lang="en">
        <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Unsubscribed</title></head>
        <body>
        <h1>You are unsubscribed</h1>
        <p><strong>%s</strong> will get no more messages from this sender.</p>
        </body>
        </html>
        """
            .formatted(escape(email));
    return complete(
        HttpResponse.create()
            .withStatus(StatusCodes.OK)
            .addHeaders(PAGE_HEADERS)
            .withEntity(HttpEntities.create(ContentTypes.TEXT_HTML_UTF8, html)));
  }

  /** Text into HTML element content or a quoted attribute. */
  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
