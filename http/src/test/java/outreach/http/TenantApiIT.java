package outreach.http;

import static org.assertj.core.api.Assertions.assertThat;
import static outreach.http.ApiFixture.assertProblem;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import outreach.persistence.TenantStore;

/** Tenant administration over real HTTP on a real PostgreSQL: listing, renaming, time zones and API keys. */
class TenantApiIT {

  private static ApiFixture api;
  private static String admin;

  @BeforeAll
  static void start() throws Exception {
    api = ApiFixture.start("TenantApiIT", 500, 64 * 1024, 1_000);
    admin = api.adminToken;
  }

  @AfterAll
  static void stop() {
    if (api != null) api.close();
  }

  @Test
  void listsEveryTenantPageByPage() throws Exception {
    List<String> created = new ArrayList<>();
    for (int i = 0; i < 5; i++) created.add(api.tenant("Paged " + i).tenant().id());

    List<String> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      JsonNode page =
          api.ok(api.send("GET", "/v1/tenants?limit=2" + (cursor == null ? "" : "&cursor=" + cursor), admin, null, null), 200);
      assertThat(page.get("items").size()).isLessThanOrEqualTo(2);
      page.get("items").forEach(t -> seen.add(t.get("id").asText()));
      cursor = page.has("nextCursor") ? page.get("nextCursor").asText() : null;
      pages++;
    } while (cursor != null && pages < 100);

    assertThat(seen).containsAll(created).doesNotHaveDuplicates().isSorted();
    JsonNode first = api.ok(api.send("GET", "/v1/tenants?limit=1", admin, null, null), 200).get("items").get(0);
    assertThat(first.has("apiKey")).isFalse();
    assertThat(first.get("timeZone").asText()).isEqualTo("UTC");
    assertProblem(api.send("GET", "/v1/tenants?limit=0", admin, null, null), 400);
    assertProblem(api.send("GET", "/v1/tenants?limit=501", admin, null, null), 400);
  }

  @Test
  void tenantAdministrationNeedsTheAdminToken() throws Exception {
    TenantStore.CreatedTenant t = api.tenant("Guarded");
    String id = t.tenant().id();
    for (String[] call :
        new String[][] {
          {"GET", "/v1/tenants"}, {"GET", "/v1/tenants/" + id}, {"PATCH", "/v1/tenants/" + id},
          {"POST", "/v1/tenants/" + id + "/keys"}, {"GET", "/v1/tenants/" + id + "/keys"},
          {"DELETE", "/v1/tenants/" + id + "/keys/" + t.apiKey().substring(3, 19)}
        }) {
      HttpResponse<String> none = api.send(call[0], call[1], null, "application/json", "{}");
      assertProblem(none, 401);
      assertThat(none.headers().firstValue("WWW-Authenticate")).isPresent();
      // A tenant's own API key is not the admin token.
      assertProblem(api.send(call[0], call[1], t.apiKey(), "application/json", "{}"), 401);
    }
  }

  @Test
  void showsAndChangesATenant() throws Exception {
    String id = api.tenant("Acme").tenant().id();

    JsonNode shown = api.ok(api.send("GET", "/v1/tenants/" + id, admin, null, null), 200);
    assertThat(shown.get("name").asText()).isEqualTo("Acme");

    JsonNode zoned =
        api.ok(api.send("PATCH", "/v1/tenants/" + id, admin, "application/json", "{\"timeZone\":\"Europe/Berlin\"}"), 200);
    assertThat(zoned.get("timeZone").asText()).isEqualTo("Europe/Berlin");
    assertThat(zoned.get("name").asText()).isEqualTo("Acme");

    JsonNode renamed =
        api.ok(api.send("PATCH", "/v1/tenants/" + id, admin, "application/json", "{\"name\":\"  Acme GmbH \"}"), 200);
    assertThat(renamed.get("name").asText()).isEqualTo("Acme GmbH");
    assertThat(renamed.get("timeZone").asText()).isEqualTo("Europe/Berlin");
    assertThat(renamed.get("createdAt").asText()).isEqualTo(shown.get("createdAt").asText());

    // What the accounts read at registration is the stored zone.
    assertThat(api.tenants.find(id).toCompletableFuture().join().orElseThrow().timeZone()).isEqualTo("Europe/Berlin");
  }

  @Test
  void aBadChangeIsA400NamingTheFieldAndChangesNothing() throws Exception {
    String id = api.tenant("Strict").tenant().id();

    assertThat(patch(id, "{\"timeZone\":\"Mars/Olympus\"}", 400)).contains("'timeZone'");
    assertThat(patch(id, "{\"timeZone\":\"+02:00\"}", 400)).contains("'timeZone'");
    assertThat(patch(id, "{\"name\":\"\"}", 400)).contains("'name'");
    assertThat(patch(id, "{\"name\":\"Evil\\r\\nBcc: x@example.com\"}", 400)).contains("'name'").contains("line break");
    assertThat(patch(id, "{\"name\":\"" + "x".repeat(201) + "\"}", 400)).contains("'name'");
    assertThat(patch(id, "{\"name\":\"Ok\",\"plan\":\"gold\"}", 400)).contains("unknown field 'plan'");
    assertThat(patch(id, "{\"name\":\"Ok\",\"timeZone\":\"Nowhere\"}", 400)).contains("'timeZone'");
    assertProblem(api.send("PATCH", "/v1/tenants/" + id, admin, "text/plain", "{\"name\":\"x\"}"), 415);
    assertProblem(api.send("PATCH", "/v1/tenants/" + id, admin, "application/json", "{\"name\":"), 400);

    JsonNode unchanged = api.ok(api.send("GET", "/v1/tenants/" + id, admin, null, null), 200);
    assertThat(unchanged.get("name").asText()).isEqualTo("Strict");
    assertThat(unchanged.get("timeZone").asText()).isEqualTo("UTC");
  }

  @Test
  void anUnknownTenantIs404() throws Exception {
    String id = "t_0000000000000000";
    assertProblem(api.send("GET", "/v1/tenants/" + id, admin, null, null), 404);
    assertProblem(api.send("PATCH", "/v1/tenants/" + id, admin, "application/json", "{\"name\":\"x\"}"), 404);
    assertProblem(api.send("POST", "/v1/tenants/" + id + "/keys", admin, null, null), 404);
    assertProblem(api.send("GET", "/v1/tenants/" + id + "/keys", admin, null, null), 404);
    assertProblem(api.send("DELETE", "/v1/tenants/" + id + "/keys/0123456789abcdef", admin, null, null), 404);
  }

  @Test
  void aSecondKeyWorksAndARevokedKeyIsRefusedAtOnce() throws Exception {
    TenantStore.CreatedTenant t = api.tenant("Keys");
    String id = t.tenant().id();

    HttpResponse<String> issued = api.send("POST", "/v1/tenants/" + id + "/keys", admin, null, null);
    JsonNode key = api.ok(issued, 201);
    String second = key.get("apiKey").asText();
    String secondId = key.get("keyId").asText();
    assertThat(second).startsWith("ok_" + secondId + "_");
    assertThat(key.get("createdAt").asText()).isNotBlank();
    assertThat(issued.headers().firstValue("Location")).hasValue("/v1/tenants/" + id + "/keys/" + secondId);
    assertThat(api.send("GET", "/v1/suppressions", second, null, null).statusCode()).isEqualTo(200);

    JsonNode keys = api.ok(api.send("GET", "/v1/tenants/" + id + "/keys", admin, null, null), 200).get("items");
    assertThat(keys).hasSize(2);
    String firstId = t.apiKey().substring(3, 19);
    assertThat(keys.get(0).get("keyId").asText()).isEqualTo(firstId);
    assertThat(keys.get(1).get("keyId").asText()).isEqualTo(secondId);
    for (JsonNode k : keys) {
      assertThat(k.has("revokedAt")).isFalse();
      assertThat(k.has("apiKey")).isFalse();
      assertThat(k.has("secretHash")).isFalse();
    }
    assertThat(keys.toString()).doesNotContain(second.substring(20)).doesNotContain(t.apiKey().substring(20));

    HttpResponse<String> revoked = api.send("DELETE", "/v1/tenants/" + id + "/keys/" + firstId, admin, null, null);
    assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(204);
    // No cache: the very next request with the revoked key is refused, the other key still works.
    assertProblem(api.send("GET", "/v1/suppressions", t.apiKey(), null, null), 401);
    assertThat(api.send("GET", "/v1/suppressions", second, null, null).statusCode()).isEqualTo(200);

    JsonNode after = api.ok(api.send("GET", "/v1/tenants/" + id + "/keys", admin, null, null), 200).get("items");
    assertThat(after.get(0).get("revokedAt").asText()).isNotBlank();
    assertThat(after.get(1).has("revokedAt")).isFalse();

    // Revoking again keeps the first time; an unknown key, or another tenant's, is 404.
    assertThat(api.send("DELETE", "/v1/tenants/" + id + "/keys/" + firstId, admin, null, null).statusCode()).isEqualTo(204);
    JsonNode again = api.ok(api.send("GET", "/v1/tenants/" + id + "/keys", admin, null, null), 200).get("items");
    assertThat(again.get(0).get("revokedAt")).isEqualTo(after.get(0).get("revokedAt"));
    assertProblem(api.send("DELETE", "/v1/tenants/" + id + "/keys/0123456789abcdef", admin, null, null), 404);
    TenantStore.CreatedTenant other = api.tenant("Other");
    assertProblem(
        api.send("DELETE", "/v1/tenants/" + id + "/keys/" + other.apiKey().substring(3, 19), admin, null, null), 404);
    assertThat(api.send("GET", "/v1/suppressions", other.apiKey(), null, null).statusCode()).isEqualTo(200);
  }

  private String patch(String id, String body, int status) throws Exception {
    return assertProblem(api.send("PATCH", "/v1/tenants/" + id, admin, "application/json", body), status).get("detail").asText();
  }
}
