package outreach.http;

import static org.assertj.core.api.Assertions.assertThat;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.ActorSystem;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import outreach.persistence.Database;
import outreach.persistence.EmbeddedDatabase;
import outreach.persistence.TenantStore;
import outreach.persistence.campaign.CampaignDirectory;
import outreach.persistence.campaign.SuppressionStore;

/**
 * The deliveries and statistics routes over real HTTP on a real PostgreSQL. The read tables are
 * written directly, as the projections would leave them, so that what is tested here is the
 * routes: tenancy, paging, filters, the shape of the answers and the errors.
 */
class DeliveryApiIT {

  private static final String ADMIN = "admin-token-for-delivery-tests";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant T0 = Instant.parse("2026-05-01T09:00:00Z");

  private static EmbeddedDatabase postgres;
  private static Database database;
  private static ExecutorService executor;
  private static ActorTestKit kit;
  private static HttpClient http;
  private static String base;
  private static String keyA;
  private static String keyB;

  @BeforeAll
  static void start() throws Exception {
    postgres = EmbeddedDatabase.startTemporary();
    Database.migrate(postgres.settings(4));
    database = Database.open(postgres.settings(4), "test");
    executor = Executors.newFixedThreadPool(4);
    Clock clock = Clock.systemUTC();
    kit =
        ActorTestKit.create(
            "DeliveryApiIT",
            ConfigFactory.parseString(
                    """
                    akka.actor.provider = cluster
                    akka.remote.artery.canonical.hostname = 127.0.0.1
                    akka.remote.artery.canonical.port = 0
                    akka.cluster.jmx.multi-mbeans-in-same-jvm = on
                    """)
                .withFallback(ConfigFactory.load()));
    ActorSystem<Void> system = kit.system();

    TenantStore tenants = new TenantStore(database.dataSource(), executor, clock);
    TenantStore.CreatedTenant a = tenants.create("A").toCompletableFuture().join();
    TenantStore.CreatedTenant b = tenants.create("B").toCompletableFuture().join();
    keyA = a.apiKey();
    keyB = b.apiKey();
    seed(a.tenant().id(), b.tenant().id());

    ApiSettings settings =
        new ApiSettings(
            "127.0.0.1", 0, Duration.ofSeconds(5), 64 * 1024, 50, 500, 64 * 1024, 1_000, 2, Duration.ofSeconds(5),
            Duration.ofSeconds(60), 0, 0, List.of(), false);
    Authentication auth = new Authentication(ADMIN, tenants);
    SuppressionStore suppressions = new SuppressionStore(database.dataSource(), executor, clock);
    CampaignDirectory campaigns = new CampaignDirectory(database.dataSource(), executor);
    ApiRoutes routes =
        ApiFixture.routes(system, settings, auth, tenants, database.dataSource(), executor, clock, suppressions, new byte[32]);
    ServerBinding binding =
        Http.get(system).newServerAt("127.0.0.1", 0).bind(routes.route()).toCompletableFuture().get(30, TimeUnit.SECONDS);
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    base = "http://127.0.0.1:" + binding.localAddress().getPort();
  }

  @AfterAll
  static void stop() {
    if (kit != null) kit.shutdownTestKit();
    executor.shutdownNow();
    database.close();
    postgres.close();
  }

  /**
   * Tenant A's "spring": five recipients in every state; its "quiet" has none yet. Tenant B has a
   * "spring" of its own with one recipient, and A's "autumn" exists only for A.
   */
  private static void seed(String a, String b) throws Exception {
    try (Connection c = database.dataSource().getConnection()) {
      for (String[] view : List.of(new String[] {a, "spring"}, new String[] {a, "quiet"}, new String[] {a, "autumn"}, new String[] {b, "spring"})) {
        try (PreparedStatement s =
            c.prepareStatement(
                """
                INSERT INTO campaign_view (tenant_id, campaign_id, name, status, paused_reason, total, sent, failed, bounced,
                  suppressed, created_at, updated_at)
                VALUES (?, ?, ?, 'running', NULL, 0, 0, 0, 0, 0, ?, ?)
                """)) {
          s.setString(1, view[0]);
          s.setString(2, view[1]);
          s.setString(3, view[1]);
          s.setTimestamp(4, Timestamp.from(T0));
          s.setTimestamp(5, Timestamp.from(T0));
          s.executeUpdate();
        }
      }
      delivery(c, a, "spring", 1, "ann@Example.com", "sent", "acc1", 2, 250, null, "queued as 4AB1", "<1@outreach>", true, null);
      delivery(c, a, "spring", 2, "bob@example.com", "bounced", "acc2", 1, 550, "5.1.1", "user unknown", "<2@outreach>", false, null);
      delivery(c, a, "spring", 3, "cat@other.org", "deferred", "acc1", 1, 451, "4.7.1", "greylisted", "<3@outreach>", false, T0.plusSeconds(900));
      delivery(c, a, "spring", 4, "dan@other.org", "pending", null, 0, null, null, null, null, false, null);
      delivery(c, a, "spring", 5, "eve@example.com", "sent", "acc2", 1, 250, "2.0.0", "ok", "<5@outreach>", false, null);
      delivery(c, a, "autumn", 1, "fay@example.com", "sent", "acc1", 1, 250, null, "ok", "<a1@outreach>", false, null);
      delivery(c, b, "spring", 1, "zed@b.example", "failed", "acc9", 3, 554, "5.7.1", "policy", "<b1@outreach>", false, null);
      c.commit();
    }
  }

  @Test
  void listsACampaignsDeliveriesWithTheirLatestReply() throws Exception {
    JsonNode page = ok(send("/v1/campaigns/spring/deliveries", keyA));

    assertThat(page.get("items")).extracting(i -> i.get("seq").asLong()).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(page.has("nextCursor")).isFalse();
    JsonNode sent = page.get("items").get(0);
    assertThat(sent.get("recipient").asText()).isEqualTo("ann@Example.com");
    assertThat(sent.get("status").asText()).isEqualTo("sent");
    assertThat(sent.get("account").asText()).isEqualTo("acc1");
    assertThat(sent.get("attempts").asInt()).isEqualTo(2);
    assertThat(sent.get("lastReply").toString()).isEqualTo("{\"code\":250,\"text\":\"queued as 4AB1\"}");
    assertThat(sent.get("messageId").asText()).isEqualTo("<1@outreach>");
    assertThat(sent.get("possibleDuplicate").asBoolean()).isTrue();
    assertThat(sent.get("firstAt").asText()).isEqualTo("2026-05-01T09:00:00Z");
    assertThat(sent.get("updatedAt").asText()).isEqualTo("2026-05-01T09:01:00Z");
    assertThat(sent.has("nextAttemptAt")).isFalse();

    JsonNode deferred = page.get("items").get(2);
    assertThat(deferred.get("status").asText()).isEqualTo("deferred");
    assertThat(deferred.get("lastReply").toString()).isEqualTo("{\"code\":451,\"enhancedCode\":\"4.7.1\",\"text\":\"greylisted\"}");
    assertThat(deferred.get("nextAttemptAt").asText()).isEqualTo("2026-05-01T09:15:00Z");

    JsonNode pending = page.get("items").get(3);
    assertThat(pending.get("status").asText()).isEqualTo("pending");
    assertThat(pending.get("attempts").asInt()).isZero();
    for (String absent : List.of("account", "lastReply", "messageId", "nextAttemptAt")) {
      assertThat(pending.has(absent)).as(absent).isFalse();
    }
  }

  @Test
  void pagesByCursorAndFiltersByStatus() throws Exception {
    JsonNode first = ok(send("/v1/campaigns/spring/deliveries?limit=2", keyA));
    assertThat(first.get("items")).extracting(i -> i.get("seq").asLong()).containsExactly(1L, 2L);
    assertThat(first.get("nextCursor").asText()).isEqualTo("2");
    JsonNode second = ok(send("/v1/campaigns/spring/deliveries?limit=2&cursor=" + first.get("nextCursor").asText(), keyA));
    assertThat(second.get("items")).extracting(i -> i.get("seq").asLong()).containsExactly(3L, 4L);
    JsonNode last = ok(send("/v1/campaigns/spring/deliveries?limit=2&cursor=" + second.get("nextCursor").asText(), keyA));
    assertThat(last.get("items")).extracting(i -> i.get("seq").asLong()).containsExactly(5L);
    assertThat(last.has("nextCursor")).isFalse();

    assertThat(ok(send("/v1/campaigns/spring/deliveries?status=sent", keyA)).get("items"))
        .extracting(i -> i.get("recipient").asText())
        .containsExactly("ann@Example.com", "eve@example.com");
    assertThat(ok(send("/v1/campaigns/spring/deliveries?status=in-flight", keyA)).get("items")).isEmpty();
    assertThat(ok(send("/v1/campaigns/quiet/deliveries", keyA)).get("items")).isEmpty();
  }

  @Test
  void sumsUpACampaign() throws Exception {
    JsonNode stats = ok(send("/v1/campaigns/spring/statistics", keyA));

    assertThat(stats.get("counts").toString())
        .isEqualTo(
            "{\"total\":5,\"pending\":1,\"inFlight\":0,\"deferred\":1,\"sent\":2,\"failed\":0,\"bounced\":1,\"suppressed\":0}");
    assertThat(stats.get("bounceRate").asDouble()).isEqualTo(1.0 / 3);
    assertThat(stats.get("byAccount").toString())
        .isEqualTo(
            "[{\"account\":\"acc1\",\"sent\":1,\"failed\":0,\"bounced\":0},{\"account\":\"acc2\",\"sent\":1,\"failed\":0,\"bounced\":1}]");
    assertThat(stats.get("byDomain").toString())
        .isEqualTo(
            "[{\"domain\":\"example.com\",\"sent\":2,\"failed\":0,\"bounced\":1,\"deferred\":0},"
                + "{\"domain\":\"other.org\",\"sent\":0,\"failed\":0,\"bounced\":0,\"deferred\":1}]");

    JsonNode quiet = ok(send("/v1/campaigns/quiet/statistics", keyA));
    assertThat(quiet.get("counts").get("total").asInt()).isZero();
    assertThat(quiet.get("bounceRate").asDouble()).isZero();
    assertThat(quiet.get("byAccount")).isEmpty();
    assertThat(quiet.get("byDomain")).isEmpty();
  }

  @Test
  void eachTenantSeesOnlyItsOwnCampaigns() throws Exception {
    assertProblem(send("/v1/campaigns/autumn/deliveries", keyB), 404);
    assertProblem(send("/v1/campaigns/autumn/statistics", keyB), 404);
    assertProblem(send("/v1/campaigns/nowhere/deliveries", keyA), 404);
    assertProblem(send("/v1/campaigns/nowhere/statistics", keyA), 404);
    assertProblem(send("/v1/campaigns/not%20an%20id/deliveries", keyA), 404);

    // The same campaign id under another tenant is another campaign.
    JsonNode theirs = ok(send("/v1/campaigns/spring/deliveries", keyB));
    assertThat(theirs.get("items")).extracting(i -> i.get("recipient").asText()).containsExactly("zed@b.example");
    assertThat(ok(send("/v1/campaigns/spring/statistics", keyB)).get("counts").get("failed").asInt()).isEqualTo(1);
  }

  @Test
  void requiresAnApiKey() throws Exception {
    assertProblem(send("/v1/campaigns/spring/deliveries", null), 401);
    assertProblem(send("/v1/campaigns/spring/statistics", null), 401);
    assertProblem(send("/v1/campaigns/spring/statistics", "ok_nokey_nosecret"), 401);
  }

  @Test
  void invalidParametersAre400sNamingTheParameter() throws Exception {
    assertThat(assertProblem(send("/v1/campaigns/spring/deliveries?status=delivered", keyA), 400).get("detail").asText())
        .contains("'status'")
        .contains("in-flight");
    assertThat(assertProblem(send("/v1/campaigns/spring/deliveries?limit=0", keyA), 400).get("detail").asText()).contains("'limit'");
    assertThat(assertProblem(send("/v1/campaigns/spring/deliveries?limit=501", keyA), 400).get("detail").asText()).contains("'limit'");
    assertThat(assertProblem(send("/v1/campaigns/spring/deliveries?limit=many", keyA), 400).get("detail").asText()).contains("'limit'");
    assertThat(assertProblem(send("/v1/campaigns/spring/deliveries?cursor=abc", keyA), 400).get("detail").asText()).contains("'cursor'");
    assertThat(assertProblem(send("/v1/campaigns/spring/deliveries?cursor=-1", keyA), 400).get("detail").asText()).contains("'cursor'");
  }

  @Test
  void onlyGetIsAllowed() throws Exception {
    HttpRequest post =
        request("/v1/campaigns/spring/deliveries", keyA).POST(HttpRequest.BodyPublishers.noBody()).build();
    assertProblem(http.send(post, HttpResponse.BodyHandlers.ofString()), 405);
  }

  private static void delivery(
      Connection c,
      String tenant,
      String campaign,
      long seq,
      String email,
      String status,
      String account,
      int attempts,
      Integer code,
      String enhanced,
      String text,
      String messageId,
      boolean possibleDuplicate,
      Instant nextAttemptAt)
      throws Exception {
    try (PreparedStatement s =
        c.prepareStatement(
            """
            INSERT INTO delivery (tenant_id, campaign_id, seq, email, status, account, attempts, message_id, last_code,
              last_enhanced, last_text, possible_duplicate, first_at, updated_at, next_attempt_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)) {
      s.setString(1, tenant);
      s.setString(2, campaign);
      s.setLong(3, seq);
      s.setString(4, email);
      s.setString(5, status);
      s.setString(6, account);
      s.setInt(7, attempts);
      s.setString(8, messageId);
      if (code == null) s.setNull(9, Types.INTEGER);
      else s.setInt(9, code);
      s.setString(10, enhanced);
      s.setString(11, text);
      s.setBoolean(12, possibleDuplicate);
      s.setTimestamp(13, Timestamp.from(T0));
      s.setTimestamp(14, Timestamp.from(T0.plusSeconds(60 * seq)));
      if (nextAttemptAt == null) s.setNull(15, Types.TIMESTAMP);
      else s.setTimestamp(15, Timestamp.from(nextAttemptAt));
      s.executeUpdate();
    }
  }

  private static HttpRequest.Builder request(String path, String key) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    if (key != null) b.header("Authorization", "Bearer " + key);
    return b;
  }

  private static HttpResponse<String> send(String path, String key) throws Exception {
    return http.send(request(path, key).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode ok(HttpResponse<String> r) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    return JSON.readTree(r.body());
  }

  private static JsonNode assertProblem(HttpResponse<String> r, int status) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
    JsonNode p = JSON.readTree(r.body());
    assertThat(p.get("status").asInt()).isEqualTo(status);
    assertThat(p.get("detail").asText()).isNotBlank();
    return p;
  }
}
