package outreach.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The audit trail: an account's journal through the API and its state at past instants, also from the command line. */
class AuditIT {

  private static final String PASSWORD = "audit-secret-password-4411";
  private static InJvmNode node;

  @BeforeAll
  static void start() {
    node = new InJvmNode(Map.of());
  }

  @AfterAll
  static void stop() {
    if (node != null) node.close();
  }

  @Test
  void showsTheJournalAndTheStateAtEachInstantWithSecretsMasked() throws Exception {
    String key = node.newTenantKey("Audit");
    String tenantId = tenantOf(key);
    assertThat(node.call("POST", "/v1/accounts", key,
        "{\"id\":\"audited\",\"host\":\"smtp.example.com\",\"username\":\"u\",\"password\":\"" + PASSWORD + "\",\"fromAddress\":\"a@example.com\"}")
        .statusCode()).isEqualTo(201);
    // Journal timestamps have millisecond precision: let the clock move on between the steps.
    Instant created = Instant.now();
    await().atMost(Duration.ofSeconds(1)).until(() -> Instant.now().isAfter(created.plusMillis(5)));
    assertThat(node.call("POST", "/v1/accounts/audited/pause", key, "{\"reason\":\"holiday\"}").statusCode()).isEqualTo(200);
    Instant paused = Instant.now();
    await().atMost(Duration.ofSeconds(1)).until(() -> Instant.now().isAfter(paused.plusMillis(5)));
    assertThat(node.call("POST", "/v1/accounts/audited/resume", key, null).statusCode()).isEqualTo(200);

    HttpResponse<String> events = node.call("GET", "/v1/audit/account/audited/events", key, null);
    assertThat(events.statusCode()).isEqualTo(200);
    assertThat(events.body()).doesNotContain(PASSWORD);
    JsonNode items = node.json(events).get("items");
    assertThat(items).extracting(i -> i.get("type").asText()).containsExactly("AccountRegistered", "AccountPaused", "AccountResumed");
    assertThat(items).extracting(i -> i.get("sequenceNr").asLong()).containsExactly(1L, 2L, 3L);
    assertThat(items.get(0).get("event").get("settings").get("password").asText()).isEqualTo("***");

    JsonNode page = node.json(node.call("GET", "/v1/audit/account/audited/events?limit=2", key, null));
    assertThat(page.get("items")).hasSize(2);
    JsonNode rest = node.json(node.call("GET", "/v1/audit/account/audited/events?limit=2&cursor=" + page.get("nextCursor").asText(), key, null));
    assertThat(rest.get("items")).extracting(i -> i.get("type").asText()).containsExactly("AccountResumed");

    JsonNode whilePaused = node.json(node.call("GET", "/v1/audit/account/audited/state?at=" + paused.plusMillis(2), key, null));
    assertThat(whilePaused.get("sequenceNr").asLong()).isEqualTo(2);
    assertThat(whilePaused.get("state").get("status").asText()).isEqualTo("paused");
    assertThat(whilePaused.get("state").get("statusReason").asText()).isEqualTo("holiday");
    JsonNode now = node.json(node.call("GET", "/v1/audit/account/audited/state", key, null));
    assertThat(now.get("state").get("status").asText()).isEqualTo("active");
    JsonNode before = node.json(node.call("GET", "/v1/audit/account/audited/state?at=2000-01-01T00:00:00Z", key, null));
    assertThat(before.get("sequenceNr").asLong()).isZero();
    assertThat(before.get("state").get("kind").asText()).isEqualTo("unregistered");

    // The same from the command line, straight from the database.
    System.setProperty("outreach.db.url", node.postgres.jdbcUrl());
    System.setProperty("outreach.db.user", "postgres");
    System.setProperty("outreach.db.password", "");
    ConfigFactory.invalidateCaches();
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int exit;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      exit = Main.run("replay", "--kind", "account", "--id", tenantId + "|audited", "--at", paused.plusMillis(2).toString());
    } finally {
      System.setOut(original);
      System.clearProperty("outreach.db.url");
      System.clearProperty("outreach.db.user");
      System.clearProperty("outreach.db.password");
      ConfigFactory.invalidateCaches();
    }
    assertThat(exit).isZero();
    // The state is the last line; log lines of the node running in this JVM may come before it.
    String[] lines = out.toString(StandardCharsets.UTF_8).strip().split("\n");
    JsonNode cli = InJvmNode.JSON.readTree(lines[lines.length - 1]);
    assertThat(cli.get("state").get("status").asText()).isEqualTo("paused");
    assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain(PASSWORD);
  }

  @Test
  void anotherTenantsTrailIsNotFound() throws Exception {
    String a = node.newTenantKey("A");
    String b = node.newTenantKey("B");
    node.call("POST", "/v1/accounts", a,
        "{\"id\":\"mine\",\"host\":\"smtp.example.com\",\"username\":\"u\",\"password\":\"p\",\"fromAddress\":\"a@example.com\"}");
    assertThat(node.call("GET", "/v1/audit/account/mine/events", a, null).statusCode()).isEqualTo(200);
    assertThat(node.call("GET", "/v1/audit/account/mine/events", b, null).statusCode()).isEqualTo(404);
    assertThat(node.call("GET", "/v1/audit/account/mine/state", b, null).statusCode()).isEqualTo(404);
    assertThat(node.call("GET", "/v1/audit/sending-nothing/mine/events", a, null).statusCode()).isEqualTo(404);
    assertThat(node.call("GET", "/v1/audit/account/mine/state?at=yesterday", a, null).statusCode()).isEqualTo(400);
    assertThat(node.call("GET", "/v1/audit/account/mine/events", null, null).statusCode()).isEqualTo(401);
  }

  /** The tenant id behind a key, read from the database (the API does not repeat it). */
  private static String tenantOf(String apiKey) throws Exception {
    String keyId = apiKey.split("_")[1];
    try (var c = node.db(); var s = c.prepareStatement("SELECT tenant_id FROM api_key WHERE key_id = ?")) {
      s.setString(1, keyId);
      try (var rs = s.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }
}
