package outreach.http;

import akka.actor.typed.ActorSystem;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.PathMatchers;
import akka.http.javadsl.server.Route;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import outreach.persistence.sending.SendingDomainDirectory;
import outreach.protocol.DomainNames;
import outreach.protocol.EntityIds;
import outreach.protocol.sending.DnsRecord;
import outreach.protocol.sending.SendingDomainCommand;
import outreach.protocol.sending.SendingDomainKeys;
import outreach.protocol.sending.SendingDomainReply;
import outreach.protocol.sending.SendingDomainView;

/** {@code /v1/domains}: a tenant's sending domains and the DNS records each must publish. */
public final class DomainRoutes extends JsonRoutes {

  /** Body of {@code POST /v1/domains}. */
  public record RegisterDomain(String domain) {}

  /** A sending domain with its records; a record without a value is still pending (DKIM before its key exists). */
  public record DomainBody(String domain, List<DnsRecord> records, Instant createdAt) {
    static DomainBody of(SendingDomainView v) {
      return new DomainBody(v.domain(), v.records(), v.createdAt());
    }
  }

  /** A domain in a listing. */
  public record DomainSummary(String domain) {}

  /** One page of a listing. */
  public record DomainPage(List<DomainSummary> items, Optional<String> nextCursor) {}

  private final ClusterSharding sharding;
  private final Authentication auth;
  private final SendingDomainDirectory directory;

  public DomainRoutes(ActorSystem<?> system, ApiSettings settings, Authentication auth, SendingDomainDirectory directory) {
    super(settings);
    this.sharding = ClusterSharding.get(system);
    this.auth = auth;
    this.directory = directory;
  }

  public Route route() {
    return pathPrefix(
        "domains",
        () ->
            auth.tenant(
                tenant ->
                    concat(
                        pathEnd(
                            () ->
                                concat(
                                    post(() -> jsonBody(RegisterDomain.class, body -> register(tenant.id(), body))),
                                    get(() -> list(tenant.id())))),
                        path(
                            PathMatchers.segment(),
                            domain ->
                                concat(
                                    get(() -> ask(tenant.id(), domain, SendingDomainCommand.Get::new, false)),
                                    delete(() -> ask(tenant.id(), domain, SendingDomainCommand.Delete::new, true)))))));
  }

  private Route register(String tenant, RegisterDomain body) {
    if (body.domain() == null || body.domain().isBlank()) throw Problem.badRequest("field 'domain' is required");
    String domain = body.domain().strip().toLowerCase(Locale.ROOT);
    if (domain.endsWith(".")) domain = domain.substring(0, domain.length() - 1);
    if (!DomainNames.isDomainName(domain) || !EntityIds.isValidLocalId(domain)) {
      throw Problem.badRequest("field 'domain' is not a domain name such as mail.example.com");
    }
    String name = domain;
    return onSuccess(
        sharding
            .entityRefFor(SendingDomainKeys.ENTITY_KEY, EntityIds.of(tenant, domain))
            .<SendingDomainReply>ask(SendingDomainCommand.Register::new, settings.askTimeout()),
        reply -> {
          if (reply instanceof SendingDomainReply.Found found) {
            return created("/v1/domains/" + name, DomainBody.of(found.domain()));
          }
          throw Problem.conflict("sending domain '" + name + "' is already registered");
        });
  }

  private Route ask(
      String tenant,
      String domain,
      akka.japi.function.Function<akka.actor.typed.ActorRef<SendingDomainReply>, SendingDomainCommand> command,
      boolean delete) {
    String name = domain.toLowerCase(Locale.ROOT);
    if (!EntityIds.isValidLocalId(name)) throw Problem.notFound("no sending domain '" + domain + "'");
    return onSuccess(
        sharding.entityRefFor(SendingDomainKeys.ENTITY_KEY, EntityIds.of(tenant, name)).ask(command, settings.askTimeout()),
        reply -> {
          if (!(reply instanceof SendingDomainReply.Found found)) throw Problem.notFound("no sending domain '" + domain + "'");
          if (delete) return complete(StatusCodes.NO_CONTENT);
          return json(StatusCodes.OK, DomainBody.of(found.domain()));
        });
  }

  private Route list(String tenant) {
    return parameterOptional(
        "cursor",
        cursor ->
            parameterOptional(
                "limit",
                limit ->
                    onSuccess(
                        directory.list(tenant, cursor, pageSize(limit)),
                        page ->
                            json(
                                StatusCodes.OK,
                                new DomainPage(page.domains().stream().map(DomainSummary::new).toList(), page.nextCursor())))));
  }
}
