package outreach.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Three {@code outreach node} processes against one PostgreSQL: an account created through one node reads
 * the same through another, survives {@code kill -9} of the node hosting it, and follows a restarted node
 * and a graceful stop.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterE2E {

  private static final String PASSWORD = "secret-123";
  private static final String ACCOUNT_ID = "acc-1";
  /** The kill -9 fail-over must complete within this (split brain resolver stable-after is 7 s). */
  private static final Duration FAILOVER_DEADLINE = Duration.ofSeconds(30);

  private ClusterHarness cluster;
  private String tenantId;
  private String apiKey;
  private JsonNode created;
  private int killed;

  @BeforeAll
  void startCluster() {
    long start = System.nanoTime();
    cluster = ClusterHarness.builder("ClusterE2E").nodes(3).start();
    System.out.println(
        "ClusterE2E: 3 nodes ready and Up " + E2eSupport.seconds(System.nanoTime() - start) + " s after start");
  }

  @AfterAll
  void stopCluster() {
    if (cluster != null) cluster.close();
  }

  @Test
  @Order(1)
  void accountSurvivesKill9OfTheNodeHostingIt() {
    HttpJson.Response tenant = cluster.post(1, "/v1/tenants", cluster.adminToken(), Map.of("name", "Acme"));
    assertThat(tenant.status()).as("%s", tenant).isEqualTo(201);
    tenantId = tenant.requireJson().path("id").asText();
    apiKey = tenant.requireJson().path("apiKey").asText();
    assertThat(tenantId).isNotBlank();
    assertThat(apiKey).isNotBlank();

    HttpJson.Response post = cluster.post(1, "/v1/accounts", apiKey, accountBody());
    assertThat(post.status()).as("%s", post).isEqualTo(201);
    created = post.requireJson();
    assertThat(created.path("id").asText()).isEqualTo(ACCOUNT_ID);
    assertThat(created.has("password")).as("password field in %s", post).isFalse();

    JsonNode readOnNode3 = readAccountThrough(3, Duration.ofSeconds(20));
    assertThat(readOnNode3).as("GET through node 3 vs POST through node 1").isEqualTo(created);

    String entityId = tenantId + "|" + ACCOUNT_ID;
    int host = cluster.nodeHosting(entityId);
    int survivor = host == 3 ? 2 : 3;
    System.out.println("ClusterE2E: entity " + entityId + " is in shard " + ClusterHarness.shardId(entityId)
        + " on node " + host + "; reading through node " + survivor + " after kill -9 of node " + host);

    long killedAt = System.nanoTime();
    cluster.kill9(host);
    killed = host;
    long readAt = firstSuccessfulRead(survivor, killedAt);
    System.out.println("ClusterE2E: account read through node " + survivor + " "
        + E2eSupport.seconds(readAt - killedAt) + " s after kill -9 of node " + host);

    assertListingContainsAccount(survivor);
    assertNoResponseContainsPassword();
  }

  @Test
  @Order(2)
  void killedNodeRejoinsAndAGracefulStopHandsTheShardOver() {
    assumeTrue(killed != 0, "needs the account and the killed node of the first test");

    long restartAt = System.nanoTime();
    cluster.restart(killed);
    System.out.println("ClusterE2E: node " + killed + " restarted and all 3 Up "
        + E2eSupport.seconds(System.nanoTime() - restartAt) + " s after restart");
    assertThat(readAccountThrough(killed, Duration.ofSeconds(30)))
        .as("GET through the restarted node " + killed)
        .isEqualTo(created);

    int host = cluster.nodeHosting(tenantId + "|" + ACCOUNT_ID);
    int other = host == 1 ? 2 : 1;
    long stopAt = System.nanoTime();
    cluster.stop(host);
    JsonNode afterStop = readAccountThrough(other, FAILOVER_DEADLINE);
    System.out.println("ClusterE2E: account read through node " + other + " "
        + E2eSupport.seconds(System.nanoTime() - stopAt) + " s after SIGTERM to node " + host);
    assertThat(afterStop).as("GET after graceful stop of node " + host).isEqualTo(created);
    assertNoResponseContainsPassword();
  }

  private static Map<String, Object> accountBody() {
    return Map.of(
        "id", ACCOUNT_ID,
        "host", "smtp.example.com",
        "port", 587,
        "security", "starttls",
        "username", "u",
        "password", PASSWORD,
        "fromAddress", "a@example.com",
        "fromName", "A");
  }

  /**
   * GET /v1/accounts/acc-1 through {@code node} until it answers 200 (a 503 "retry the request" while
   * shards move is retried); its JSON.
   */
  private JsonNode readAccountThrough(int node, Duration timeout) {
    AtomicReference<HttpJson.Response> last = new AtomicReference<>();
    cluster.await(
        "GET /v1/accounts/" + ACCOUNT_ID + " through node " + node + " answering 200",
        timeout,
        Duration.ofMillis(250),
        () -> {
          HttpJson.Response r = cluster.get(node, "/v1/accounts/" + ACCOUNT_ID, apiKey);
          last.set(r);
          if (r.status() != 200 && r.status() != 503) {
            throw new AssertionError("unexpected answer: " + r);
          }
          return r.status() == 200;
        },
        () -> String.valueOf(last.get()));
    return last.get().requireJson();
  }

  /**
   * Sends GET /v1/accounts/acc-1 through {@code survivor} every 250 ms without waiting for earlier ones (each
   * may wait up to the server's 5 s ask timeout while the shard moves), until one answers 200 within the
   * fail-over deadline; asserts its JSON equals the first read and returns when it arrived.
   */
  private long firstSuccessfulRead(int survivor, long killedAt) {
    URI uri = cluster.node(survivor).api("/v1/accounts/" + ACCOUNT_ID);
    AtomicReference<HttpJson.Response> success = new AtomicReference<>();
    AtomicLong successAt = new AtomicLong();
    AtomicReference<String> last = new AtomicReference<>("no answer yet");
    Duration remaining = FAILOVER_DEADLINE.minusNanos(System.nanoTime() - killedAt);
    if (remaining.toMillis() < 1) remaining = Duration.ofMillis(1);
    cluster.await(
        "GET through node " + survivor + " answering 200 within " + FAILOVER_DEADLINE.toSeconds()
            + " s of kill -9 of node " + killed,
        remaining,
        Duration.ofMillis(250),
        () -> {
          if (success.get() == null) {
            cluster.http()
                .getAsync(uri, apiKey, Duration.ofSeconds(8))
                .whenComplete(
                    (r, e) -> {
                      long now = System.nanoTime();
                      if (e != null) {
                        last.set(e.toString());
                      } else {
                        last.set(r.toString());
                        if (r.status() == 200 && success.compareAndSet(null, r)) successAt.set(now);
                      }
                    });
          }
          return success.get() != null;
        },
        last::get);
    JsonNode read = success.get().requireJson();
    assertThat(read).as("account after fail-over vs before").isEqualTo(created);
    return successAt.get();
  }

  /** The read model (GET /v1/accounts) through {@code node} eventually lists the account with the same fields. */
  private void assertListingContainsAccount(int node) {
    AtomicReference<JsonNode> item = new AtomicReference<>();
    AtomicReference<HttpJson.Response> last = new AtomicReference<>();
    cluster.await(
        "GET /v1/accounts through node " + node + " listing " + ACCOUNT_ID,
        Duration.ofSeconds(30),
        Duration.ofMillis(500),
        () -> {
          HttpJson.Response r = cluster.get(node, "/v1/accounts", apiKey);
          last.set(r);
          if (r.status() != 200) return false;
          for (JsonNode i : r.requireJson().path("items")) {
            if (ACCOUNT_ID.equals(i.path("id").asText())) {
              item.set(i);
              return true;
            }
          }
          return false;
        },
        () -> String.valueOf(last.get()));
    JsonNode listed = item.get();
    assertThat(listed.has("password")).as("password field in listing %s", listed).isFalse();
    for (Iterator<Map.Entry<String, JsonNode>> it = created.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      if (LIVE_FIELDS.contains(field.getKey())) {
        // live counters come only from the account entity, never from the listing's read model
        assertThat(listed.has(field.getKey())).as("live field %s in listing", field.getKey()).isFalse();
      } else if (field.getKey().equals("createdAt")) {
        // the read model may keep a coarser clock resolution than the entity (PostgreSQL keeps microseconds)
        Instant expected = Instant.parse(field.getValue().asText());
        Instant actual = Instant.parse(listed.path("createdAt").asText());
        assertThat(Duration.between(expected, actual).abs()).as("createdAt in listing").isLessThan(Duration.ofMillis(1));
      } else {
        assertThat(listed.get(field.getKey())).as("field %s in listing %s", field.getKey(), listed)
            .isEqualTo(field.getValue());
      }
    }
  }

  private static final java.util.Set<String> LIVE_FIELDS =
      java.util.Set.of("sentToday", "dailyCap", "sentInWindows", "consecutiveFailures", "pausedUntil", "disabledReason");

  private void assertNoResponseContainsPassword() {
    assertThat(cluster.http().history()).isNotEmpty();
    for (HttpJson.Response r : cluster.http().history()) {
      assertThat(r.body()).as("response %s %s", r.method(), r.uri()).doesNotContain(PASSWORD);
    }
  }
}
