package outreach.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.EntityRef;
import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.typesafe.config.ConfigFactory;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import outreach.protocol.domain.DomainCommand;
import outreach.protocol.domain.DomainView;
import outreach.protocol.domain.RecipientDomainKeys;

/**
 * The audit trail: an account's journal through the API and its state at past instants, also from the
 * command line; a recipient domain, which tenants share, as each tenant may see it.
 */
class AuditIT {

  private static final String PASSWORD = "audit-secret-password-4411";
  private static final String SHARED = "shared-audit.example.com";
  private static final String ALPHA_ONLY = "alpha-only-audit.example.com";
  private static GreenMail smtp;
  private static InJvmNode node;

  @BeforeAll
  static void start() {
    smtp = new GreenMail(new ServerSetup(InJvmNode.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    smtp.withConfiguration(GreenMailConfiguration.aConfig().withDisabledAuthentication());
    smtp.start();
    node = new InJvmNode(Map.of());
  }

  @AfterAll
  static void stop() {
    if (node != null) node.close();
    if (smtp != null) smtp.stop();
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
    Cli cli = replay("--kind", "account", "--id", tenantId + "|audited", "--at", paused.plusMillis(2).toString());
    assertThat(cli.exit()).isZero();
    assertThat(cli.state().get("state").get("status").asText()).isEqualTo("paused");
    assertThat(cli.output()).doesNotContain(PASSWORD);
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

  /**
   * Two tenants send to one recipient domain through real campaigns; the domain defers. Each tenant's
   * trail and state show its own share and the deferral, equal to what the entity held at each
   * instant, and nothing of the other tenant; a tenant that never sent there gets 404.
   */
  @Test
  void aRecipientDomainShowsEachTenantItsOwnShareOnly() throws Exception {
    String alpha = node.newTenantKey("Alpha");
    String bravo = node.newTenantKey("Bravo");
    String alphaId = tenantOf(alpha);
    String bravoId = tenantOf(bravo);
    createAccount(alpha, "alpha-box", "100/1d");
    // One send a day: bravo's second message is reserved at the domain, refused by the account and released.
    createAccount(bravo, "bravo-box", "1/1d");

    runCampaign(alpha, "alpha-launch", "alpha-box", "a1@" + SHARED, "a2@" + SHARED, "a3@" + SHARED, "a4@" + ALPHA_ONLY);
    await().atMost(Duration.ofSeconds(60)).until(() -> counts(alpha, "alpha-launch").get("sent").asInt() == 4);
    Snapshot afterAlpha = snapshot();

    runCampaign(bravo, "bravo-launch", "bravo-box", "b1@" + SHARED, "b2@" + SHARED);
    await().atMost(Duration.ofSeconds(60)).until(() -> counts(bravo, "bravo-launch").get("sent").asInt() == 1);
    await().atMost(Duration.ofSeconds(30)).until(() -> types(events(bravo, SHARED, "")).contains("ReservationReleased"));
    Snapshot afterBravo = snapshot();

    // A 421 that bravo's sender met: a fact about the domain that holds alpha back too.
    Instant until = Instant.now().plus(Duration.ofMinutes(30)).truncatedTo(ChronoUnit.MILLIS);
    domain(SHARED).tell(new DomainCommand.Defer(until, "421 4.7.0 [bravo-box.bravo-sender.example.com] try again later"));
    await().atMost(Duration.ofSeconds(10)).until(() -> view(SHARED).deferredUntil().isPresent());
    Snapshot deferred = snapshot();

    for (Snapshot snap : List.of(afterAlpha, afterBravo, deferred)) {
      for (Map.Entry<String, String> tenant : Map.of(alpha, alphaId, bravo, bravoId).entrySet()) {
        HttpResponse<String> r = node.call("GET", "/v1/audit/recipient-domain/" + SHARED + "/state?at=" + snap.at(), tenant.getKey(), null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode share = node.json(r).get("state");
        assertThat(share.get("sentOnDay").asInt()).as("sends at " + snap.at())
            .isEqualTo(snap.view().sentTodayByTenant().getOrDefault(tenant.getValue(), 0));
        assertThat(share.get("deferred").asBoolean()).isEqualTo(snap.view().deferredUntil().isPresent());
        assertThat(Optional.ofNullable(share.get("deferredUntil")).map(d -> Instant.parse(d.asText()))).isEqualTo(snap.view().deferredUntil());
        assertThat(share.get("tenantLimits").get(0).asText()).isEqualTo("20/1d");
        assertThat(share.has("system")).isFalse();
        assertThat(share.has("tenants")).isFalse();
      }
    }
    assertThat(afterBravo.view().sentTodayByTenant()).isEqualTo(Map.of(alphaId, 3, bravoId, 1));
    assertThat(deferred.view().deferredUntil()).contains(until);

    List<JsonNode> alphaTrail = events(alpha, SHARED, "");
    List<JsonNode> bravoTrail = events(bravo, SHARED, "");
    assertThat(types(alphaTrail)).endsWith("DomainDeferred").doesNotContain("ReservationReleased");
    assertThat(types(bravoTrail)).contains("SendsReserved", "ReservationReleased").endsWith("DomainDeferred");
    assertThat(reservedMessages(alphaTrail)).hasSize(3);
    assertThat(reservedMessages(bravoTrail)).hasSize(2);
    // Every send the server accepted is settled in the tenant's trail (inside a later reservation or on its
    // own); the one the account refused is released instead.
    List<String> bravoReleased = bravoTrail.stream().filter(i -> i.get("type").asText().equals("ReservationReleased"))
        .map(i -> i.get("event").get("messageId").asText()).toList();
    assertThat(bravoReleased).hasSize(1);
    assertThat(settledMessages(alphaTrail)).containsExactlyInAnyOrderElementsOf(reservedMessages(alphaTrail));
    assertThat(settledMessages(bravoTrail))
        .containsExactlyInAnyOrderElementsOf(reservedMessages(bravoTrail).stream().filter(id -> !bravoReleased.contains(id)).toList());
    // The deferral is the same journal event in both trails, with the journal's sequence number.
    assertThat(alphaTrail.get(alphaTrail.size() - 1).get("sequenceNr")).isEqualTo(bravoTrail.get(bravoTrail.size() - 1).get("sequenceNr"));

    String alphaSees = alphaTrail + node.call("GET", "/v1/audit/recipient-domain/" + SHARED + "/state", alpha, null).body();
    String bravoSees = bravoTrail + node.call("GET", "/v1/audit/recipient-domain/" + SHARED + "/state", bravo, null).body();
    for (String foreign : concat(List.of(bravoId, "bravo-box", "bravo-launch", "bravo-sender", "try again later"), reservedMessages(bravoTrail))) {
      assertThat(alphaSees).doesNotContain(foreign);
    }
    for (String foreign : concat(List.of(alphaId, "alpha-box", "alpha-launch", "bravo-sender"), reservedMessages(alphaTrail))) {
      assertThat(bravoSees).doesNotContain(foreign);
    }

    // Paging filters while reading: every page holds `limit` of the tenant's events while more follow.
    for (String key : List.of(alpha, bravo)) {
      List<JsonNode> all = events(key, SHARED, "");
      List<JsonNode> paged = new ArrayList<>();
      String cursor = "";
      while (true) {
        JsonNode page = node.json(node.call("GET", "/v1/audit/recipient-domain/" + SHARED + "/events?limit=1" + cursor, key, null));
        page.get("items").forEach(paged::add);
        if (!page.has("nextCursor")) break;
        assertThat(page.get("items")).hasSize(1);
        cursor = "&cursor=" + page.get("nextCursor").asText();
      }
      assertThat(paged).isEqualTo(all);
    }

    // Isolation: a domain only alpha sent to is not found for bravo, nor the shared one for a tenant that never sent there.
    assertThat(node.call("GET", "/v1/audit/recipient-domain/" + ALPHA_ONLY + "/events", alpha, null).statusCode()).isEqualTo(200);
    assertThat(node.call("GET", "/v1/audit/recipient-domain/" + ALPHA_ONLY.toUpperCase() + "/state", alpha, null).statusCode()).isEqualTo(200);
    JsonNode hidden = assertProblem(node.call("GET", "/v1/audit/recipient-domain/" + ALPHA_ONLY + "/events", bravo, null), 404);
    // The same answer as for a domain nobody sent to.
    assertThat(hidden.get("detail").asText()).isEqualTo("no recipient-domain '" + ALPHA_ONLY + "'");
    assertProblem(node.call("GET", "/v1/audit/recipient-domain/" + ALPHA_ONLY + "/state", bravo, null), 404);
    assertProblem(node.call("GET", "/v1/audit/recipient-domain/" + ALPHA_ONLY + "/events?cursor=1", bravo, null), 404);
    String charlie = node.newTenantKey("Charlie");
    assertProblem(node.call("GET", "/v1/audit/recipient-domain/" + SHARED + "/events", charlie, null), 404);
    assertProblem(node.call("GET", "/v1/audit/recipient-domain/" + SHARED + "/state", charlie, null), 404);
    assertThat(assertProblem(node.call("GET", "/v1/audit/recipient-domain/never-used.example.com/events", alpha, null), 404).get("detail").asText())
        .isEqualTo("no recipient-domain 'never-used.example.com'");
    for (String nonsense : List.of("localhost", "10.0.0.1", "x..example.com", "-x.example.com", "a_b.example.com", "%20")) {
      assertProblem(node.call("GET", "/v1/audit/recipient-domain/" + nonsense + "/events", alpha, null), 404);
    }
    assertThat(node.call("GET", "/v1/audit/recipient-domain/" + SHARED + "/events", null, null).statusCode()).isEqualTo(401);
    assertThat(node.call("GET", "/v1/audit/recipient-domain/" + SHARED + "/state", null, null).statusCode()).isEqualTo(401);

    // The command line: the whole domain for the operator, or one tenant's share as the API shows it.
    Cli whole = replay("--kind", "recipient-domain", "--id", SHARED, "--at", afterBravo.at().toString());
    assertThat(whole.exit()).as(whole.output()).isZero();
    assertThat(whole.state().get("state").get("tenants").get(alphaId).get("grantedOnDay").asInt()).isEqualTo(3);
    assertThat(whole.state().get("state").get("tenants").get(bravoId).get("grantedOnDay").asInt()).isEqualTo(1);
    Cli bravoShare = replay("--kind", "recipient-domain", "--id", SHARED, "--tenant", bravoId, "--at", afterBravo.at().toString());
    assertThat(bravoShare.exit()).as(bravoShare.output()).isZero();
    JsonNode apiShare = node.json(node.call("GET", "/v1/audit/recipient-domain/" + SHARED + "/state?at=" + afterBravo.at(), bravo, null));
    assertThat(bravoShare.state().get("state")).isEqualTo(apiShare.get("state"));
    assertThat(bravoShare.state().get("sequenceNr")).isEqualTo(apiShare.get("sequenceNr"));
    assertThat(bravoShare.state().toString()).doesNotContain(alphaId);
    assertThat(replay("--kind", "recipient-domain", "--id", ALPHA_ONLY, "--tenant", bravoId).exit()).isEqualTo(1);
  }

  /**
   * A campaign journals each step's events as one entry: its trail shows a round's dispatches together, in a
   * {@code Batch} that holds them in order with their types, and its state is the fold of whole entries.
   */
  @Test
  void aCampaignsTrailShowsTheEventsOfEachStepTogetherInOrder() throws Exception {
    String key = node.newTenantKey("Steps");
    List<String> accounts = List.of("step-a", "step-b", "step-c");
    for (String a : accounts) createAccount(key, a, "100/1d");
    List<String> recipients = new ArrayList<>();
    for (int i = 1; i <= 6; i++) recipients.add("s" + i + "@steps.example.com");
    runCampaign(key, "steps", accounts, recipients.toArray(String[]::new));
    await().atMost(Duration.ofSeconds(60))
        .until(() -> node.json(node.call("GET", "/v1/campaigns/steps", key, null)).get("status").asText().equals("completed"));

    HttpResponse<String> trail = node.call("GET", "/v1/audit/campaign/steps/events?limit=500", key, null);
    assertThat(trail.statusCode()).as(trail.body()).isEqualTo(200);
    List<String> steps = new ArrayList<>();
    List<JsonNode> batches = new ArrayList<>();
    for (JsonNode item : node.json(trail).get("items")) {
      if (!item.get("type").asText().equals("Batch")) {
        steps.add(step(item.get("type").asText(), item.get("event")));
        continue;
      }
      batches.add(item.get("event"));
      item.get("event").get("events").forEach(e -> steps.add(step(e.get("type").asText(), e)));
    }
    // The first round dispatched to the three accounts at once: one entry.
    assertThat(batches).isNotEmpty();
    assertThat(batches.get(0).get("events")).extracting(e -> e.get("type").asText())
        .containsExactly("RecipientDispatched", "RecipientDispatched", "RecipientDispatched");
    assertThat(steps).startsWith("CampaignCreated", "RecipientsAdded", "CampaignStarted").endsWith("CampaignCompleted");
    for (int seq = 1; seq <= 6; seq++) {
      assertThat(steps).containsOnlyOnce("RecipientDispatched " + seq, "RecipientSent " + seq);
      assertThat(steps.indexOf("RecipientDispatched " + seq)).isLessThan(steps.indexOf("RecipientSent " + seq));
    }

    JsonNode state = node.json(node.call("GET", "/v1/audit/campaign/steps/state", key, null)).get("state");
    assertThat(state.get("status").asText()).isEqualTo("completed");
    assertThat(state.get("tally").get("sent").asInt()).isEqualTo(6);
    assertThat(state.get("inFlight")).isEmpty();
  }

  /** An event of a campaign's trail as its type, and the recipient's sequence number when it is about one. */
  private static String step(String type, JsonNode event) {
    return event.has("seq") ? type + " " + event.get("seq").asLong() : type;
  }

  private static void createAccount(String key, String id, String limit) throws Exception {
    HttpResponse<String> r =
        node.call("POST", "/v1/accounts", key,
            "{\"id\":\"" + id + "\",\"host\":\"127.0.0.1\",\"port\":" + smtp.getSmtp().getPort()
                + ",\"security\":\"none\",\"username\":\"" + id + "\",\"password\":\"pw\",\"fromAddress\":\"" + id
                + "@sender.example.com\",\"limits\":[\"" + limit + "\"],\"warmUp\":{\"enabled\":false}}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
  }

  private static void runCampaign(String key, String id, String account, String... recipients) throws Exception {
    runCampaign(key, id, List.of(account), recipients);
  }

  private static void runCampaign(String key, String id, List<String> accounts, String... recipients) throws Exception {
    HttpResponse<String> created =
        node.call("POST", "/v1/campaigns", key,
            "{\"id\":\"" + id + "\",\"name\":\"" + id + "\",\"subject\":\"Hello\",\"text\":\"Hi\",\"accounts\":[\"" + String.join("\",\"", accounts) + "\"],"
                + "\"footer\":{\"address\":\"Acme Inc., 1 Main St, Springfield\"}}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    HttpResponse<String> upload =
        node.send("POST", "/v1/campaigns/" + id + "/recipients", key, "text/csv", "email\n" + String.join("\n", recipients) + "\n");
    assertThat(upload.statusCode()).as(upload.body()).isEqualTo(200);
    assertThat(node.call("POST", "/v1/campaigns/" + id + "/start", key, null).statusCode()).isEqualTo(200);
  }

  private static JsonNode counts(String key, String campaign) throws Exception {
    return node.json(node.call("GET", "/v1/campaigns/" + campaign, key, null)).get("counts");
  }

  /** The tenant's whole trail of a recipient domain, in one page. */
  private static List<JsonNode> events(String key, String domain, String query) throws Exception {
    HttpResponse<String> r = node.call("GET", "/v1/audit/recipient-domain/" + domain + "/events?limit=500" + query, key, null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    List<JsonNode> items = new ArrayList<>();
    node.json(r).get("items").forEach(items::add);
    return items;
  }

  private static List<String> types(List<JsonNode> items) {
    return items.stream().map(i -> i.get("type").asText()).toList();
  }

  private static List<String> reservedMessages(List<JsonNode> items) {
    List<String> ids = new ArrayList<>();
    for (JsonNode i : items) {
      if (i.get("type").asText().equals("SendsReserved")) i.get("event").get("reservations").forEach(r -> ids.add(r.get("messageId").asText()));
    }
    return ids;
  }

  /** The messages whose sends the trail settles: in a reservation's {@code settled}, or a settlement of their own. */
  private static List<String> settledMessages(List<JsonNode> items) {
    List<String> ids = new ArrayList<>();
    for (JsonNode i : items) {
      String type = i.get("type").asText();
      if (type.equals("SendsReserved")) i.get("event").get("settled").forEach(id -> ids.add(id.asText()));
      if (type.equals("SendsSettled")) i.get("event").get("messageIds").forEach(id -> ids.add(id.asText()));
    }
    return ids;
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  /** What the entity itself held at an instant, asked of the running entity. */
  private record Snapshot(Instant at, DomainView view) {}

  private static Snapshot snapshot() throws Exception {
    DomainView view = view(SHARED);
    Instant at = Instant.now();
    // Journal timestamps have millisecond precision: what comes next is written strictly later.
    await().atMost(Duration.ofSeconds(1)).until(() -> Instant.now().isAfter(at.plusMillis(5)));
    return new Snapshot(at, view);
  }

  private static EntityRef<DomainCommand> domain(String name) {
    return ClusterSharding.get(node.node.system()).entityRefFor(RecipientDomainKeys.ENTITY_KEY, RecipientDomainKeys.entityId(name));
  }

  private static DomainView view(String name) throws Exception {
    return domain(name).<DomainView>ask(DomainCommand.Get::new, Duration.ofSeconds(10)).toCompletableFuture().get(15, TimeUnit.SECONDS);
  }

  /** What the command line printed, and its exit status. */
  private record Cli(int exit, String output) {
    /** The state is the last line; log lines of the node running in this JVM may come before it. */
    JsonNode state() throws Exception {
      String[] lines = output.strip().split("\n");
      return InJvmNode.JSON.readTree(lines[lines.length - 1]);
    }
  }

  /** {@code outreach replay ...} against the node's database, in this JVM. */
  private static Cli replay(String... args) {
    System.setProperty("outreach.db.url", node.postgres.jdbcUrl());
    System.setProperty("outreach.db.user", "postgres");
    System.setProperty("outreach.db.password", "");
    ConfigFactory.invalidateCaches();
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      int exit = Main.run(concat(List.of("replay"), List.of(args)).toArray(String[]::new));
      return new Cli(exit, out.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(original);
      System.clearProperty("outreach.db.url");
      System.clearProperty("outreach.db.user");
      System.clearProperty("outreach.db.password");
      ConfigFactory.invalidateCaches();
    }
  }

  private static JsonNode assertProblem(HttpResponse<String> r, int status) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
    return node.json(r);
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
