package outreach.app;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import outreach.mail.secret.SecretCipher;
import outreach.persistence.EmbeddedDatabase;

/** One Outreach node in the test JVM on a throw-away embedded PostgreSQL, with a small HTTP client for its API. */
final class InJvmNode implements AutoCloseable {

  static final String ADMIN = "admin-token-for-in-jvm-tests";
  static final ObjectMapper JSON = new ObjectMapper();

  final EmbeddedDatabase postgres;
  final OutreachNode.Running node;
  final HttpClient http = HttpClient.newHttpClient();
  final String base;
  final int metricsPort;

  InJvmNode(Map<String, Object> extra) {
    postgres = EmbeddedDatabase.startTemporary();
    Map<String, Object> overrides = new HashMap<>();
    overrides.put("outreach.db.url", postgres.jdbcUrl());
    overrides.put("outreach.db.user", "postgres");
    overrides.put("outreach.db.password", "");
    overrides.put("outreach.http.port", 0);
    overrides.put("outreach.security.master-key", SecretCipher.generateKey());
    overrides.put("outreach.security.admin-token", ADMIN);
    overrides.put("akka.remote.artery.canonical.port", 0);
    overrides.put("akka.coordinated-shutdown.exit-jvm", "off");
    overrides.put("jdbc-read-journal.refresh-interval", "100ms");
    metricsPort = freePort();
    overrides.put("outreach.metrics.port", metricsPort);
    overrides.put("outreach.metrics.host", "127.0.0.1");
    overrides.put("outreach.metrics.tick-interval", "200ms");
    overrides.putAll(extra);
    try {
      node = OutreachNode.start(NodeConfig.load(ConfigFactory.parseMap(overrides)), OutreachNode.Membership.SELF_JOIN, Clock.systemUTC());
    } catch (RuntimeException e) {
      postgres.close();
      throw e;
    }
    base = "http://127.0.0.1:" + node.httpPort();
    await().atMost(Duration.ofSeconds(30)).until(() -> call("GET", "/health/ready", null, null).statusCode() == 200);
  }

  @Override
  public void close() {
    node.system().terminate();
    OutreachNode.awaitTermination(node.system());
    postgres.close();
  }

  /** A new tenant's API key. */
  String newTenantKey(String name) throws Exception {
    HttpResponse<String> r = call("POST", "/v1/tenants", ADMIN, "{\"name\":\"" + name + "\"}");
    if (r.statusCode() != 201) throw new IllegalStateException("tenant not created: " + r.body());
    return JSON.readTree(r.body()).get("apiKey").asText();
  }

  HttpResponse<String> call(String method, String path, String bearer, String json) throws Exception {
    return send(method, path, bearer, json == null ? null : "application/json", json);
  }

  HttpResponse<String> send(String method, String path, String bearer, String contentType, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    if (bearer != null) b.header("Authorization", "Bearer " + bearer);
    if (body != null) {
      b.header("Content-Type", contentType).method(method, HttpRequest.BodyPublishers.ofString(body));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  JsonNode json(HttpResponse<String> r) throws IOException {
    return JSON.readTree(r.body());
  }

  Connection db() throws SQLException {
    return DriverManager.getConnection(postgres.jdbcUrl(), "postgres", "");
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
