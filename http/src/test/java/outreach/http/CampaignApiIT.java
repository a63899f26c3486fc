package outreach.http;

import static org.assertj.core.api.Assertions.assertThat;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.Entity;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import outreach.mail.message.UnsubscribeToken;
import outreach.persistence.Database;
import outreach.persistence.EmbeddedDatabase;
import outreach.persistence.TenantStore;
import outreach.persistence.campaign.RecipientStore;
import outreach.persistence.campaign.SuppressionStore;
import outreach.protocol.EntityIds;
import outreach.protocol.campaign.CampaignCommand;
import outreach.protocol.campaign.CampaignCounts;
import outreach.protocol.campaign.CampaignKeys;
import outreach.protocol.campaign.CampaignReply;
import outreach.protocol.campaign.CampaignStatus;
import outreach.protocol.campaign.CampaignView;

/**
 * The campaign and unsubscribe routes over real HTTP on a one-node cluster and a real PostgreSQL.
 * The Campaign entity is stood in for by a minimal one that keeps its view in memory, so that
 * what is tested here is the routes: validation, streaming uploads, limits, replies and errors.
 */
class CampaignApiIT {

  private static final String ADMIN = "admin-token-for-campaign-tests";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] TOKEN_KEY = new byte[32];
  private static final int MAX_CSV_BYTES = 64 * 1024;
  private static final int MAX_CSV_ROWS = 1_000;
  private static final List<String> ROLE_LOCAL_PARTS = List.of("postmaster", "info", "no-reply");

  private static EmbeddedDatabase postgres;
  private static Database database;
  private static ExecutorService executor;
  private static ActorTestKit kit;
  private static ServerBinding binding;
  private static HttpClient http;
  private static String base;
  private static String keyA;
  private static String tenantA;
  private static String keyB;
  private static RecipientStore recipients;
  private static SuppressionStore suppressions;

  @BeforeAll
  static void start() throws Exception {
    new SecureRandom().nextBytes(TOKEN_KEY);
    postgres = EmbeddedDatabase.startTemporary();
    Database.migrate(postgres.settings(4));
    database = Database.open(postgres.settings(4), "test");
    executor = Executors.newFixedThreadPool(4);
    Clock clock = Clock.systemUTC();

    Config config =
        ConfigFactory.parseString(
                """
                akka.actor.provider = cluster
                akka.remote.artery.canonical.hostname = 127.0.0.1
                akka.remote.artery.canonical.port = 0
                akka.cluster.jmx.multi-mbeans-in-same-jvm = on
                akka.actor.serialization-bindings { "outreach.protocol.CborSerializable" = jackson-cbor }
                """)
            .withFallback(ConfigFactory.load());
    kit = ActorTestKit.create("CampaignApiIT", config);
    ActorSystem<Void> system = kit.system();
    Cluster.get(system).manager().tell(Join.create(Cluster.get(system).selfMember().address()));
    ClusterSharding.get(system).init(Entity.of(CampaignKeys.ENTITY_KEY, ctx -> StandInCampaign.create(ctx.getEntityId())));

    TenantStore tenants = new TenantStore(database.dataSource(), executor, clock);
    TenantStore.CreatedTenant a = tenants.create("A").toCompletableFuture().join();
    keyA = a.apiKey();
    tenantA = a.tenant().id();
    keyB = tenants.create("B").toCompletableFuture().join().apiKey();
    recipients = new RecipientStore(database.dataSource(), executor, clock);
    suppressions = new SuppressionStore(database.dataSource(), executor, clock);

    ApiSettings settings =
        new ApiSettings(
            "127.0.0.1", 0, Duration.ofSeconds(5), 1024 * 1024, 50, 500, MAX_CSV_BYTES, MAX_CSV_ROWS, 2,
            Duration.ofSeconds(5), Duration.ofSeconds(60), 0, 0, ROLE_LOCAL_PARTS, true);
    Authentication auth = new Authentication(ADMIN, tenants);
    ApiRoutes routes =
        ApiFixture.routes(system, settings, auth, tenants, database.dataSource(), executor, clock, suppressions, TOKEN_KEY);
    binding =
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

  @Test
  void createsAndShowsACampaign() throws Exception {
    HttpResponse<String> created =
        send(
            "POST",
            "/v1/campaigns",
            keyA,
            "application/json",
            """
            {"id":"spring","name":"Spring","subject":"Hello {name}","text":"Hi {name} of {company}, your {plan}",
             "accounts":["acc-1","acc-2"],"footer":{"address":"Acme Ltd, 1 Main St"},
             "schedule":{"timeZone":"Europe/Berlin","days":["FRI","MON"],"start":"09:00","end":"17:00"},
             "delay":{"min":"60s","max":"180s"},"variables":["plan"]}
            """);

    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(created.headers().firstValue("Location")).contains("/v1/campaigns/spring");
    JsonNode body = JSON.readTree(created.body());
    assertThat(body.get("id").asText()).isEqualTo("spring");
    assertThat(body.get("status").asText()).isEqualTo("draft");
    assertThat(body.get("counts").get("total").asInt()).isZero();
    assertThat(body.get("footer").get("address").asText()).isEqualTo("Acme Ltd, 1 Main St");
    assertThat(body.get("schedule").toString())
        .isEqualTo("{\"timeZone\":\"Europe/Berlin\",\"days\":[\"MON\",\"FRI\"],\"start\":\"09:00\",\"end\":\"17:00\"}");
    assertThat(body.get("delay").toString()).isEqualTo("{\"min\":\"1m\",\"max\":\"3m\"}");
    assertThat(body.has("pausedReason")).isFalse();
    assertThat(body.has("html")).isFalse();

    HttpResponse<String> shown = send("GET", "/v1/campaigns/spring", keyA, null, null);
    assertThat(shown.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(shown.body())).isEqualTo(body);

    assertProblem(send("POST", "/v1/campaigns", keyA, "application/json", minimal("spring")), 409);
  }

  @Test
  void aCampaignWithoutAScheduleSendsAnyTimeInTheTenantsZone() throws Exception {
    HttpResponse<String> created = send("POST", "/v1/campaigns", keyA, "application/json", minimal(null));

    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonNode body = JSON.readTree(created.body());
    assertThat(body.get("id").asText()).startsWith("cmp_");
    assertThat(body.get("schedule").get("timeZone").asText()).isEqualTo("UTC");
    assertThat(body.get("schedule").get("days")).hasSize(7);
    assertThat(body.get("schedule").get("start").asText()).isEqualTo("00:00");
    assertThat(body.get("schedule").get("end").asText()).isEqualTo("24:00");
    assertThat(body.get("delay").toString()).isEqualTo("{\"min\":\"0s\",\"max\":\"0s\"}");
  }

  @Test
  void anInvalidCampaignIsA400NamingTheField() throws Exception {
    JsonNode p =
        assertProblem(
            send(
                "POST",
                "/v1/campaigns",
                keyA,
                "application/json",
                "{\"name\":\"n\",\"subject\":\"s\",\"text\":\"Your {plan}\",\"accounts\":[\"a\"],\"footer\":{\"address\":\"x\"}}"),
            400);
    assertThat(p.get("detail").asText()).contains("{plan}");
    assertThat(
            assertProblem(send("POST", "/v1/campaigns", keyA, "application/json", "{\"name\":\"n\",\"subject\":\"s\",\"text\":\"t\",\"accounts\":[\"a\"]}"), 400)
                .get("detail")
                .asText())
        .startsWith("field 'footer.address' is required");
    assertProblem(send("POST", "/v1/campaigns", keyA, "text/plain", minimal("x")), 415);
    assertProblem(send("POST", "/v1/campaigns", null, "application/json", minimal("x")), 401);
  }

  @Test
  void uploadsRecipientsAndTellsTheCampaign() throws Exception {
    create("upload");
    String csv = "Email,Name\r\nann@example.com,Ann\r\nnot-an-address,X\r\nANN@example.com,Ann again\r\nbob@example.com,\"Bob, Jr.\"\r\n";

    HttpResponse<String> r = send("POST", "/v1/campaigns/upload/recipients", keyA, "text/csv", csv);

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    JsonNode report = JSON.readTree(r.body());
    assertThat(report.get("accepted").asInt()).isEqualTo(2);
    assertThat(report.get("rejectedTotal").asInt()).isEqualTo(1);
    assertThat(report.get("duplicates").asInt()).isEqualTo(1);
    assertThat(report.get("suppressed").asInt()).isZero();
    assertThat(report.get("rejected").get(0).get("line").asInt()).isEqualTo(3);
    assertThat(report.get("rejected").get(0).get("email").asText()).isEqualTo("not-an-address");
    assertThat(report.get("rejected").get(0).get("reason").asText()).contains("not a valid email address");
    assertThat(total("upload")).isEqualTo(2);

    // A second upload continues the numbering and the campaign learns the new end.
    HttpResponse<String> again =
        send("POST", "/v1/campaigns/upload/recipients", keyA, "text/csv; charset=UTF-8", "email\ncarl@example.com\n");
    assertThat(JSON.readTree(again.body()).get("accepted").asInt()).isEqualTo(1);
    assertThat(total("upload")).isEqualTo(3);
    assertThat(recipients.lastSeq(tenantA, "upload").toCompletableFuture().join()).isEqualTo(3);
  }

  @Test
  void roleAddressesAreRejectedWithTheirReasonAndCounted() throws Exception {
    create("roles");

    HttpResponse<String> r =
        send("POST", "/v1/campaigns/roles/recipients", keyA, "text/csv", "email\nann@example.com\nINFO@example.com\n");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode report = JSON.readTree(r.body());
    assertThat(report.get("accepted").asInt()).isEqualTo(1);
    assertThat(report.get("roleAddresses").asInt()).isEqualTo(1);
    assertThat(report.get("rejectedTotal").asInt()).isEqualTo(1);
    assertThat(report.get("rejected").get(0).get("line").asInt()).isEqualTo(3);
    assertThat(report.get("rejected").get(0).get("reason").asText()).isEqualTo("role address");
    assertThat(total("roles")).isEqualTo(1);
  }

  @Test
  void aStreamedUploadWithoutALengthIsReadToo() throws Exception {
    create("streamed");
    StringBuilder csv = new StringBuilder("email,company\n");
    IntStream.range(0, 500).forEach(i -> csv.append("r").append(i).append("@example.com,Acme\n"));
    byte[] bytes = csv.toString().getBytes(StandardCharsets.UTF_8);

    HttpResponse<String> r =
        http.send(
            request("/v1/campaigns/streamed/recipients", keyA)
                .header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes)))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(JSON.readTree(r.body()).get("accepted").asInt()).isEqualTo(500);
  }

  @Test
  void uploadsOverALimitAre413AndLeaveNothing() throws Exception {
    create("limits");
    StringBuilder rows = new StringBuilder("email\n");
    IntStream.range(0, MAX_CSV_ROWS + 1).forEach(i -> rows.append("r").append(i).append("@x.io\n"));
    assertThat(rows.length()).isLessThan(MAX_CSV_BYTES);
    assertThat(assertProblem(send("POST", "/v1/campaigns/limits/recipients", keyA, "text/csv", rows.toString()), 413).get("detail").asText())
        .isEqualTo("the CSV has more than " + MAX_CSV_ROWS + " rows");

    StringBuilder big = new StringBuilder("email,note\n");
    while (big.length() <= MAX_CSV_BYTES) big.append("a").append(big.length()).append("@example.com,").append("x".repeat(100)).append('\n');
    assertProblem(send("POST", "/v1/campaigns/limits/recipients", keyA, "text/csv", big.toString()), 413);
    byte[] chunked = big.toString().getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> streamed =
        http.send(
            request("/v1/campaigns/limits/recipients", keyA)
                .header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(chunked)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertProblem(streamed, 413);

    assertThat(recipients.lastSeq(tenantA, "limits").toCompletableFuture().join()).isZero();
    assertThat(total("limits")).isZero();
  }

  @Test
  void uploadsAreRefusedForTheWrongTypeABadFileOrAFinishedOrMissingCampaign() throws Exception {
    create("refusals");
    assertThat(assertProblem(send("POST", "/v1/campaigns/refusals/recipients", keyA, "application/json", "{}"), 415).get("detail").asText())
        .contains("text/csv");
    assertProblem(send("POST", "/v1/campaigns/refusals/recipients", keyA, "text/csv; charset=ISO-8859-1", "email\n"), 415);
    assertThat(assertProblem(send("POST", "/v1/campaigns/refusals/recipients", keyA, "text/csv", "name\nAnn\n"), 400).get("detail").asText())
        .contains("'email' column");
    assertProblem(send("POST", "/v1/campaigns/nobody/recipients", keyA, "text/csv", "email\na@example.com\n"), 404);

    assertThat(send("POST", "/v1/campaigns/refusals/cancel", keyA, null, null).statusCode()).isEqualTo(200);
    assertThat(assertProblem(send("POST", "/v1/campaigns/refusals/recipients", keyA, "text/csv", "email\na@example.com\n"), 409).get("detail").asText())
        .contains("cancelled");
  }

  @Test
  void transitionsAnswerTheCampaignOrAConflictThatSaysWhy() throws Exception {
    create("life");
    assertThat(assertProblem(send("POST", "/v1/campaigns/life/start", keyA, null, null), 409).get("detail").asText())
        .isEqualTo("the campaign has no recipients; upload them first");
    send("POST", "/v1/campaigns/life/recipients", keyA, "text/csv", "email\nann@example.com\n");

    assertThat(status(send("POST", "/v1/campaigns/life/start", keyA, null, null))).isEqualTo("running");
    assertThat(status(send("POST", "/v1/campaigns/life/pause", keyA, null, null))).isEqualTo("paused");
    assertThat(status(send("POST", "/v1/campaigns/life/resume", keyA, null, null))).isEqualTo("running");
    assertThat(status(send("POST", "/v1/campaigns/life/cancel", keyA, null, null))).isEqualTo("cancelled");
    assertProblem(send("POST", "/v1/campaigns/life/resume", keyA, null, null), 409);
    assertProblem(send("POST", "/v1/campaigns/nobody/start", keyA, null, null), 404);
    assertProblem(send("GET", "/v1/campaigns/life/start", keyA, null, null), 405);
  }

  @Test
  void anotherTenantsCampaignIsNotFound() throws Exception {
    create("private");
    assertProblem(send("GET", "/v1/campaigns/private", keyB, null, null), 404);
    assertProblem(send("POST", "/v1/campaigns/private/start", keyB, null, null), 404);
    assertProblem(send("POST", "/v1/campaigns/private/recipients", keyB, "text/csv", "email\na@example.com\n"), 404);
    assertProblem(send("GET", "/v1/campaigns/bad%7Cid", keyA, null, null), 404);
  }

  @Test
  void listsCampaignsFromTheReadModel() throws Exception {
    for (String[] row : new String[][] {{"l1", "running"}, {"l2", "draft"}, {"l3", "running"}, {"l4", "running"}}) {
      try (Connection c = database.dataSource().getConnection();
          PreparedStatement s =
              c.prepareStatement(
                  "INSERT INTO campaign_view VALUES (?, ?, ?, ?, NULL, 10, 4, 1, 1, 1, ?, ?)")) {
        s.setString(1, tenantA);
        s.setString(2, row[0]);
        s.setString(3, "List " + row[0]);
        s.setString(4, row[1]);
        s.setTimestamp(5, Timestamp.from(Instant.parse("2026-05-01T10:00:00Z")));
        s.setTimestamp(6, Timestamp.from(Instant.parse("2026-05-01T11:00:00Z")));
        s.executeUpdate();
        c.commit();
      }
    }

    JsonNode first = JSON.readTree(send("GET", "/v1/campaigns?status=running&limit=2", keyA, null, null).body());
    assertThat(first.get("items")).extracting(n -> n.get("id").asText()).containsExactly("l1", "l3");
    assertThat(first.get("items").get(0).get("counts").toString())
        .isEqualTo("{\"total\":10,\"pending\":3,\"sent\":4,\"failed\":1,\"bounced\":1,\"suppressed\":1}");
    assertThat(first.get("nextCursor").asText()).isEqualTo("l3");
    JsonNode rest = JSON.readTree(send("GET", "/v1/campaigns?status=running&limit=2&cursor=l3", keyA, null, null).body());
    assertThat(rest.get("items")).extracting(n -> n.get("id").asText()).containsExactly("l4");
    assertThat(rest.has("nextCursor")).isFalse();

    assertThat(JSON.readTree(send("GET", "/v1/campaigns", keyB, null, null).body()).get("items")).isEmpty();
    assertProblem(send("GET", "/v1/campaigns?status=sending", keyA, null, null), 400);
    assertProblem(send("GET", "/v1/campaigns?limit=0", keyA, null, null), 400);
  }

  @Test
  void oneClickUnsubscribeSuppressesTheAddressForItsTenant() throws Exception {
    String token = token(tenantA, "c-unsub", "Dana@Example.com");

    HttpResponse<String> r = send("POST", "/u/" + token, null, "application/x-www-form-urlencoded", "List-Unsubscribe=One-Click");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
    assertThat(r.headers().firstValue("Set-Cookie")).isEmpty();
    assertThat(suppressions.contains(tenantA, "dana@example.com").toCompletableFuture().join()).isTrue();

    // The next upload skips the address.
    create("after-unsub");
    JsonNode report =
        JSON.readTree(send("POST", "/v1/campaigns/after-unsub/recipients", keyA, "text/csv", "email\ndana@example.com\neve@example.com\n").body());
    assertThat(report.get("suppressed").asInt()).isEqualTo(1);
    assertThat(report.get("accepted").asInt()).isEqualTo(1);
  }

  @Test
  void oneClickAcceptsMultipartAndRefusesAnythingElse() throws Exception {
    String token = token(tenantA, "c-multi", "fred@example.com");
    String multipart =
        "--b0undary\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\nOne-Click\r\n--b0undary--\r\n";
    assertThat(send("POST", "/u/" + token, null, "multipart/form-data; boundary=b0undary", multipart).statusCode()).isEqualTo(200);
    assertThat(suppressions.contains(tenantA, "fred@example.com").toCompletableFuture().join()).isTrue();

    String other = token(tenantA, "c-multi", "gina@example.com");
    assertProblem(send("POST", "/u/" + other, null, "application/x-www-form-urlencoded", "List-Unsubscribe=Later"), 400);
    assertProblem(send("POST", "/u/" + other, null, "text/plain", "List-Unsubscribe=One-Click"), 415);
    assertThat(suppressions.contains(tenantA, "gina@example.com").toCompletableFuture().join()).isFalse();
  }

  @Test
  void followingTheLinkShowsAnEscapedConfirmationAndSuppresses() throws Exception {
    String email = "\"<b>hi</b>&\"@example.com";
    HttpResponse<String> r = send("GET", "/u/" + token(tenantA, "c-page", email), null, null, null);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
    assertThat(r.headers().firstValue("Cache-Control")).contains("no-store");
    assertThat(r.body()).contains("&quot;&lt;b&gt;hi&lt;/b&gt;&amp;&quot;@example.com").doesNotContain("<b>hi");
    assertThat(suppressions.contains(tenantA, email).toCompletableFuture().join()).isTrue();
  }

  @Test
  void aForgedOrAlteredTokenIsNotFound() throws Exception {
    String token = token(tenantA, "c-forged", "hank@example.com");
    char last = token.charAt(token.length() - 2);
    String altered = token.substring(0, token.length() - 2) + (last == 'A' ? 'B' : 'A') + token.charAt(token.length() - 1);
    String foreign = new UnsubscribeToken(new byte[32]).sign(new UnsubscribeToken.Subject(tenantA, "c-forged", "hank@example.com"));

    assertProblem(send("GET", "/u/" + altered, null, null, null), 404);
    assertProblem(send("POST", "/u/" + foreign, null, "application/x-www-form-urlencoded", "List-Unsubscribe=One-Click"), 404);
    assertProblem(send("GET", "/u/not-a-token", null, null, null), 404);
    assertThat(suppressions.contains(tenantA, "hank@example.com").toCompletableFuture().join()).isFalse();
  }

  private static String token(String tenant, String campaign, String email) {
    return new UnsubscribeToken(TOKEN_KEY).sign(new UnsubscribeToken.Subject(tenant, campaign, email));
  }

  private static void create(String id) throws Exception {
    HttpResponse<String> r = send("POST", "/v1/campaigns", keyA, "application/json", minimal(id));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
  }

  private static String minimal(String id) {
    return (id == null ? "{" : "{\"id\":\"" + id + "\",")
        + "\"name\":\"n\",\"subject\":\"Hi {name}\",\"text\":\"Hello\",\"accounts\":[\"acc-1\"],\"footer\":{\"address\":\"1 Main St\"}}";
  }

  private static int total(String id) throws Exception {
    return JSON.readTree(send("GET", "/v1/campaigns/" + id, keyA, null, null).body()).get("counts").get("total").asInt();
  }

  private static String status(HttpResponse<String> r) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body()).get("status").asText();
  }

  private static HttpRequest.Builder request(String path, String key) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    if (key != null) b.header("Authorization", "Bearer " + key);
    return b;
  }

  private static HttpResponse<String> send(String method, String path, String key, String contentType, String body)
      throws Exception {
    HttpRequest.Builder b = request(path, key);
    if (contentType != null) b.header("Content-Type", contentType);
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode assertProblem(HttpResponse<String> r, int status) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
    JsonNode p = JSON.readTree(r.body());
    assertThat(p.get("status").asInt()).isEqualTo(status);
    assertThat(p.get("detail").asText()).isNotBlank();
    return p;
  }

  /** Stands in for the Campaign entity: its replies and status rules, none of its sending. */
  private static final class StandInCampaign {

    private static final List<CampaignStatus> NOT_FINISHED =
        List.of(CampaignStatus.DRAFT, CampaignStatus.RUNNING, CampaignStatus.PAUSED);

    private final String tenantId;
    private final String campaignId;
    private CampaignView view;

    private StandInCampaign(String entityId) {
      this.tenantId = EntityIds.tenantOf(entityId);
      this.campaignId = EntityIds.localIdOf(entityId);
    }

    static Behavior<CampaignCommand> create(String entityId) {
      StandInCampaign campaign = new StandInCampaign(entityId);
      return Behaviors.receiveMessage(
          command -> {
            campaign.handle(command);
            return Behaviors.same();
          });
    }

    private void handle(CampaignCommand command) {
      if (command instanceof CampaignCommand.Create c) {
        if (view != null) {
          c.replyTo().tell(new CampaignReply.AlreadyExists(campaignId));
          return;
        }
        view = new CampaignView(tenantId, campaignId, c.spec(), CampaignStatus.DRAFT, Optional.empty(), counts(0), Instant.now());
        c.replyTo().tell(new CampaignReply.Found(view));
      } else if (command instanceof CampaignCommand.Get g) {
        g.replyTo().tell(view == null ? new CampaignReply.NotFound(campaignId) : new CampaignReply.Found(view));
      } else if (command instanceof CampaignCommand.RecipientsAdded r) {
        if (refused(r.replyTo(), NOT_FINISHED, "recipients cannot be added")) return;
        view = with(view.status(), counts((int) Math.max(r.lastSeq(), view.counts().total())));
        r.replyTo().tell(new CampaignReply.Found(view));
      } else if (command instanceof CampaignCommand.Start s) {
        if (refused(s.replyTo(), List.of(CampaignStatus.DRAFT), "only a draft campaign can be started")) return;
        if (view.counts().total() == 0) {
          s.replyTo().tell(new CampaignReply.NotAllowed(view.status(), "the campaign has no recipients; upload them first"));
          return;
        }
        move(s.replyTo(), CampaignStatus.RUNNING);
      } else if (command instanceof CampaignCommand.Pause p) {
        if (!refused(p.replyTo(), List.of(CampaignStatus.RUNNING), "only a running campaign can be paused")) move(p.replyTo(), CampaignStatus.PAUSED);
      } else if (command instanceof CampaignCommand.Resume r) {
        if (!refused(r.replyTo(), List.of(CampaignStatus.PAUSED), "only a paused campaign can be resumed")) move(r.replyTo(), CampaignStatus.RUNNING);
      } else if (command instanceof CampaignCommand.Cancel c) {
        if (!refused(c.replyTo(), NOT_FINISHED, "the campaign is finished")) move(c.replyTo(), CampaignStatus.CANCELLED);
      }
    }

    private boolean refused(akka.actor.typed.ActorRef<CampaignReply> replyTo, List<CampaignStatus> allowed, String detail) {
      if (view == null) {
        replyTo.tell(new CampaignReply.NotFound(campaignId));
        return true;
      }
      if (!allowed.contains(view.status())) {
        replyTo.tell(new CampaignReply.NotAllowed(view.status(), detail + " (" + view.status().wireName() + ")"));
        return true;
      }
      return false;
    }

    private void move(akka.actor.typed.ActorRef<CampaignReply> replyTo, CampaignStatus status) {
      view = with(status, view.counts());
      replyTo.tell(new CampaignReply.Found(view));
    }

    private CampaignView with(CampaignStatus status, CampaignCounts counts) {
      return new CampaignView(tenantId, campaignId, view.spec(), status, Optional.empty(), counts, view.createdAt());
    }

    private static CampaignCounts counts(int total) {
      return new CampaignCounts(total, total, 0, 0, 0, 0, 0, 0, 0);
    }
  }
}
