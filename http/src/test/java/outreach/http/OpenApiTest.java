package outreach.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The OpenAPI document is valid YAML, documents every route the API serves, and its references resolve. */
class OpenApiTest {

  private static final JsonNode DOC = read();

  @ParameterizedTest
  @CsvSource({
    "/v1/tenants, post",
    "/v1/tenants, get",
    "/v1/tenants/{id}, get",
    "/v1/tenants/{id}, patch",
    "/v1/tenants/{id}/keys, post",
    "/v1/tenants/{id}/keys, get",
    "/v1/tenants/{id}/keys/{keyId}, delete",
    "/v1/suppressions, get",
    "/v1/suppressions, post",
    "/v1/suppressions/{email}, delete",
    "/v1/suppressions/import, post",
    "/v1/suppressions/export, get",
    "/v1/accounts, post",
    "/v1/accounts, get",
    "/v1/accounts/{id}, get",
    "/v1/accounts/{id}/pause, post",
    "/v1/accounts/{id}, patch",
    "/v1/accounts/{id}, delete",
    "/v1/accounts/{id}/disable, post",
    "/v1/campaigns/{id}, patch",
    "/v1/campaigns/{id}, delete",
    "/v1/campaigns/{id}/clone, post",
    "/v1/domains, post",
    "/v1/domains, get",
    "/v1/domains/{domain}, get",
    "/v1/domains/{domain}, delete",
    "/v1/audit/{kind}/{id}/events, get",
    "/v1/audit/{kind}/{id}/state, get",
    "/v1/accounts/{id}/resume, post",
    "/v1/campaigns, post",
    "/v1/campaigns, get",
    "/v1/campaigns/{id}, get",
    "/v1/campaigns/{id}/recipients, post",
    "/v1/campaigns/{id}/start, post",
    "/v1/campaigns/{id}/pause, post",
    "/v1/campaigns/{id}/resume, post",
    "/v1/campaigns/{id}/cancel, post",
    "/v1/campaigns/{id}/deliveries, get",
    "/v1/campaigns/{id}/statistics, get",
    "/u/{token}, get",
    "/u/{token}, post"
  })
  void documentsTheRoute(String path, String method) {
    JsonNode operation = DOC.path("paths").path(path).path(method);
    assertThat(operation.isObject()).as(method + " " + path).isTrue();
    assertThat(operation.path("responses").size()).as("responses of " + method + " " + path).isPositive();
  }

  @Test
  void unsubscribeLinksArePublic() {
    assertThat(DOC.path("paths").path("/u/{token}").path("get").path("security").isEmpty()).isTrue();
    assertThat(DOC.path("paths").path("/u/{token}").path("post").path("security").isArray()).isTrue();
    assertThat(DOC.path("paths").path("/u/{token}").path("post").path("security")).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({
    "outreach.http.CampaignRequests$CreateCampaign, CreateCampaign",
    "outreach.http.CampaignRequests$CloneCampaign, CloneCampaign",
    "outreach.http.AccountRequests$UpdateAccount, UpdateAccount",
    "outreach.http.AccountRoutes$DisableAccount, DisableAccount",
    "outreach.http.CampaignRequests$ScheduleBody, Schedule",
    "outreach.http.CampaignRequests$DelayBody, Delay",
    "outreach.http.CampaignRoutes$CampaignBody, Campaign",
    "outreach.http.CampaignRoutes$CampaignSummary, CampaignSummary",
    "outreach.http.CampaignRoutes$CampaignPage, CampaignPage",
    "outreach.http.CampaignRoutes$UploadReport, RecipientUpload",
    "outreach.http.CampaignRoutes$RejectedRow, RejectedRow",
    "outreach.http.DeliveryRoutes$DeliveryBody, Delivery",
    "outreach.http.DeliveryRoutes$LastReply, LastReply",
    "outreach.http.DeliveryRoutes$DeliveryPage, DeliveryPage",
    "outreach.http.DeliveryRoutes$StatisticsBody, CampaignStatistics",
    "outreach.http.DeliveryRoutes$StatusCounts, DeliveryCounts",
    "outreach.http.DeliveryRoutes$AccountBreakdown, AccountBreakdown",
    "outreach.http.DeliveryRoutes$DomainBreakdown, DomainBreakdown",
    "outreach.protocol.campaign.CampaignCounts, CampaignCounts",
    "outreach.http.AccountRoutes$AccountBody, Account",
    "outreach.http.AccountRoutes$AccountSummary, AccountSummary",
    "outreach.http.AccountRoutes$PauseAccount, PauseAccount",
    "outreach.http.DomainRoutes$RegisterDomain, RegisterDomain",
    "outreach.http.DomainRoutes$DomainBody, SendingDomain",
    "outreach.http.DomainRoutes$DomainSummary, DomainSummary",
    "outreach.http.DomainRoutes$DomainPage, DomainPage",
    "outreach.protocol.sending.DnsRecord, DnsRecord",
    "outreach.http.AuditRoutes$AuditEvent, AuditEvent",
    "outreach.http.AuditRoutes$AuditEventPage, AuditEventPage",
    "outreach.http.AuditRoutes$AuditState, AuditState",
    "outreach.protocol.domain.DomainShare, RecipientDomainShare",
    "outreach.protocol.domain.DomainShareEvent$SendsReserved, RecipientDomainReserved",
    "outreach.protocol.domain.DomainShareEvent$Reservation, RecipientDomainReservation",
    "outreach.protocol.domain.DomainShareEvent$ReservationReleased, RecipientDomainReleased",
    "outreach.protocol.domain.DomainShareEvent$DomainDeferred, RecipientDomainDeferred",
    "outreach.http.AccountRequests$CreateAccount, CreateAccount",
    "outreach.http.TenantRoutes$CreateTenant, CreateTenant",
    "outreach.http.TenantRoutes$TenantCreated, TenantCreated",
    "outreach.http.TenantRoutes$TenantBody, Tenant",
    "outreach.http.TenantRoutes$TenantPage, TenantPage",
    "outreach.http.TenantRequests$UpdateTenant, UpdateTenant",
    "outreach.http.TenantRoutes$KeyCreated, KeyCreated",
    "outreach.http.TenantRoutes$KeyBody, ApiKey",
    "outreach.http.TenantRoutes$KeyList, KeyList",
    "outreach.http.SuppressionRequests$AddSuppression, AddSuppression",
    "outreach.http.SuppressionRoutes$SuppressionBody, Suppression",
    "outreach.http.SuppressionRoutes$SuppressionPage, SuppressionPage",
    "outreach.http.SuppressionRoutes$SuppressionImport, SuppressionImport"
  })
  void schemasHaveTheFieldsOfTheBodies(String recordClass, String schema) throws ClassNotFoundException {
    List<String> documented = new ArrayList<>();
    DOC.path("components").path("schemas").path(schema).path("properties").fieldNames().forEachRemaining(documented::add);
    List<String> fields = new ArrayList<>();
    for (var component : Class.forName(recordClass).getRecordComponents()) fields.add(component.getName());
    assertThat(documented).as(schema).containsExactlyInAnyOrderElementsOf(fields);
  }

  @Test
  void documentsEveryDeliveryStatus() {
    List<String> documented = new ArrayList<>();
    DOC.path("components").path("schemas").path("DeliveryStatus").path("enum").forEach(v -> documented.add(v.asText()));
    assertThat(documented)
        .containsExactlyElementsOf(
            java.util.Arrays.stream(outreach.persistence.campaign.DeliveryStatus.values())
                .map(outreach.persistence.campaign.DeliveryStatus::wireName)
                .toList());
  }

  @Test
  void documentsEveryAuditKindOnBothAuditRoutes() {
    List<String> documented = new ArrayList<>();
    DOC.path("components").path("schemas").path("AuditKind").path("enum").forEach(v -> documented.add(v.asText()));
    assertThat(documented)
        .containsExactlyElementsOf(
            java.util.Arrays.stream(outreach.persistence.audit.AuditKind.values()).map(outreach.persistence.audit.AuditKind::wireName).toList());
    for (String path : List.of("/v1/audit/{kind}/{id}/events", "/v1/audit/{kind}/{id}/state")) {
      assertThat(DOC.path("paths").path(path).path("get").path("parameters").get(0).path("schema").path("$ref").asText())
          .as(path)
          .isEqualTo("#/components/schemas/AuditKind");
    }
  }

  @Test
  void theSuppressionReasonsAreTheStoredOnes() {
    List<String> documented = new ArrayList<>();
    DOC.path("components").path("schemas").path("SuppressionReason").path("enum").forEach(n -> documented.add(n.asText()));
    assertThat(documented)
        .containsExactlyInAnyOrderElementsOf(
            java.util.Arrays.stream(outreach.persistence.campaign.SuppressionReason.values())
                .map(outreach.persistence.campaign.SuppressionReason::wireName)
                .toList());
  }

  @Test
  void tenantRoutesUseTheAdminTokenAndSuppressionRoutesTheApiKey() {
    DOC.path("paths").fields().forEachRemaining(
        path -> path.getValue().fields().forEachRemaining(
            op -> {
              if (op.getKey().equals("parameters")) return;
              JsonNode security = op.getValue().path("security");
              if (path.getKey().startsWith("/v1/tenants")) {
                assertThat(security.toString()).as(op.getKey() + " " + path.getKey()).contains("adminToken");
              } else if (path.getKey().startsWith("/v1/suppressions")) {
                assertThat(security.isMissingNode()).as(op.getKey() + " " + path.getKey() + " uses the default apiKey").isTrue();
              }
            }));
    assertThat(DOC.path("security").toString()).contains("apiKey");
  }

  @Test
  void everyAuthenticatedOperationDocumentsTheRateLimit() {
    DOC.path("paths").fields().forEachRemaining(
        path -> path.getValue().fields().forEachRemaining(
            op -> {
              if (op.getKey().equals("parameters")) return;
              JsonNode responses = op.getValue().path("responses");
              if (responses.has("401")) {
                assertThat(responses.path("429").path("$ref").asText())
                    .as(op.getKey() + " " + path.getKey())
                    .isEqualTo("#/components/responses/TooManyRequests");
              }
            }));
    assertThat(DOC.path("components").path("responses").path("TooManyRequests").path("headers").has("Retry-After")).isTrue();
  }

  @Test
  void everyReferenceResolves() {
    Matcher refs = Pattern.compile("\"\\$ref\":\"#/components/(\\w+)/([\\w-]+)\"").matcher(DOC.toString());
    int count = 0;
    while (refs.find()) {
      count++;
      assertThat(DOC.path("components").path(refs.group(1)).has(refs.group(2))).as(refs.group()).isTrue();
    }
    assertThat(count).isPositive();
  }

  private static JsonNode read() {
    try {
      return new ObjectMapper(new YAMLFactory()).readTree(ApiRoutes.openApiDocument());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
