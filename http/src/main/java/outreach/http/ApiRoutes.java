package outreach.http;

import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.MediaTypes;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The whole HTTP surface of a node, composed in one place, with problem+json for every error. */
public final class ApiRoutes extends AllDirectives {

  private static final String OPENAPI_RESOURCE = "/openapi.yaml";

  private final HealthRoutes health;
  private final TenantRoutes tenants;
  private final AccountRoutes accounts;
  private final CampaignRoutes campaigns;
  private final DeliveryRoutes deliveries;
  private final SuppressionRoutes suppressions;
  private final DomainRoutes domains;
  private final AuditRoutes audit;
  private final UnsubscribeRoutes unsubscribe;
  private final byte[] openApi;
  private final RequestMetrics metrics = new RequestMetrics();

  public ApiRoutes(
      HealthRoutes health,
      TenantRoutes tenants,
      AccountRoutes accounts,
      CampaignRoutes campaigns,
      DeliveryRoutes deliveries,
      SuppressionRoutes suppressions,
      DomainRoutes domains,
      AuditRoutes audit,
      UnsubscribeRoutes unsubscribe) {
    this.health = health;
    this.tenants = tenants;
    this.accounts = accounts;
    this.campaigns = campaigns;
    this.deliveries = deliveries;
    this.suppressions = suppressions;
    this.domains = domains;
    this.audit = audit;
    this.unsubscribe = unsubscribe;
    this.openApi = openApiDocument();
  }

  public Route route() {
    return metrics.measured(() -> handleExceptions(
        Problems.exceptionHandler(),
        () ->
            handleRejections(
                Problems.rejectionHandler(),
                () ->
                    concat(
                        health.route(),
                        unsubscribe.route(),
                        pathPrefix(
                            "v1",
                            () ->
                                concat(
                                    path(
                                        "openapi.yaml",
                                        () ->
                                            get(
                                                () ->
                                                    complete(
                                                        HttpEntities.create(
                                                            MediaTypes.applicationWithOpenCharset("yaml")
                                                                .toContentType(
                                                                    akka.http.javadsl.model.HttpCharsets.UTF_8),
                                                            openApi)))),
                                    tenants.route(),
                                    accounts.route(),
                                    // Ahead of the campaigns, which would authenticate these paths only to reject them.
                                    deliveries.route(),
                                    campaigns.route(),
                                    suppressions.route(),
                                    domains.route(),
                                    audit.route()))))));
  }

  static byte[] openApiDocument() {
    try (InputStream in = ApiRoutes.class.getResourceAsStream(OPENAPI_RESOURCE)) {
      if (in == null) throw new IllegalStateException("openapi.yaml is missing from the classpath");
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

}
