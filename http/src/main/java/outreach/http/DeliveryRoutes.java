package outreach.http;

import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.PathMatchers;
import akka.http.javadsl.server.Route;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import outreach.persistence.campaign.CampaignDirectory;
import outreach.persistence.campaign.DeliveryDirectory;
import outreach.persistence.campaign.DeliveryStatus;
import outreach.protocol.EntityIds;

/**
 * {@code /v1/campaigns/{id}/deliveries} and {@code /v1/campaigns/{id}/statistics}: what became of
 * each recipient of a campaign, and the sums of it, from the read model.
 */
public final class DeliveryRoutes extends JsonRoutes {

  /** One recipient's delivery as the API shows it. */
  public record DeliveryBody(
      long seq,
      String recipient,
      String status,
      Optional<String> account,
      int attempts,
      Optional<LastReply> lastReply,
      Optional<String> messageId,
      boolean possibleDuplicate,
      Instant firstAt,
      Instant updatedAt,
      Optional<Instant> nextAttemptAt) {

    static DeliveryBody of(DeliveryDirectory.Delivery d) {
      return new DeliveryBody(
          d.seq(),
          d.email(),
          d.status().wireName(),
          d.account(),
          d.attempts(),
          d.lastReply().map(r -> new LastReply(r.code(), r.enhanced(), r.text())),
          d.messageId(),
          d.possibleDuplicate(),
          d.firstAt(),
          d.updatedAt(),
          d.nextAttemptAt());
    }
  }

  /** The latest SMTP reply; code 0 when the server gave none (a refused connection, say). */
  public record LastReply(int code, Optional<String> enhancedCode, String text) {}

  /** One page of deliveries. */
  public record DeliveryPage(List<DeliveryBody> items, Optional<String> nextCursor) {}

  /** Recipients per delivery status; {@code total} is their sum. */
  public record StatusCounts(
      int total, int pending, int inFlight, int deferred, int sent, int failed, int bounced, int suppressed) {

    static StatusCounts of(DeliveryDirectory.Counts c) {
      return new StatusCounts(
          c.total(), c.pending(), c.inFlight(), c.deferred(), c.sent(), c.failed(), c.bounced(), c.suppressed());
    }
  }

  /** Final outcomes of the recipients last dispatched to one account. */
  public record AccountBreakdown(String account, int sent, int failed, int bounced) {}

  /** Outcomes of the recipients of one domain. */
  public record DomainBreakdown(String domain, int sent, int failed, int bounced, int deferred) {}

  /** A campaign's statistics. */
  public record StatisticsBody(
      StatusCounts counts, double bounceRate, List<AccountBreakdown> byAccount, List<DomainBreakdown> byDomain) {

    static StatisticsBody of(DeliveryDirectory.Statistics s) {
      return new StatisticsBody(
          StatusCounts.of(s.counts()),
          s.bounceRate(),
          s.byAccount().stream().map(a -> new AccountBreakdown(a.account(), a.sent(), a.failed(), a.bounced())).toList(),
          s.byDomain().stream()
              .map(d -> new DomainBreakdown(d.domain(), d.sent(), d.failed(), d.bounced(), d.deferred()))
              .toList());
    }
  }

  private final Authentication auth;
  private final DeliveryDirectory deliveries;
  private final CampaignDirectory campaigns;

  public DeliveryRoutes(
      ApiSettings settings, Authentication auth, DeliveryDirectory deliveries, CampaignDirectory campaigns) {
    super(settings);
    this.auth = auth;
    this.deliveries = deliveries;
    this.campaigns = campaigns;
  }

  /** Authenticates only requests to its own paths, so that other campaign routes are not looked up twice. */
  public Route route() {
    return pathPrefix(
        "campaigns",
        () ->
            pathPrefix(
                PathMatchers.segment(),
                id ->
                    concat(
                        path(
                            "deliveries",
                            () -> get(() -> auth.tenant(tenant -> ofCampaign(tenant.id(), id, () -> list(tenant.id(), id))))),
                        path(
                            "statistics",
                            () ->
                                get(
                                    () ->
                                        auth.tenant(
                                            tenant -> ofCampaign(tenant.id(), id, () -> statistics(tenant.id(), id))))))));
  }

  /** Runs {@code inner} when the tenant has the campaign; another tenant's campaign is as absent as an unknown one. */
  private Route ofCampaign(String tenant, String id, Supplier<Route> inner) {
    if (!EntityIds.isValidLocalId(id)) throw notFound(id);
    return onSuccess(
        campaigns.exists(tenant, id),
        exists -> {
          if (!exists) throw notFound(id);
          return inner.get();
        });
  }

  private Route list(String tenant, String id) {
    return parameterOptional(
        "status",
        statusText ->
            parameterOptional(
                "cursor",
                cursorText ->
                    parameterOptional(
                        "limit",
                        limitText -> {
                          Optional<DeliveryStatus> status = statusText.map(DeliveryRoutes::status);
                          Optional<Long> cursor = cursorText.map(DeliveryRoutes::cursor);
                          int limit = pageSize(limitText);
                          return onSuccess(
                              deliveries.list(tenant, id, status, cursor, limit),
                              page ->
                                  json(
                                      StatusCodes.OK,
                                      new DeliveryPage(
                                          page.deliveries().stream().map(DeliveryBody::of).toList(),
                                          page.nextCursor().map(String::valueOf))));
                        })));
  }

  private Route statistics(String tenant, String id) {
    return onSuccess(deliveries.statistics(tenant, id), s -> json(StatusCodes.OK, StatisticsBody.of(s)));
  }

  private static DeliveryStatus status(String text) {
    return DeliveryStatus.fromWireName(text)
        .orElseThrow(
            () ->
                Problem.badRequest(
                    "query parameter 'status' must be one of "
                        + Arrays.stream(DeliveryStatus.values())
                            .map(DeliveryStatus::wireName)
                            .collect(Collectors.joining(", "))));
  }

  /** The {@code nextCursor} of a previous page: a recipient's sequence number. */
  private static long cursor(String text) {
    try {
      long seq = Long.parseLong(text);
      if (seq < 0) throw new NumberFormatException();
      return seq;
    } catch (NumberFormatException e) {
      throw Problem.badRequest("query parameter 'cursor' must be the nextCursor of a previous page");
    }
  }

  private static Problem notFound(String id) {
    return Problem.notFound("no campaign '" + id + "'");
  }
}
