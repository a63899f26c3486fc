package outreach.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The client API of one node over real HTTP, on a real PostgreSQL. */
class ApiIT {

  private static final String ADMIN = InJvmNode.ADMIN;
  private static final String PASSWORD = "Very-Secret-Smtp-Password-7731";
  private static final ObjectMapper JSON = InJvmNode.JSON;

  private static InJvmNode node;
  private static HttpClient http;
  private static String base;
  private static int metricsPort;

  @BeforeAll
  static void start() {
    node = new InJvmNode(Map.of());
    http = node.http;
    base = node.base;
    metricsPort = node.metricsPort;
  }

  @AfterAll
  static void stop() {
    if (node != null) node.close();
  }

  @Test
  void healthAnswersOnTheApiPort() throws Exception {
    assertThat(call("GET", "/health/ready", null, null).statusCode()).isEqualTo(200);
    assertThat(call("GET", "/health/alive", null, null).statusCode()).isEqualTo(200);
  }

  @Test
  void tenantCreationNeedsTheAdminToken() throws Exception {
    assertProblem(call("POST", "/v1/tenants", null, "{\"name\":\"A\"}"), 401);
    assertProblem(call("POST", "/v1/tenants", "wrong-token-wrong-token", "{\"name\":\"A\"}"), 401);
    String apiKey = newTenantKey("x");
    assertProblem(call("POST", "/v1/tenants", apiKey, "{\"name\":\"A\"}"), 401);
    assertProblem(call("POST", "/v1/tenants", ADMIN, "{\"name\":\"\"}"), 400);
    assertProblem(call("POST", "/v1/tenants", ADMIN, "{\"name\":\"A\\r\\nB\"}"), 400);
    assertProblem(call("POST", "/v1/tenants", ADMIN, "{\"name\":\"A\",\"id\":\"mine\"}"), 400);
  }

  @Test
  void tenantIsCreatedWithAKeyShownOnce() throws Exception {
    HttpResponse<String> r = call("POST", "/v1/tenants", ADMIN, "{\"name\":\"Acme Agency\"}");
    assertThat(r.statusCode()).isEqualTo(201);
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.get("name").asText()).isEqualTo("Acme Agency");
    assertThat(body.get("id").asText()).startsWith("t_");
    assertThat(body.get("apiKey").asText()).startsWith("ok_");
    try (Connection c = db(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT secret_hash FROM api_key WHERE tenant_id = '" + body.get("id").asText() + "'")) {
      assertThat(rs.next()).isTrue();
      assertThat(new String(rs.getBytes(1), StandardCharsets.ISO_8859_1)).doesNotContain(body.get("apiKey").asText());
    }
  }

  @Test
  void accountRoutesNeedAValidKey() throws Exception {
    assertProblem(call("GET", "/v1/accounts", null, null), 401);
    assertProblem(call("GET", "/v1/accounts", "ok_0000000000000000_" + "A".repeat(43), null), 401);
    assertProblem(call("GET", "/v1/accounts", "garbage", null), 401);
    assertProblem(call("GET", "/v1/accounts", ADMIN, null), 401);
  }

  @Test
  void accountIsCreatedWithDefaultsAndNeverShowsItsPassword() throws Exception {
    String key = newTenantKey("defaults");
    HttpResponse<String> created =
        call("POST", "/v1/accounts", key,
            "{\"id\":\"gmail-1\",\"host\":\"smtp.gmail.com\",\"username\":\"ann@acme.io\",\"password\":\"" + PASSWORD
                + "\",\"fromAddress\":\"ann@acme.io\",\"fromName\":\"Ann\"}");
    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(created.headers().firstValue("Location")).contains("/v1/accounts/gmail-1");
    JsonNode body = JSON.readTree(created.body());
    assertThat(body.get("port").asInt()).isEqualTo(587);
    assertThat(body.get("security").asText()).isEqualTo("starttls");
    assertThat(body.get("pool").asText()).isEqualTo("primary");
    assertThat(body.get("limits").toString()).isEqualTo("[\"10/1m\",\"500/1d\"]");
    assertThat(body.get("warmUp").toString()).isEqualTo("{\"enabled\":true,\"startPerDay\":50,\"stepPerDay\":50}");
    assertThat(body.get("state").asText()).isEqualTo("active");
    assertThat(created.body()).doesNotContain(PASSWORD).doesNotContain("password");

    HttpResponse<String> read = call("GET", "/v1/accounts/gmail-1", key, null);
    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(read.body())).isEqualTo(body);

    assertProblem(
        call("POST", "/v1/accounts", key,
            "{\"id\":\"gmail-1\",\"host\":\"h.example.com\",\"username\":\"u\",\"password\":\"p\",\"fromAddress\":\"a@acme.io\"}"),
        409);

    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
      JsonNode list = JSON.readTree(call("GET", "/v1/accounts", key, null).body());
      assertThat(list.get("items")).hasSize(1);
      // The listing shows the settings and state; live counters only come from the account itself.
      com.fasterxml.jackson.databind.node.ObjectNode summary = body.deepCopy();
      summary.remove(List.of("sentToday", "dailyCap", "sentInWindows", "consecutiveFailures"));
      assertThat(list.get("items").get(0)).isEqualTo(summary);
    });
  }

  @Test
  void passwordIsSealedInTheJournalAndReadModel() throws Exception {
    String key = newTenantKey("sealed");
    String secret = "journal-probe-" + PASSWORD;
    assertThat(
            call("POST", "/v1/accounts", key,
                    "{\"id\":\"sealed-1\",\"host\":\"smtp.example.com\",\"username\":\"u\",\"password\":\"" + secret
                        + "\",\"fromAddress\":\"a@acme.io\"}")
                .statusCode())
        .isEqualTo(201);
    await().atMost(Duration.ofSeconds(15)).until(() -> JSON.readTree(call("GET", "/v1/accounts", key, null).body()).get("items").size() == 1);
    try (Connection c = db(); Statement s = c.createStatement()) {
      int events = 0;
      try (ResultSet rs = s.executeQuery("SELECT event_payload FROM event_journal WHERE persistence_id LIKE '%|sealed-1'")) {
        while (rs.next()) {
          events++;
          assertThat(new String(rs.getBytes(1), StandardCharsets.ISO_8859_1)).doesNotContain(secret).contains("smtp.example.com");
        }
      }
      assertThat(events).isEqualTo(1);
      try (ResultSet rs = s.executeQuery("SELECT * FROM account_view WHERE account_id = 'sealed-1'")) {
        assertThat(rs.next()).isTrue();
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
          assertThat(String.valueOf(rs.getObject(i))).doesNotContain(secret);
        }
      }
    }
  }

  @Test
  void anotherTenantsAccountIsNotFound() throws Exception {
    String a = newTenantKey("A");
    String b = newTenantKey("B");
    assertThat(
            call("POST", "/v1/accounts", a,
                    "{\"id\":\"shared-name\",\"host\":\"smtp.a.com\",\"username\":\"u\",\"password\":\"p\",\"fromAddress\":\"x@a.com\"}")
                .statusCode())
        .isEqualTo(201);
    assertProblem(call("GET", "/v1/accounts/shared-name", b, null), 404);
    await().atMost(Duration.ofSeconds(15)).until(() -> JSON.readTree(call("GET", "/v1/accounts", a, null).body()).get("items").size() == 1);
    assertThat(JSON.readTree(call("GET", "/v1/accounts", b, null).body()).get("items")).isEmpty();
    // B may use the same local id: it is a different entity.
    assertThat(
            call("POST", "/v1/accounts", b,
                    "{\"id\":\"shared-name\",\"host\":\"smtp.b.com\",\"username\":\"u\",\"password\":\"p\",\"fromAddress\":\"x@b.com\"}")
                .statusCode())
        .isEqualTo(201);
    assertThat(JSON.readTree(call("GET", "/v1/accounts/shared-name", a, null).body()).get("host").asText()).isEqualTo("smtp.a.com");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiterString = " :: ",
      value = {
        "port out of range :: {\"host\":\"h.example.com\",\"port\":70000,\"username\":\"u\",\"password\":\"p\",\"fromAddress\":\"a@b.co\"} :: port",
        "port zero :: {\"host\":\"h.example.com\",\"port\":0,\"username\":\"u\",\"password\":\"p\",\"fromAddress\":\"a@b.co\"} :: port",
        "port not a number :: {\"host\":\"h.example.com\",\"port\":\"x\",\"username\":\"u\",\"password\":\"p\",\"fromAddress\":\"a@b.co\"} :: port",
        "unknown security :: {\"host\":\"h.example.com\",\"security\":\"ssl\",\"username\":\"u\",\"password\":\"p\",\"fromAddress\":\"a@b.co\"} :: security",
        "bad limit :: {\"host\":\"h.example.com\",\"limits\":[\"10 per minute\"],\"username\":\"u\",\"password\":\"p\",\"fromAddress\":\"a@b.co\"} :: limits[0]",
        "zero limit :: {\"host\":\"h.example.com\",\"limits\":[\"0/1m\"],\"username\":\"u\",\"password\":\"p\",\"fromAddress\":\"a@b.co\"} :: limits[0]",
        "no limits :: {\"host\":\"h.example.com\",\"limits\":[],\"username\":\"u\",\"password\":\"p\",\"fromAddress\":\"a@b.co\"} :: limits",
        "unknown pool :: {\"host\":\"h.example.com\",\"pool\":\"vip\",\"username\":\"u\",\"password\":\"p\",\"fromAddress\":\"a@b.co\"} :: pool",
        "bad from address :: {\"host\":\"h.example.com\",\"username\":\"u\",\"password\":\"p\",\"fromAddress\":\"not-an-address\"} :: fromAddress",
        "header injection in name :: {\"host\":\"h.example.com\",\"username\":\"u\",\"password\":\"p\",\"fromAddress\":\"a@b.co\",\"fromName\":\"A\\r\\nBcc: x@y.z\"} :: fromName",
        "missing host :: {\"username\":\"u\",\"password\":\"p\",\"fromAddress\":\"a@b.co\"} :: host",
        "bad host :: {\"host\":\"h ost\",\"username\":\"u\",\"password\":\"p\",\"fromAddress\":\"a@b.co\"} :: host",
        "missing password :: {\"host\":\"h.example.com\",\"username\":\"u\",\"fromAddress\":\"a@b.co\"} :: password",
        "bad id :: {\"id\":\"a|b\",\"host\":\"h.example.com\",\"username\":\"u\",\"password\":\"p\",\"fromAddress\":\"a@b.co\"} :: id",
        "negative warm-up step :: {\"host\":\"h.example.com\",\"username\":\"u\",\"password\":\"p\",\"fromAddress\":\"a@b.co\",\"warmUp\":{\"stepPerDay\":-1}} :: warmUp.stepPerDay",
        "unknown field :: {\"host\":\"h.example.com\",\"username\":\"u\",\"password\":\"p\",\"fromAddress\":\"a@b.co\",\"tenantId\":\"t_other\"} :: tenantId",
      })
  void invalidAccountsAreRejectedNamingTheField(String name, String body, String field) throws Exception {
    String key = newTenantKey("invalid");
    HttpResponse<String> r = call("POST", "/v1/accounts", key, body);
    assertProblem(r, 400);
    assertThat(JSON.readTree(r.body()).get("detail").asText()).contains("'" + field + "'");
    assertThat(JSON.readTree(call("GET", "/v1/accounts", key, null).body()).get("items")).isEmpty();
  }

  @Test
  void malformedJsonAndWrongMediaTypeAreClientErrors() throws Exception {
    String key = newTenantKey("malformed");
    HttpResponse<String> r = call("POST", "/v1/accounts", key, "{\"host\": ");
    assertProblem(r, 400);
    assertThat(JSON.readTree(r.body()).get("type").asText()).isEqualTo("urn:outreach:problem:malformed-json");
    assertProblem(call("POST", "/v1/accounts", key, "[1,2]"), 400);
    assertProblem(call("POST", "/v1/accounts", key, ""), 400);
    HttpResponse<String> text =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/v1/accounts"))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("host=x"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertProblem(text, 415);
  }

  @Test
  void oversizedBodiesAreRefused() throws Exception {
    String key = newTenantKey("big");
    String huge = "{\"host\":\"" + "a".repeat(2 * 1024 * 1024) + "\"}";
    assertProblem(call("POST", "/v1/accounts", key, huge), 413);
  }

  @Test
  void listingPagesWithACursor() throws Exception {
    String key = newTenantKey("pages");
    for (int i = 0; i < 5; i++) {
      assertThat(
              call("POST", "/v1/accounts", key,
                      "{\"id\":\"acc-" + i + "\",\"host\":\"smtp.example.com\",\"username\":\"u\",\"password\":\"p\",\"fromAddress\":\"a@b.co\"}")
                  .statusCode())
          .isEqualTo(201);
    }
    await().atMost(Duration.ofSeconds(15)).until(() -> JSON.readTree(call("GET", "/v1/accounts?limit=100", key, null).body()).get("items").size() == 5);
    JsonNode first = JSON.readTree(call("GET", "/v1/accounts?limit=2", key, null).body());
    assertThat(first.get("items")).extracting(n -> n.get("id").asText()).containsExactly("acc-0", "acc-1");
    JsonNode second = JSON.readTree(call("GET", "/v1/accounts?limit=2&cursor=" + first.get("nextCursor").asText(), key, null).body());
    assertThat(second.get("items")).extracting(n -> n.get("id").asText()).containsExactly("acc-2", "acc-3");
    JsonNode last = JSON.readTree(call("GET", "/v1/accounts?limit=2&cursor=" + second.get("nextCursor").asText(), key, null).body());
    assertThat(last.get("items")).extracting(n -> n.get("id").asText()).containsExactly("acc-4");
    assertThat(last.has("nextCursor")).isFalse();
    assertProblem(call("GET", "/v1/accounts?limit=0", key, null), 400);
    assertProblem(call("GET", "/v1/accounts?limit=abc", key, null), 400);
  }

  @Test
  void unknownRoutesAndMethodsAnswerProblems() throws Exception {
    String key = newTenantKey("routes");
    assertProblem(call("GET", "/v1/nothing-here", key, null), 404);
    assertProblem(call("DELETE", "/v1/accounts", key, null), 405);
    assertProblem(call("GET", "/v1/accounts/no-such-account", key, null), 404);
  }

  @Test
  void servesTheOpenApiDocument() throws Exception {
    HttpResponse<String> r = call("GET", "/v1/openapi.yaml", null, null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("openapi: 3.1").contains("/v1/accounts/{id}").contains("/v1/tenants");
  }

  @Test
  void exportsRequestMetricsForPrometheus() throws Exception {
    call("GET", "/v1/accounts", null, null);
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
      HttpResponse<String> scrape =
          http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(scrape.statusCode()).isEqualTo(200);
      assertThat(scrape.body()).containsPattern("outreach_http_requests_total\\{[^}]*status=\"4xx\"[^}]*} [1-9]");
    });
  }

  private static void assertProblem(HttpResponse<String> r, int status) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
    JsonNode p = JSON.readTree(r.body());
    assertThat(p.get("status").asInt()).isEqualTo(status);
    assertThat(p.get("type").asText()).startsWith("urn:outreach:problem:");
    assertThat(p.get("detail").asText()).isNotBlank();
    assertThat(r.body()).doesNotContain("\tat ").doesNotContain("Exception");
  }

  private static String newTenantKey(String name) throws Exception {
    return node.newTenantKey(name);
  }

  private static HttpResponse<String> call(String method, String path, String bearer, String json) throws Exception {
    return node.call(method, path, bearer, json);
  }

  private static Connection db() throws Exception {
    return node.db();
  }
}
