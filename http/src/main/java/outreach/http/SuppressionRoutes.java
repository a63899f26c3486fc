package outreach.http;

import akka.NotUsed;
import akka.http.javadsl.model.ContentType;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpCharsets;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.MediaTypes;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.headers.ContentDispositionTypes;
import akka.http.javadsl.model.headers.ContentDisposition;
import akka.http.javadsl.server.PathMatchers;
import akka.http.javadsl.server.Route;
import akka.japi.Pair;
import akka.stream.javadsl.Source;
import akka.stream.javadsl.StreamConverters;
import akka.util.ByteString;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import outreach.persistence.TenantStore;
import outreach.persistence.campaign.ImportLimits;
import outreach.persistence.campaign.SuppressionCsv;
import outreach.persistence.campaign.SuppressionStore;
import scala.concurrent.duration.FiniteDuration;

/** {@code /v1/suppressions}: a tenant's suppression list, one address at a time or as CSV in both directions. */
public final class SuppressionRoutes extends JsonRoutes {

  /** An address on the list as the API shows it. */
  public record SuppressionBody(String email, String reason, String source, Instant createdAt) {

    static SuppressionBody of(SuppressionStore.Suppression s) {
      return new SuppressionBody(s.email(), s.reason().wireName(), s.source(), s.createdAt());
    }
  }

  /** One page of the list, ordered by address (compared in lower case). */
  public record SuppressionPage(List<SuppressionBody> items, Optional<String> nextCursor) {}

  /** The answer to a CSV import; {@code rejected} lists the first rejected rows, {@code rejectedTotal} counts them all. */
  public record SuppressionImport(
      int added, int alreadySuppressed, List<CampaignRoutes.RejectedRow> rejected, int rejectedTotal) {

    static SuppressionImport of(SuppressionStore.ImportResult r) {
      return new SuppressionImport(
          r.added(),
          r.alreadySuppressed(),
          r.rejected().stream().map(x -> new CampaignRoutes.RejectedRow(x.line(), x.email(), x.reason())).toList(),
          r.rejectedTotal());
    }
  }

  private static final ContentType.WithCharset CSV =
      ContentTypes.create(MediaTypes.TEXT_CSV, HttpCharsets.UTF_8);

  private final Authentication auth;
  private final SuppressionStore suppressions;

  public SuppressionRoutes(ApiSettings settings, Authentication auth, SuppressionStore suppressions) {
    super(settings);
    this.auth = auth;
    this.suppressions = suppressions;
  }

  public Route route() {
    return pathPrefix(
        "suppressions",
        () ->
            auth.tenant(
                tenant ->
                    concat(
                        pathEnd(() -> concat(get(() -> list(tenant)), post(() -> add(tenant)))),
                        path("import", () -> post(() -> importCsv(tenant))),
                        path("export", () -> get(() -> export(tenant))),
                        path(PathMatchers.segment(), email -> delete(() -> remove(tenant, email))))));
  }

  private Route list(TenantStore.Tenant tenant) {
    return parameterOptional(
        "cursor",
        cursor ->
            parameterOptional(
                "limit",
                limitText ->
                    onSuccess(
                        suppressions.list(tenant.id(), cursor, pageSize(limitText)),
                        page ->
                            json(
                                StatusCodes.OK,
                                new SuppressionPage(
                                    page.items().stream().map(SuppressionBody::of).toList(), page.nextCursor())))));
  }

  private Route add(TenantStore.Tenant tenant) {
    return jsonBody(
        SuppressionRequests.AddSuppression.class,
        body -> {
          SuppressionRequests.ValidSuppression s = SuppressionRequests.validate(body);
          return onSuccess(
              suppressions.suppress(tenant.id(), s.email(), s.reason(), s.source()),
              result -> {
                SuppressionBody entry = SuppressionBody.of(result.suppression());
                if (!result.added()) return json(StatusCodes.OK, entry);
                return created("/v1/suppressions/" + URLEncoder.encode(entry.email(), StandardCharsets.UTF_8), entry);
              });
        });
  }

  private Route remove(TenantStore.Tenant tenant, String email) {
    return onSuccess(
        suppressions.remove(tenant.id(), email),
        removed -> {
          if (!removed) throw Problem.notFound("'" + email + "' is not on the suppression list");
          return complete(StatusCodes.NO_CONTENT);
        });
  }

  /** Streams the body into one transaction, with the limits and timeouts of recipient uploads. */
  private Route importCsv(TenantStore.Tenant tenant) {
    return withRequestTimeout(
        FiniteDuration.create(settings.csvUploadTimeout().toMillis(), TimeUnit.MILLISECONDS),
        request ->
            Problems.response(Problem.unavailable("the import did not finish in time and nothing of it was kept; send the file again")),
        () ->
            extractRequestEntity(
                entity -> {
                  CampaignRoutes.requireCsv(entity.getContentType());
                  return extractMaterializer(
                      materializer -> {
                        InputStream csv =
                            entity
                                .withSizeLimit(settings.maxCsvBytes())
                                .getDataBytes()
                                .runWith(StreamConverters.asInputStream(settings.csvReadTimeout()), materializer);
                        ImportLimits limits =
                            new ImportLimits(settings.maxCsvRows(), settings.maxCsvBytes(), settings.csvRejectionsReported());
                        CompletionStage<SuppressionImport> done =
                            suppressions
                                .importCsv(tenant.id(), csv, limits)
                                .handle(CampaignRoutes::uploadOutcome)
                                .thenApply(SuppressionImport::of);
                        return onSuccess(done, report -> json(StatusCodes.OK, report));
                      });
                }));
  }

  /**
   * The whole list as CSV, read a page at a time as the client takes it, so that neither side holds
   * the list in memory and no transaction stays open while a slow client reads.
   */
  private Route export(TenantStore.Tenant tenant) {
    Source<ByteString, NotUsed> rows =
        Source.unfoldAsync(
            Optional.of(Optional.<String>empty()),
            (Optional<Optional<String>> after) -> {
              if (after.isEmpty()) return CompletableFuture.completedFuture(Optional.empty());
              return suppressions
                  .list(tenant.id(), after.get(), settings.maxPageSize())
                  .thenApply(
                      page ->
                          Optional.of(
                              Pair.create(
                                  page.nextCursor().map(Optional::of),
                                  ByteString.fromString(SuppressionCsv.rows(page.items()), StandardCharsets.UTF_8))));
            });
    Source<ByteString, NotUsed> csv = Source.single(ByteString.fromString(SuppressionCsv.HEADER)).concat(rows);
    return complete(
        HttpResponse.create()
            .withStatus(StatusCodes.OK)
            .addHeader(ContentDisposition.create(ContentDispositionTypes.ATTACHMENT, Map.of("filename", "suppressions.csv")))
            .withEntity(HttpEntities.create(CSV, csv)));
  }
}
