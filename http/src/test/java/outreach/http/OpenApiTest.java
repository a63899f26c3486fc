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
    "/v1/accounts, post",
    "/v1/accounts, get",
    "/v1/accounts/{id}, get",
    "/v1/accounts/{id}/pause, post",
    "/v1/accounts/{id}/resume, post",
    "/v1/campaigns, post",
    "/v1/campaigns, get",
    "/v1/campaigns/{id}, get",
    "/v1/campaigns/{id}/recipients, post",
    "/v1/campaigns/{id}/start, post",
    "/v1/campaigns/{id}/pause, post",
    "/v1/campaigns/{id}/resume, post",
    "/v1/campaigns/{id}/cancel, post",
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
    "outreach.http.CampaignRequests$ScheduleBody, Schedule",
    "outreach.http.CampaignRequests$DelayBody, Delay",
    "outreach.http.CampaignRoutes$CampaignBody, Campaign",
    "outreach.http.CampaignRoutes$CampaignSummary, CampaignSummary",
    "outreach.http.CampaignRoutes$CampaignPage, CampaignPage",
    "outreach.http.CampaignRoutes$UploadReport, RecipientUpload",
    "outreach.http.CampaignRoutes$RejectedRow, RejectedRow",
    "outreach.protocol.campaign.CampaignCounts, CampaignCounts",
    "outreach.http.AccountRoutes$AccountBody, Account",
    "outreach.http.AccountRoutes$AccountSummary, AccountSummary",
    "outreach.http.AccountRoutes$PauseAccount, PauseAccount",
    "outreach.http.AccountRequests$CreateAccount, CreateAccount",
    "outreach.http.TenantRoutes$CreateTenant, CreateTenant",
    "outreach.http.TenantRoutes$TenantCreated, TenantCreated"
  })
  void schemasHaveTheFieldsOfTheBodies(String recordClass, String schema) throws ClassNotFoundException {
    List<String> documented = new ArrayList<>();
    DOC.path("components").path("schemas").path(schema).path("properties").fieldNames().forEachRemaining(documented::add);
    List<String> fields = new ArrayList<>();
    for (var component : Class.forName(recordClass).getRecordComponents()) fields.add(component.getName());
    assertThat(documented).as(schema).containsExactlyInAnyOrderElementsOf(fields);
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
