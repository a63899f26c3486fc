package outreach.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Changing, disabling and deleting accounts, and editing, deleting and cloning campaigns, through the API. */
class EditIT {

  private static final String NEW_PASSWORD = "edit-it-new-password-9981";
  private static InJvmNode node;

  @BeforeAll
  static void start() {
    node = new InJvmNode(Map.of());
  }

  @AfterAll
  static void stop() {
    if (node != null) node.close();
  }

  private static final String ACCOUNT =
      "{\"id\":\"%s\",\"host\":\"smtp.example.com\",\"username\":\"u\",\"password\":\"p\",\"fromAddress\":\"a@example.com\"}";
  private static final String CAMPAIGN =
      "{\"id\":\"%s\",\"name\":\"%s\",\"subject\":\"Hi {name}\",\"text\":\"Hello\",\"accounts\":[\"x\"],"
          + "\"footer\":{\"address\":\"1 Main St, Springfield\"}}";

  @Test
  void accountsChangeSettingsDisableAndDelete() throws Exception {
    String key = node.newTenantKey("EditAccounts");
    String other = node.newTenantKey("Other");
    assertThat(node.call("POST", "/v1/accounts", key, ACCOUNT.formatted("box")).statusCode()).isEqualTo(201);

    HttpResponse<String> patched =
        node.call("PATCH", "/v1/accounts/box", key,
            "{\"host\":\"smtp2.example.com\",\"password\":\"" + NEW_PASSWORD + "\",\"limits\":[\"5/1m\",\"100/1d\"]}");
    assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
    assertThat(patched.body()).doesNotContain(NEW_PASSWORD);
    JsonNode shown = node.json(node.call("GET", "/v1/accounts/box", key, null));
    assertThat(shown.get("host").asText()).isEqualTo("smtp2.example.com");
    assertThat(shown.get("limits").toString()).isEqualTo("[\"5/1m\",\"100/1d\"]");
    assertThat(shown.get("fromAddress").asText()).isEqualTo("a@example.com");
    await().atMost(Duration.ofSeconds(15)).until(() -> {
      JsonNode items = node.json(node.call("GET", "/v1/accounts", key, null)).get("items");
      return items.size() == 1 && items.get(0).get("host").asText().equals("smtp2.example.com");
    });

    assertThat(node.call("PATCH", "/v1/accounts/box", key, "{\"port\":70000}").statusCode()).isEqualTo(400);
    assertThat(node.call("PATCH", "/v1/accounts/box", key, "{\"tenantId\":\"t_x\"}").statusCode()).isEqualTo(400);
    assertThat(node.call("PATCH", "/v1/accounts/box", other, "{\"host\":\"evil.example.com\"}").statusCode()).isEqualTo(404);

    HttpResponse<String> disabled = node.call("POST", "/v1/accounts/box/disable", key, "{\"reason\":\"rotating credentials\"}");
    assertThat(node.json(disabled).get("state").asText()).isEqualTo("disabled");
    assertThat(node.call("POST", "/v1/accounts/box/disable", other, "{}").statusCode()).isEqualTo(404);

    assertThat(node.call("DELETE", "/v1/accounts/box", other, null).statusCode()).isEqualTo(404);
    assertThat(node.call("DELETE", "/v1/accounts/box", key, null).statusCode()).isEqualTo(204);
    assertThat(node.call("GET", "/v1/accounts/box", key, null).statusCode()).isEqualTo(404);
    await().atMost(Duration.ofSeconds(15)).until(() -> node.json(node.call("GET", "/v1/accounts", key, null)).get("items").isEmpty());
    // The history stays for audit.
    assertThat(node.call("GET", "/v1/audit/account/box/events", key, null).body()).contains("AccountDeleted").doesNotContain(NEW_PASSWORD);
  }

  @Test
  void draftCampaignsAreEditedDeletedAndCloned() throws Exception {
    String key = node.newTenantKey("EditCampaigns");
    String other = node.newTenantKey("Other2");
    assertThat(node.call("POST", "/v1/campaigns", key, CAMPAIGN.formatted("draft", "First")).statusCode()).isEqualTo(201);

    HttpResponse<String> edited = node.call("PATCH", "/v1/campaigns/draft", key, CAMPAIGN.formatted("draft", "Renamed"));
    assertThat(edited.statusCode()).as(edited.body()).isEqualTo(200);
    assertThat(node.json(node.call("GET", "/v1/campaigns/draft", key, null)).get("name").asText()).isEqualTo("Renamed");
    assertThat(node.call("PATCH", "/v1/campaigns/draft", other, CAMPAIGN.formatted("draft", "Theirs")).statusCode()).isEqualTo(404);
    assertThat(node.call("PATCH", "/v1/campaigns/draft", key, CAMPAIGN.formatted("draft", "Bad {unknown}").replace("Hi {name}", "Hi {unknown}")).statusCode())
        .isEqualTo(400);

    HttpResponse<String> clone = node.call("POST", "/v1/campaigns/draft/clone", key, "{\"id\":\"copy\",\"name\":\"Copy\"}");
    assertThat(clone.statusCode()).as(clone.body()).isEqualTo(201);
    JsonNode copy = node.json(node.call("GET", "/v1/campaigns/copy", key, null));
    assertThat(copy.get("status").asText()).isEqualTo("draft");
    assertThat(copy.get("name").asText()).isEqualTo("Copy");
    assertThat(node.call("POST", "/v1/campaigns/draft/clone", key, "{\"id\":\"copy\"}").statusCode()).isEqualTo(409);
    assertThat(node.call("POST", "/v1/campaigns/draft/clone", other, "{}").statusCode()).isEqualTo(404);

    assertThat(node.call("DELETE", "/v1/campaigns/draft", other, null).statusCode()).isEqualTo(404);
    assertThat(node.call("DELETE", "/v1/campaigns/draft", key, null).statusCode()).isEqualTo(204);
    assertThat(node.call("GET", "/v1/campaigns/draft", key, null).statusCode()).isEqualTo(404);

    // A cancelled campaign is no longer a draft: no edits, no deletion.
    assertThat(node.call("POST", "/v1/campaigns/copy/cancel", key, null).statusCode()).isEqualTo(200);
    assertThat(node.call("PATCH", "/v1/campaigns/copy", key, CAMPAIGN.formatted("copy", "Late")).statusCode()).isEqualTo(409);
    assertThat(node.call("DELETE", "/v1/campaigns/copy", key, null).statusCode()).isEqualTo(409);
  }
}
