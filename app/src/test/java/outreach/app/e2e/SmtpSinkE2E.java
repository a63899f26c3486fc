package outreach.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Sending against a real SMTP server, Postfix's smtp-sink, driven only through the HTTP API of the runnable
 * jar: hard bounces, soft rejections retried on schedule, a 421 that rests the recipient's domain, refused
 * credentials, and kill -9 of the node that runs a campaign.
 *
 * <p>The first four run on one node whose retry delays and domain deferral are shortened by system properties;
 * the last on three nodes. Each test has its own tenant and its own sinks.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SmtpSinkE2E {

  private static final String TEST = "SmtpSinkE2E";
  /** The node's retry delays (outreach.campaign.retry-delays); 4 attempts in all. */
  private static final List<Duration> RETRY_DELAYS = List.of(Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(6));
  /** How long a domain that answered 421 rests (outreach.campaign.domain-deferral). */
  private static final Duration DEFERRAL = Duration.ofSeconds(8);
  /** Log lines are stamped when the test reads them: a little later than the sink wrote them. */
  private static final Duration CLOCK_SLACK = Duration.ofMillis(250);
  /** How late a scheduled retry may come on a busy 2-core machine. */
  private static final Duration SCHEDULE_SLACK = Duration.ofSeconds(3);
  private static final String FOOTER = "Acme Inc., 1 Main St, Springfield";
  private static final String HARD_BOUNCE = "550 5.1.1 User unknown";
  private static final String MAILBOX_FULL = "452 4.2.2 Mailbox full";
  private static final String BAD_CREDENTIALS = "535 5.7.8 Authentication credentials invalid";

  private ClusterHarness single;
  private final List<SmtpSink> sinks = new ArrayList<>();

  @BeforeAll
  void requireSmtpSink() {
    SmtpSink.requireInstalled();
  }

  @AfterEach
  void stopSinks() {
    sinks.forEach(SmtpSink::close);
    sinks.clear();
  }

  @AfterAll
  void stopNode() {
    closeSingleNode();
  }

  // ---------------------------------------------------------------- 1. hard bounce

  @Test
  @Order(1)
  void hardBounceIsCountedOnceNeverRetriedAndSuppressedForTheTenant() throws SQLException {
    ClusterHarness cluster = singleNode();
    Tenant t = Tenant.create(cluster, 1, "Bounces");
    SmtpSink rejecting = sink("bounce", "rejecting", "-a", "-f", "RCPT", "-B", HARD_BOUNCE);
    SmtpSink accepting = sink("bounce", "accepting", "-a");
    t.createAccount("rejecting", rejecting, "60/1m", "1000/1d");
    t.createAccount("accepting", accepting, "60/1m", "1000/1d");

    List<String> unknown = List.of(
        "gone1@bounce-a.example.com", "gone2@bounce-a.example.com", "gone3@bounce-b.example.com",
        "gone4@bounce-b.example.com", "gone5@bounce-b.example.com");
    t.createCampaign("cold-1", List.of("rejecting"), null);
    JsonNode upload = t.upload("cold-1", unknown);
    assertThat(upload.path("accepted").asInt()).as("%s", upload).isEqualTo(unknown.size());
    t.start("cold-1");
    JsonNode done = t.awaitCampaign("cold-1", "completed", Duration.ofSeconds(60), null);

    assertCounts(done, Map.of("total", 5, "sent", 0, "bounced", 5, "failed", 0, "pending", 0, "inFlight", 0, "deferred", 0));
    assertThat(rejecting.messages()).as("messages the rejecting sink accepted").isEmpty();
    assertThat(rejecting.commands("DATA")).as("DATA commands at the rejecting sink").isEmpty();
    for (String address : unknown) {
      assertThat(rejecting.rcptAttempts(address)).as("RCPT TO attempts for %s (a hard bounce is never retried)", address)
          .hasSize(1);
    }
    assertThat(rejecting.commands("RCPT")).as("every RCPT the rejecting sink saw").hasSize(unknown.size());
    JsonNode account = t.account("rejecting");
    assertThat(account.path("state").asText()).as("a bounce is not the account's fault: %s", account).isEqualTo("active");
    assertThat(account.path("consecutiveFailures").asInt()).as("%s", account).isZero();

    // The projection writes the suppression list from the RecipientBounced events.
    AtomicReference<Map<String, String>> rows = new AtomicReference<>(Map.of());
    cluster.await(
        "suppression rows for the 5 hard bounces of tenant " + t.id,
        Duration.ofSeconds(20),
        Duration.ofMillis(250),
        () -> {
          rows.set(suppression(cluster, t.id));
          return rows.get().size() >= unknown.size();
        },
        () -> "rows: " + rows.get());
    assertThat(rows.get().keySet()).containsExactlyInAnyOrderElementsOf(unknown);
    assertThat(rows.get().values()).as("reasons").containsOnly("hard-bounce");

    // A later campaign of the tenant skips them at upload, whatever their case.
    List<String> fresh = List.of("new1@bounce-a.example.com", "new2@bounce-b.example.com", "new3@bounce-c.example.com");
    List<String> second = new ArrayList<>(fresh);
    second.addAll(unknown.subList(0, 4));
    second.add(unknown.get(4).toUpperCase(Locale.ROOT));
    t.createCampaign("cold-2", List.of("accepting"), null);
    JsonNode again = t.upload("cold-2", second);
    assertThat(again.path("suppressed").asInt()).as("%s", again).isEqualTo(unknown.size());
    assertThat(again.path("accepted").asInt()).as("%s", again).isEqualTo(fresh.size());
    t.start("cold-2");
    JsonNode done2 = t.awaitCampaign("cold-2", "completed", Duration.ofSeconds(60), null);
    assertCounts(done2, Map.of("total", 3, "sent", 3, "bounced", 0, "failed", 0));
    assertThat(recipientsOf(accepting.messages())).containsExactlyInAnyOrderElementsOf(fresh);
    assertThat(rejecting.commands("RCPT")).as("RCPTs at the rejecting sink after the second campaign").hasSize(unknown.size());
  }

  // ---------------------------------------------------------------- 2. soft failure

  @Test
  @Order(2)
  void softRejectionIsRetriedOnScheduleThenCountedFailed() {
    ClusterHarness cluster = singleNode();
    Tenant t = Tenant.create(cluster, 1, "Soft");
    SmtpSink full = sink("soft", "mailbox-full", "-a", "-r", "RCPT", "-b", MAILBOX_FULL);
    t.createAccount("full-box", full, "60/1m", "1000/1d");
    String recipient = "busy@soft.example.com";
    t.createCampaign("retries", List.of("full-box"), null);
    t.upload("retries", List.of(recipient));
    t.start("retries");

    List<JsonNode> waiting = new ArrayList<>();
    Duration schedule = RETRY_DELAYS.stream().reduce(Duration.ZERO, Duration::plus);
    JsonNode done =
        t.awaitCampaign(
            "retries",
            "completed",
            schedule.plusSeconds(40),
            c -> {
              if (c.path("counts").path("deferred").asInt() == 1) waiting.add(c);
            });

    assertCounts(done, Map.of("total", 1, "sent", 0, "failed", 1, "bounced", 0, "deferred", 0, "pending", 0));
    assertThat(waiting).as("GET showed the recipient deferred between attempts").isNotEmpty();
    List<Instant> attempts = full.rcptAttempts(recipient);
    System.out.println(TEST + ": soft rejection, RCPT attempts " + gaps(attempts) + " (configured " + RETRY_DELAYS + ")");
    assertThat(attempts).as("RCPT attempts for %s: the first and one per retry delay", recipient).hasSize(RETRY_DELAYS.size() + 1);
    for (int i = 1; i < attempts.size(); i++) {
      Duration gap = Duration.between(attempts.get(i - 1), attempts.get(i));
      Duration configured = RETRY_DELAYS.get(i - 1);
      assertThat(gap).as("time between attempt %d and %d (retry delay %s)", i, i + 1, configured)
          .isGreaterThanOrEqualTo(configured.minus(CLOCK_SLACK))
          .isLessThanOrEqualTo(configured.plus(SCHEDULE_SLACK));
    }
    assertThat(full.messages()).isEmpty();
    JsonNode account = t.account("full-box");
    assertThat(account.path("state").asText()).as("a full mailbox is not the account's fault: %s", account).isEqualTo("active");
    assertThat(account.path("consecutiveFailures").asInt()).as("%s", account).isZero();
  }

  // ---------------------------------------------------------------- 3. 421: the domain rests

  @Test
  @Order(3)
  void serviceClosingRestsTheRecipientDomainThenTheMessageIsRetried() {
    ClusterHarness cluster = singleNode();
    Tenant t = Tenant.create(cluster, 1, "Deferral");
    SmtpSink sink = sink("deferral", "throttling", "-a", "-Q", "RCPT");
    t.createAccount("throttled", sink, "60/1m", "1000/1d");
    String first = "a1@slow.example.com";
    String second = "a2@slow.example.com";
    String other = "b1@fast.example.com";
    // One account, 2 s between its sends: the first goes alone, the next one only after the server has recovered.
    t.createCampaign("defer", List.of("throttled"), "2s");
    t.upload("defer", List.of(first, second, other));
    t.start("defer");

    AtomicReference<List<Instant>> seen = new AtomicReference<>(List.of());
    cluster.await(
        "the first RCPT TO:<" + first + "> at the throttling sink",
        Duration.ofSeconds(30),
        Duration.ofMillis(20),
        () -> {
          seen.set(sink.rcptAttempts(first));
          return !seen.get().isEmpty();
        },
        () -> sink + " commands " + sink.commands());
    Instant refusedAt = seen.get().get(0);
    Instant restsUntil = refusedAt.plus(DEFERRAL);
    // The server is fine again; the domain must still be left alone until its deferral ends.
    sink.restart("-a");

    AtomicReference<List<SmtpSink.Message>> received = new AtomicReference<>(List.of());
    cluster.await(
        other + " delivered while slow.example.com rests",
        Duration.ofSeconds(30),
        Duration.ofMillis(100),
        () -> {
          received.set(sink.messages());
          return recipientsOf(received.get()).contains(other);
        },
        () -> "received " + recipientsOf(received.get()));
    JsonNode resting = t.campaign("defer");
    Instant observedAt = Instant.now();
    assertThat(observedAt).as("the machine was too slow to look inside the %s deferral", DEFERRAL).isBefore(restsUntil);
    assertThat(resting.path("status").asText()).as("%s", resting).isEqualTo("running");
    assertThat(resting.path("counts").path("deferred").asInt()).as("deferred while the domain rests: %s", resting).isEqualTo(2);
    assertThat(resting.path("counts").path("sent").asInt()).as("%s", resting).isEqualTo(1);

    JsonNode done = t.awaitCampaign("defer", "completed", DEFERRAL.plusSeconds(40), null);
    assertCounts(done, Map.of("total", 3, "sent", 3, "failed", 0, "bounced", 0, "deferred", 0, "pending", 0));

    List<SmtpSink.Command> slow =
        sink.commands("RCPT").stream().filter(c -> c.address().endsWith("@slow.example.com")).toList();
    System.out.println(TEST + ": 421 at " + refusedAt + "; RCPTs to slow.example.com at "
        + slow.stream().map(c -> c.address() + "+" + E2eSupport.seconds(Duration.between(refusedAt, c.at()).toNanos()) + "s").toList());
    assertThat(sink.rcptAttempts(first)).as("RCPT attempts for %s (421, then once after the deferral)", first).hasSize(2);
    assertThat(sink.rcptAttempts(second)).as("RCPT attempts for %s", second).hasSize(1);
    for (SmtpSink.Command c : slow.subList(1, slow.size())) {
      assertThat(c.at()).as("%s sent %s after the 421; the domain rests %s", c.address(),
              Duration.between(refusedAt, c.at()), DEFERRAL)
          .isAfterOrEqualTo(restsUntil.minus(CLOCK_SLACK));
    }
    List<SmtpSink.Message> messages = sink.messages();
    assertThat(recipientsOf(messages)).containsExactlyInAnyOrder(first, second, other);
    for (SmtpSink.Message m : messages) {
      if (m.toAddress().equals(other)) assertThat(m.receivedAt()).as("%s received during the deferral", other).isBefore(restsUntil);
    }
    JsonNode account = t.account("throttled");
    assertThat(account.path("state").asText()).as("%s", account).isEqualTo("active");
  }

  // ---------------------------------------------------------------- 4. refused credentials

  @Test
  @Order(4)
  void refusedCredentialsDisableTheAccountAndItsMessagesMoveToTheOtherAccount() {
    ClusterHarness cluster = singleNode();
    Tenant t = Tenant.create(cluster, 1, "Auth");
    // This sink announces AUTH and refuses it.
    SmtpSink refusing = sink("auth", "refusing", "-f", "AUTH", "-B", BAD_CREDENTIALS);
    SmtpSink working = sink("auth", "working", "-a");
    t.createAccount("locked-out", refusing, "60/1m", "1000/1d");
    t.createAccount("backup", working, "60/1m", "1000/1d");
    List<String> recipients = new ArrayList<>();
    for (int i = 1; i <= 6; i++) recipients.add("lead" + i + "@auth-" + (i % 2) + ".example.com");
    // The refusing account comes first in the rotation, so it gets the first message.
    t.createCampaign("auth", List.of("locked-out", "backup"), null);
    t.upload("auth", recipients);
    t.start("auth");
    JsonNode done = t.awaitCampaign("auth", "completed", Duration.ofSeconds(60), null);

    assertCounts(done, Map.of("total", 6, "sent", 6, "failed", 0, "bounced", 0, "pending", 0));
    JsonNode locked = t.account("locked-out");
    assertThat(locked.path("state").asText()).as("%s", locked).isEqualTo("disabled");
    assertThat(locked.path("disabledReason").asText()).as("%s", locked).contains("535").contains("5.7.8");
    assertThat(refusing.commands("AUTH")).as("logins tried at the refusing server: disabled at the first refusal").hasSize(1);
    assertThat(refusing.commands("MAIL")).isEmpty();
    assertThat(refusing.messages()).isEmpty();
    List<SmtpSink.Message> delivered = working.messages();
    assertThat(recipientsOf(delivered)).containsExactlyInAnyOrderElementsOf(recipients);
    assertThat(delivered).extracting(SmtpSink.Message::fromAddress).containsOnly("backup@sender.example.com");
    assertThat(t.account("backup").path("state").asText()).isEqualTo("active");
  }

  // ---------------------------------------------------------------- 5. kill -9 mid-campaign

  /**
   * Two accounts, each with its own sink; the one hosted with the campaign (when there is one) gets a sink that
   * answers the end of DATA after 1 s, and the node is killed inside that second: the message has arrived, the
   * account never learns it. The campaign must come back by itself, lose nobody, and re-send only that message,
   * under the same Message-ID.
   */
  @Test
  @Order(5)
  void campaignSurvivesKill9OfItsNode() {
    closeSingleNode();
    int perSecond = 8;
    int domains = 20;
    int recipients = domains * 10;
    List<String> accountIds = List.of("fast-1", "fast-2");
    Map<String, SmtpSink> sinkOf = new LinkedHashMap<>();
    for (String a : accountIds) sinkOf.put(a, sink("kill9", a, "-a"));
    try (ClusterHarness cluster =
        ClusterHarness.builder(TEST + "/three-nodes")
            .nodes(3)
            .env("OUTREACH_GLOBAL_LIMIT", "1000/1m")
            .env("OUTREACH_PUBLIC_URL", "https://links.example.com")
            .jvmArg("-Doutreach.campaign.recheck-interval=2s")
            .start()) {
      Tenant t = Tenant.create(cluster, 1, "Failover");
      Map<String, Integer> accountHosts = new TreeMap<>();
      for (String a : accountIds) {
        t.createAccount(a, sinkOf.get(a), perSecond + "/1s", "10000/1d");
        accountHosts.put(a, cluster.nodeHosting(t.id + "|" + a));
      }
      // Where a new campaign lands is up to shard allocation: try a few ids for one that shares a node with an account.
      String campaign = null;
      int host = 0;
      for (int i = 1; i <= 6 && (campaign == null || !accountHosts.containsValue(host)); i++) {
        campaign = "big-" + i;
        t.createCampaign(campaign, accountIds, null);
        host = cluster.nodeHosting(ClusterHarness.CAMPAIGN_ENTITY_TYPE, t.id + "|" + campaign);
      }
      int killed = host;
      String victim = accountHosts.entrySet().stream().filter(e -> e.getValue() == killed).map(Map.Entry::getKey)
          .findFirst().orElse(null);
      if (victim != null) sinkOf.get(victim).restart("-a", "-W", ".:1");
      long onKilledNode = accountHosts.values().stream().filter(h -> h == killed).count();

      Set<String> expected = new LinkedHashSet<>();
      for (int i = 0; i < recipients; i++) expected.add("p" + i + "@d" + (i % domains) + ".example.com");
      JsonNode upload = t.upload(campaign, expected);
      assertThat(upload.path("accepted").asInt()).as("%s", upload).isEqualTo(recipients);
      long startedAt = System.nanoTime();
      t.start(campaign);

      cluster.await(
          "a quarter of the recipients at the sinks before the kill",
          Duration.ofSeconds(90),
          Duration.ofMillis(100),
          () -> fileCount(sinkOf.values()) >= recipients / 4,
          () -> fileCount(sinkOf.values()) + " files");
      String inFlight = null;
      if (victim != null) {
        SmtpSink slow = sinkOf.get(victim);
        AtomicReference<List<SmtpSink.Command>> log = new AtomicReference<>(List.of());
        cluster.await(
            "a message of " + victim + " waiting for the answer to its end of DATA",
            Duration.ofSeconds(30),
            Duration.ofMillis(10),
            () -> {
              log.set(slow.commands());
              SmtpSink.Command last = log.get().isEmpty() ? null : log.get().get(log.get().size() - 1);
              return last != null && last.verb().equals(".")
                  && Duration.between(last.at(), Instant.now()).compareTo(Duration.ofMillis(400)) < 0;
            },
            () -> "last commands " + log.get().subList(Math.max(0, log.get().size() - 5), log.get().size()));
        List<SmtpSink.Command> rcpts = slow.commands("RCPT");
        inFlight = rcpts.get(rcpts.size() - 1).address();
      }
      Instant killedAt = Instant.now();
      int beforeKill = fileCount(sinkOf.values());
      cluster.kill9(killed);
      System.out.println(TEST + ": campaign " + campaign + " on node " + killed + ", accounts on " + accountHosts
          + "; kill -9 of node " + killed + " after " + E2eSupport.seconds(System.nanoTime() - startedAt) + " s with "
          + beforeKill + " of " + recipients + " received"
          + (victim == null ? "; no account shares the node" : "; " + victim + " was waiting for 250 after DATA for " + inFlight));

      // Nothing asks the campaign now: the keeper alone has to bring it back on a survivor.
      AtomicReference<Instant> resumedAt = new AtomicReference<>();
      cluster.await(
          "sending resumes after kill -9 of node " + killed,
          Duration.ofSeconds(120),
          Duration.ofMillis(200),
          () -> {
            resumedAt.set(resumption(messages(sinkOf.values()), killedAt));
            return resumedAt.get() != null;
          },
          () -> fileCount(sinkOf.values()) + " files");
      Instant firstAfter =
          messages(sinkOf.values()).stream().map(SmtpSink.Message::receivedAt).filter(at -> at.isAfter(killedAt))
              .findFirst().orElseThrow();
      System.out.println(TEST + ": first message received " + secondsBetween(killedAt, firstAfter)
          + " s after the kill; sending resumed " + secondsBetween(killedAt, resumedAt.get()) + " s after the kill");

      long restartAt = System.nanoTime();
      cluster.restart(killed);
      System.out.println(TEST + ": node " + killed + " restarted and all 3 Up "
          + E2eSupport.seconds(System.nanoTime() - restartAt) + " s later");
      t.node = killed == 1 ? 2 : 1;
      JsonNode done = t.awaitCampaign(campaign, "completed", Duration.ofSeconds(120), null);
      System.out.println(TEST + ": campaign completed " + secondsBetween(killedAt, Instant.now()) + " s after the kill: "
          + done.path("counts"));

      List<SmtpSink.Message> messages = messages(sinkOf.values());
      Map<String, List<SmtpSink.Message>> byId = new LinkedHashMap<>();
      for (SmtpSink.Message m : messages) byId.computeIfAbsent(m.messageId(), k -> new ArrayList<>()).add(m);
      int duplicates = messages.size() - byId.size();
      Map<String, Integer> duplicated =
          byId.values().stream().filter(same -> same.size() > 1)
              .collect(Collectors.toMap(same -> same.get(0).toAddress(), List::size));
      System.out.println(TEST + ": " + messages.size() + " messages for " + recipients + " recipients, " + duplicates
          + " duplicate(s) " + duplicated + ", counts.duplicates " + done.path("counts").path("duplicates").asInt());

      assertCounts(done, Map.of("total", recipients, "sent", recipients, "failed", 0, "bounced", 0, "pending", 0));
      assertThat(Set.copyOf(recipientsOf(messages))).as("recipients received at least once").isEqualTo(expected);
      for (List<SmtpSink.Message> same : byId.values()) {
        assertThat(same.stream().map(SmtpSink.Message::toAddress).distinct().count())
            .as("one recipient per Message-ID %s", same.get(0).messageId()).isEqualTo(1);
      }
      assertThat(byId).as("one Message-ID per recipient").hasSize(recipients);
      assertThat((long) duplicates)
          .as("messages received twice: at most one SMTP transaction per account on the killed node was cut off")
          .isLessThanOrEqualTo(onKilledNode);
      assertThat(done.path("counts").path("duplicates").asInt()).as("counts.duplicates admits every duplicate")
          .isGreaterThanOrEqualTo(duplicates)
          .isLessThanOrEqualTo(accountIds.size());
      if (inFlight != null) {
        assertThat(duplicated).as("the message that had arrived when the node died is sent again, same Message-ID")
            .containsEntry(inFlight, 2);
      }
      for (SmtpSink s : sinkOf.values()) assertNoBurstAboveLimit(s.messages(), perSecond);
    }
  }

  // ---------------------------------------------------------------- fixtures

  private ClusterHarness singleNode() {
    if (single == null) {
      ClusterHarness.Builder b =
          ClusterHarness.builder(TEST + "/one-node")
              .nodes(1)
              .env("OUTREACH_GLOBAL_LIMIT", "off")
              .env("OUTREACH_PUBLIC_URL", "https://links.example.com");
      // Typesafe Config reads list elements from indexed system properties.
      for (int i = 0; i < RETRY_DELAYS.size(); i++) {
        b.jvmArg("-Doutreach.campaign.retry-delays." + i + "=" + RETRY_DELAYS.get(i).toSeconds() + "s");
      }
      b.jvmArg("-Doutreach.campaign.domain-deferral=" + DEFERRAL.toSeconds() + "s");
      b.jvmArg("-Doutreach.recipient-domains.deferral=" + DEFERRAL.toSeconds() + "s");
      b.jvmArg("-Doutreach.campaign.recheck-interval=2s");
      long start = System.nanoTime();
      single = b.start();
      System.out.println(TEST + ": one node ready " + E2eSupport.seconds(System.nanoTime() - start) + " s after start");
    }
    return single;
  }

  private void closeSingleNode() {
    if (single != null) {
      single.close();
      single = null;
    }
  }

  private SmtpSink sink(String scenario, String name, String... options) {
    SmtpSink sink = SmtpSink.start(name, E2eSupport.logDir(TEST + "/" + scenario), options);
    sinks.add(sink);
    return sink;
  }

  /** A tenant and its API key, talking to one node of the cluster. */
  private static final class Tenant {
    final ClusterHarness cluster;
    final String id;
    final String key;
    volatile int node;

    private Tenant(ClusterHarness cluster, int node, String id, String key) {
      this.cluster = cluster;
      this.node = node;
      this.id = id;
      this.key = key;
    }

    static Tenant create(ClusterHarness cluster, int node, String name) {
      HttpJson.Response r = cluster.post(node, "/v1/tenants", cluster.adminToken(), Map.of("name", name));
      assertThat(r.status()).as("%s", r).isEqualTo(201);
      return new Tenant(cluster, node, r.requireJson().path("id").asText(), r.requireJson().path("apiKey").asText());
    }

    void createAccount(String accountId, SmtpSink sink, String... limits) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("id", accountId);
      body.put("host", "127.0.0.1");
      body.put("port", sink.port());
      body.put("security", "none");
      body.put("username", accountId);
      body.put("password", "pw-" + accountId);
      body.put("fromAddress", accountId + "@sender.example.com");
      body.put("fromName", "Sales " + accountId);
      body.put("limits", List.of(limits));
      body.put("warmUp", Map.of("enabled", false));
      HttpJson.Response r = cluster.create(node, "/v1/accounts", key, body);
      assertThat(r.status()).as("%s", r).isEqualTo(201);
    }

    void createCampaign(String campaignId, List<String> accounts, String delay) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("id", campaignId);
      body.put("name", "Campaign " + campaignId);
      body.put("subject", "Hello {name}");
      body.put("text", "Hi {name}, a word from us.");
      body.put("accounts", accounts);
      body.put("footer", Map.of("address", FOOTER));
      if (delay != null) body.put("delay", Map.of("min", delay, "max", delay));
      HttpJson.Response r = cluster.create(node, "/v1/campaigns", key, body);
      assertThat(r.status()).as("%s", r).isEqualTo(201);
    }

    JsonNode upload(String campaignId, Collection<String> emails) {
      StringBuilder csv = new StringBuilder("email,name\r\n");
      int i = 0;
      for (String e : emails) csv.append(e).append(",Person ").append(++i).append("\r\n");
      HttpJson.Response r = cluster.post(node, "/v1/campaigns/" + campaignId + "/recipients", key, "text/csv", csv.toString());
      assertThat(r.status()).as("%s", r).isEqualTo(200);
      return r.requireJson();
    }

    void start(String campaignId) {
      HttpJson.Response r = cluster.post(node, "/v1/campaigns/" + campaignId + "/start", key, "application/json", "");
      assertThat(r.status()).as("%s", r).isEqualTo(200);
    }

    JsonNode campaign(String campaignId) {
      HttpJson.Response r = cluster.get(node, "/v1/campaigns/" + campaignId, key);
      assertThat(r.status()).as("%s", r).isEqualTo(200);
      return r.requireJson();
    }

    JsonNode account(String accountId) {
      HttpJson.Response r = cluster.get(node, "/v1/accounts/" + accountId, key);
      assertThat(r.status()).as("%s", r).isEqualTo(200);
      return r.requireJson();
    }

    /** Polls GET /v1/campaigns/{id} until it has {@code status}; every answer goes to {@code each} (may be null). */
    JsonNode awaitCampaign(String campaignId, String status, Duration timeout, Consumer<JsonNode> each) {
      AtomicReference<HttpJson.Response> last = new AtomicReference<>();
      cluster.await(
          "campaign " + campaignId + " " + status,
          timeout,
          Duration.ofMillis(250),
          () -> {
            HttpJson.Response r = cluster.get(node, "/v1/campaigns/" + campaignId, key);
            last.set(r);
            if (r.status() != 200 || r.json() == null) return false;
            if (each != null) each.accept(r.json());
            String now = r.json().path("status").asText();
            if (!now.equals(status) && (now.equals("completed") || now.equals("cancelled") || now.equals("paused"))) {
              throw new AssertionError("campaign " + campaignId + " is " + now + " instead of " + status + ": " + r);
            }
            return now.equals(status);
          },
          () -> String.valueOf(last.get()));
      return last.get().requireJson();
    }
  }

  // ---------------------------------------------------------------- checks

  private static void assertCounts(JsonNode campaign, Map<String, Integer> expected) {
    JsonNode counts = campaign.path("counts");
    Map<String, Integer> actual = new TreeMap<>();
    expected.keySet().forEach(k -> actual.put(k, counts.path(k).asInt(-1)));
    assertThat(actual).as("counts of %s", campaign).isEqualTo(new TreeMap<>(expected));
  }

  private static int fileCount(Collection<SmtpSink> sinks) {
    return sinks.stream().mapToInt(SmtpSink::fileCount).sum();
  }

  /** The messages of all these sinks, in order of receipt. */
  private static List<SmtpSink.Message> messages(Collection<SmtpSink> sinks) {
    List<SmtpSink.Message> all = new ArrayList<>();
    sinks.forEach(s -> all.addAll(s.messages()));
    all.sort(java.util.Comparator.comparing(SmtpSink.Message::receivedAt));
    return all;
  }

  private static List<String> recipientsOf(List<SmtpSink.Message> messages) {
    return messages.stream().map(SmtpSink.Message::toAddress).toList();
  }

  /** The tenant's suppression list: address to reason. */
  private static Map<String, String> suppression(ClusterHarness cluster, String tenantId) throws SQLException {
    Map<String, String> rows = new TreeMap<>();
    try (Connection c = DriverManager.getConnection(cluster.jdbcUrl(), cluster.dbUser(), cluster.dbPassword());
        PreparedStatement s = c.prepareStatement("SELECT email_key, reason FROM suppression WHERE tenant_id = ?")) {
      s.setString(1, tenantId);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) rows.put(rs.getString(1), rs.getString(2));
      }
    }
    return rows;
  }

  /**
   * When sending came back after the kill: the first message received after {@code killedAt} that follows a
   * pause of more than 2 s (transactions in flight at the kill may still land just after it); null before then.
   */
  private static Instant resumption(List<SmtpSink.Message> messages, Instant killedAt) {
    Instant previous = killedAt;
    for (SmtpSink.Message m : messages) {
      if (!m.receivedAt().isAfter(killedAt)) continue;
      if (Duration.between(previous, m.receivedAt()).compareTo(Duration.ofSeconds(2)) > 0) return m.receivedAt();
      previous = m.receivedAt();
    }
    return null;
  }

  /**
   * Per sending account, no half second holds more messages than the account's limit per second. The limit
   * applies to permits, which come a variable moment before the message lands; half a second leaves room for
   * that and still catches a limit forgotten across the kill (twice the rate).
   */
  private static void assertNoBurstAboveLimit(List<SmtpSink.Message> messages, int perSecond) {
    Map<String, List<Instant>> byAccount = new HashMap<>();
    for (SmtpSink.Message m : messages) byAccount.computeIfAbsent(m.fromAddress(), k -> new ArrayList<>()).add(m.receivedAt());
    for (Map.Entry<String, List<Instant>> e : byAccount.entrySet()) {
      List<Instant> times = e.getValue().stream().sorted().toList();
      for (int i = 0; i + perSecond < times.size(); i++) {
        Duration span = Duration.between(times.get(i), times.get(i + perSecond));
        assertThat(span).as("%d messages from %s within %s (limit %d/1s), from %s", perSecond + 1, e.getKey(), span,
            perSecond, times.get(i)).isGreaterThanOrEqualTo(Duration.ofMillis(500));
      }
    }
  }

  private static String gaps(List<Instant> times) {
    List<String> out = new ArrayList<>();
    for (int i = 1; i < times.size(); i++) {
      out.add("+" + E2eSupport.seconds(Duration.between(times.get(i - 1), times.get(i)).toNanos()) + "s");
    }
    return times.size() + " " + out;
  }

  private static String secondsBetween(Instant from, Instant to) {
    return E2eSupport.seconds(Duration.between(from, to).toNanos());
  }
}
