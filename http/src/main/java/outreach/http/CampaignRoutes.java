package outreach.http;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.EntityRef;
import akka.http.javadsl.model.ContentType;
import akka.http.javadsl.model.HttpCharsets;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.PathMatchers;
import akka.http.javadsl.server.Route;
import akka.japi.function.Function;
import akka.stream.javadsl.StreamConverters;
import java.io.InputStream;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import outreach.persistence.TenantStore;
import outreach.persistence.campaign.CampaignDirectory;
import outreach.persistence.campaign.ImportLimits;
import outreach.persistence.campaign.ImportReport;
import outreach.persistence.campaign.ImportTooLargeException;
import outreach.persistence.campaign.InvalidCsvException;
import outreach.persistence.campaign.RecipientStore;
import outreach.protocol.EntityIds;
import outreach.protocol.campaign.CampaignCommand;
import outreach.protocol.campaign.CampaignCounts;
import outreach.protocol.campaign.CampaignKeys;
import outreach.protocol.campaign.CampaignReply;
import outreach.protocol.campaign.CampaignSpec;
import outreach.protocol.campaign.CampaignStatus;
import outreach.protocol.campaign.CampaignView;
import scala.concurrent.duration.FiniteDuration;

/**
 * {@code /v1/campaigns}: a tenant's campaigns, their recipient uploads and their life (start, pause,
 * resume, cancel). Reads of one campaign ask its entity; listings read the projection.
 */
public final class CampaignRoutes extends JsonRoutes {

  /** A campaign as the API shows it: its definition, status and where its recipients are. */
  public record CampaignBody(
      String id,
      String name,
      CampaignStatus status,
      Optional<String> pausedReason,
      CampaignCounts counts,
      Instant createdAt,
      String subject,
      String text,
      Optional<String> html,
      List<String> accounts,
      Footer footer,
      Schedule schedule,
      Delay delay) {

    static CampaignBody of(CampaignView v) {
      CampaignSpec spec = v.spec();
      return new CampaignBody(
          v.campaignId(),
          spec.name(),
          v.status(),
          v.pausedReason(),
          v.counts(),
          v.createdAt(),
          spec.subject(),
          spec.text(),
          spec.html(),
          spec.accounts(),
          new Footer(spec.footerAddress()),
          new Schedule(
              spec.schedule().timeZone(),
              spec.schedule().days().stream().sorted().map(CampaignRequests::format).toList(),
              CampaignRequests.format(spec.schedule().start()),
              CampaignRequests.format(spec.schedule().end())),
          new Delay(CampaignRequests.format(spec.delay().min()), CampaignRequests.format(spec.delay().max())));
    }
  }

  /** The footer of a campaign's messages. */
  public record Footer(String address) {}

  /** When a campaign sends: days {@code MON}..{@code SUN}, {@code HH:mm} to {@code HH:mm} (or {@code 24:00}) in its time zone. */
  public record Schedule(String timeZone, List<String> days, String start, String end) {}

  /** The random pause between two sends of one account. */
  public record Delay(String min, String max) {}

  /** A campaign in a listing, as the read model holds it. */
  public record CampaignSummary(
      String id,
      String name,
      CampaignStatus status,
      Optional<String> pausedReason,
      SummaryCounts counts,
      Instant createdAt,
      Instant updatedAt) {

    static CampaignSummary of(CampaignDirectory.Listed c) {
      int finished = c.sent() + c.failed() + c.bounced() + c.suppressed();
      return new CampaignSummary(
          c.campaignId(),
          c.name(),
          c.status(),
          c.pausedReason(),
          new SummaryCounts(
              c.total(), Math.max(0, c.total() - finished), c.sent(), c.failed(), c.bounced(), c.suppressed()),
          c.createdAt(),
          c.updatedAt());
    }
  }

  /** The counters a listing shows; {@code pending} is every recipient without a final outcome yet. */
  public record SummaryCounts(int total, int pending, int sent, int failed, int bounced, int suppressed) {}

  /** One page of a listing. */
  public record CampaignPage(List<CampaignSummary> items, Optional<String> nextCursor) {}

  /** The answer to a recipient upload. */
  public record UploadReport(
      int accepted, List<RejectedRow> rejected, int rejectedTotal, int duplicates, int suppressed, int roleAddresses) {

    static UploadReport of(ImportReport r) {
      return new UploadReport(
          r.accepted(),
          r.rejected().stream().map(x -> new RejectedRow(x.line(), x.email(), x.reason())).toList(),
          r.rejectedTotal(),
          r.duplicates(),
          r.suppressed(),
          r.roleAddresses());
    }
  }

  /** A CSV row that was not imported; {@code line} counts CSV records, the header being line 1. */
  public record RejectedRow(int line, String email, String reason) {}

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String CSV = "text/csv";

  private final ClusterSharding sharding;
  private final Authentication auth;
  private final RecipientStore recipients;
  private final CampaignDirectory directory;

  public CampaignRoutes(
      ActorSystem<?> system,
      ApiSettings settings,
      Authentication auth,
      RecipientStore recipients,
      CampaignDirectory directory) {
    super(settings);
    this.sharding = ClusterSharding.get(system);
    this.auth = auth;
    this.recipients = recipients;
    this.directory = directory;
  }

  public Route route() {
    return pathPrefix(
        "campaigns",
        () ->
            auth.tenant(
                tenant ->
                    concat(
                        pathEnd(() -> concat(post(() -> create(tenant)), get(() -> list(tenant.id())))),
                        pathPrefix(
                            PathMatchers.segment(),
                            id ->
                                concat(
                                    pathEnd(
                                        () ->
                                            concat(
                                                get(() -> ask(tenant.id(), id, CampaignCommand.Get::new)),
                                                patch(() -> update(tenant, id)),
                                                delete(() -> delete(tenant.id(), id)))),
                                    path("clone", () -> post(() -> cloneCampaign(tenant.id(), id))),
                                    path("recipients", () -> post(() -> upload(tenant.id(), id))),
                                    path("start", () -> postWithoutBody(() -> ask(tenant.id(), id, CampaignCommand.Start::new))),
                                    path("pause", () -> postWithoutBody(() -> ask(tenant.id(), id, CampaignCommand.Pause::new))),
                                    path("resume", () -> postWithoutBody(() -> ask(tenant.id(), id, CampaignCommand.Resume::new))),
                                    path(
                                        "cancel",
                                        () -> postWithoutBody(() -> ask(tenant.id(), id, CampaignCommand.Cancel::new))))))));
  }

  private Route create(TenantStore.Tenant tenant) {
    return jsonBody(
        CampaignRequests.CreateCampaign.class,
        body -> {
          CampaignRequests.ValidCampaign campaign =
              CampaignRequests.validate(body, newCampaignId(), tenant.timeZone());
          return onSuccess(
              entity(tenant.id(), campaign.id())
                  .ask((ActorRef<CampaignReply> r) -> new CampaignCommand.Create(campaign.spec(), r), settings.askTimeout()),
              r -> {
                if (r instanceof CampaignReply.Found found) {
                  return created("/v1/campaigns/" + campaign.id(), CampaignBody.of(found.campaign()));
                }
                if (r instanceof CampaignReply.NotAllowed notAllowed) throw Problem.conflict(notAllowed.detail());
                throw Problem.conflict("campaign '" + campaign.id() + "' already exists");
              });
        });
  }

  private Route update(TenantStore.Tenant tenant, String id) {
    return jsonBody(
        CampaignRequests.CreateCampaign.class,
        body -> {
          CampaignSpec spec = CampaignRequests.validateUpdate(body, id, tenant.timeZone());
          return ask(tenant.id(), id, r -> new CampaignCommand.UpdateSpec(spec, r));
        });
  }

  private Route delete(String tenant, String id) {
    if (!EntityIds.isValidLocalId(id)) throw notFound(id);
    return onSuccess(
        entity(tenant, id).ask(CampaignCommand.Delete::new, settings.askTimeout()),
        r -> {
          if (r instanceof CampaignReply.Deleted) return complete(StatusCodes.NO_CONTENT);
          found(id, r);
          throw notFound(id);
        });
  }

  /** A new draft with the original's definition and no recipients; the original may be in any status. */
  private Route cloneCampaign(String tenant, String id) {
    return jsonBody(
        CampaignRequests.CloneCampaign.class,
        body -> {
          String newId = CampaignRequests.cloneId(body, newCampaignId());
          Optional<String> name = Optional.ofNullable(body.name()).map(CampaignRequests::name);
          if (!EntityIds.isValidLocalId(id)) throw notFound(id);
          CompletionStage<CampaignReply> reply =
              entity(tenant, id)
                  .<CampaignReply>ask(CampaignCommand.Get::new, settings.askTimeout())
                  .thenCompose(
                      original -> {
                        CampaignSpec spec = found(id, original).spec();
                        CampaignSpec copy =
                            new CampaignSpec(
                                name.orElse(spec.name()), spec.subject(), spec.text(), spec.html(), spec.accounts(),
                                spec.footerAddress(), spec.schedule(), spec.delay());
                        return entity(tenant, newId)
                            .ask((ActorRef<CampaignReply> r) -> new CampaignCommand.Create(copy, r), settings.askTimeout());
                      });
          return onSuccess(
              reply,
              r -> {
                if (r instanceof CampaignReply.AlreadyExists) throw Problem.conflict("campaign '" + newId + "' already exists");
                return created("/v1/campaigns/" + newId, CampaignBody.of(found(newId, r)));
              });
        });
  }

  private Route ask(String tenant, String id, Function<ActorRef<CampaignReply>, CampaignCommand> command) {
    if (!EntityIds.isValidLocalId(id)) throw notFound(id);
    return onSuccess(
        entity(tenant, id).ask(command, settings.askTimeout()),
        r -> json(StatusCodes.OK, CampaignBody.of(found(id, r))));
  }

  /**
   * Streams a CSV body into the recipient table, then tells the campaign how far its recipients now
   * go. The campaign is asked first so that an upload to a missing or finished campaign is refused
   * before a byte of it is read.
   */
  private Route upload(String tenant, String id) {
    if (!EntityIds.isValidLocalId(id)) throw notFound(id);
    return withRequestTimeout(
        FiniteDuration.create(settings.csvUploadTimeout().toMillis(), TimeUnit.MILLISECONDS),
        request ->
            Problems.response(
                Problem.unavailable(
                    "the upload did not finish in time; send the file again (rows already stored then count as duplicates)")),
        () ->
            extractRequestEntity(
                entity -> {
                  requireCsv(entity.getContentType());
                  EntityRef<CampaignCommand> campaign = entity(tenant, id);
                  return onSuccess(
                      campaign.<CampaignReply>ask(CampaignCommand.Get::new, settings.askTimeout()),
                      current -> {
                        CampaignView view = found(id, current);
                        if (view.status() == CampaignStatus.COMPLETED || view.status() == CampaignStatus.CANCELLED) {
                          throw Problem.conflict(
                              "campaign '" + id + "' is " + view.status().wireName() + "; recipients can no longer be added");
                        }
                        return extractMaterializer(
                            materializer -> {
                              InputStream csv =
                                  entity
                                      .withSizeLimit(settings.maxCsvBytes())
                                      .getDataBytes()
                                      .runWith(StreamConverters.asInputStream(settings.csvReadTimeout()), materializer);
                              CompletionStage<UploadReport> done =
                                  recipients
                                      .importCsv(tenant, id, csv, limits())
                                      .handle(CampaignRoutes::uploadOutcome)
                                      .thenCompose(
                                          report ->
                                              campaign
                                                  .ask(
                                                      (ActorRef<CampaignReply> r) ->
                                                          new CampaignCommand.RecipientsAdded(report.accepted(), report.lastSeq(), r),
                                                      settings.askTimeout())
                                                  .thenApply(
                                                      r -> {
                                                        found(id, r);
                                                        return UploadReport.of(report);
                                                      }));
                              return onSuccess(done, report -> json(StatusCodes.OK, report));
                            });
                      });
                }));
  }

  private ImportLimits limits() {
    return new ImportLimits(
        settings.maxCsvRows(),
        settings.maxCsvBytes(),
        settings.csvRejectionsReported(),
        java.util.Set.copyOf(settings.roleLocalParts()),
        settings.rejectRoleAddresses());
  }

  /** Bad files and files over a limit are the client's to fix; anything else stays a failure. */
  static <T> T uploadOutcome(T report, Throwable failure) {
    if (failure == null) return report;
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    if (cause instanceof ImportTooLargeException tooLarge) throw Problem.payloadTooLarge(tooLarge.getMessage());
    if (cause instanceof InvalidCsvException invalid) throw Problem.badRequest(invalid.getMessage());
    throw failure instanceof CompletionException c ? c : new CompletionException(failure);
  }

  /** {@code text/csv}, UTF-8 when a charset is named at all. */
  static void requireCsv(ContentType type) {
    String media = type.mediaType().mainType() + "/" + type.mediaType().subType();
    if (!media.equals(CSV)) throw Problem.unsupportedMediaType("the body must be text/csv, got " + media);
    if (type.getCharsetOption().isPresent() && !type.getCharsetOption().get().equals(HttpCharsets.UTF_8)) {
      throw Problem.unsupportedMediaType(
          "the CSV must be UTF-8, got charset " + type.getCharsetOption().get().value());
    }
  }

  private Route list(String tenant) {
    return parameterOptional(
        "status",
        statusText ->
            parameterOptional(
                "cursor",
                cursor ->
                    parameterOptional(
                        "limit",
                        limitText -> {
                          Optional<CampaignStatus> status = statusText.map(CampaignRoutes::status);
                          int limit = pageSize(limitText);
                          return onSuccess(
                              directory.list(tenant, status, cursor, limit),
                              page ->
                                  json(
                                      StatusCodes.OK,
                                      new CampaignPage(
                                          page.campaigns().stream().map(CampaignSummary::of).toList(),
                                          page.nextCursor())));
                        })));
  }

  private static CampaignStatus status(String text) {
    for (CampaignStatus s : CampaignStatus.values()) {
      if (s.wireName().equals(text)) return s;
    }
    throw Problem.badRequest(
        "query parameter 'status' must be one of "
            + Arrays.stream(CampaignStatus.values()).map(CampaignStatus::wireName).collect(Collectors.joining(", ")));
  }


  /** The campaign in a reply; a refusal is a 409 that says why, an absent campaign a 404. */
  private static CampaignView found(String id, CampaignReply reply) {
    if (reply instanceof CampaignReply.Found found) return found.campaign();
    if (reply instanceof CampaignReply.NotAllowed notAllowed) throw Problem.conflict(notAllowed.detail());
    if (reply instanceof CampaignReply.AlreadyExists) throw Problem.conflict("campaign '" + id + "' already exists");
    throw notFound(id);
  }

  private static Problem notFound(String id) {
    return Problem.notFound("no campaign '" + id + "'");
  }

  private EntityRef<CampaignCommand> entity(String tenant, String id) {
    return sharding.entityRefFor(CampaignKeys.ENTITY_KEY, EntityIds.of(tenant, id));
  }

  private static String newCampaignId() {
    byte[] id = new byte[8];
    RANDOM.nextBytes(id);
    return "cmp_" + HexFormat.of().formatHex(id);
  }
}
