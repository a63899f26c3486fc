package outreach.http;

import outreach.persistence.sending.SendingDomainDirectory;

import outreach.persistence.audit.AuditKind;
import outreach.persistence.audit.JournalReader;
import outreach.persistence.audit.StateReplay;
import outreach.persistence.audit.TenantShareReplay;

import static org.assertj.core.api.Assertions.assertThat;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.ActorSystem;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import outreach.mail.secret.SecretCipher;
import outreach.persistence.Database;
import outreach.persistence.EmbeddedDatabase;
import outreach.persistence.TenantStore;
import outreach.persistence.account.AccountDirectory;
import outreach.persistence.campaign.CampaignDirectory;
import outreach.persistence.campaign.DeliveryDirectory;
import outreach.persistence.campaign.RecipientStore;
import outreach.persistence.campaign.SuppressionStore;

/** A one-node API over real HTTP on a temporary PostgreSQL, wired as the node wires it, for the integration tests. */
final class ApiFixture implements AutoCloseable {

  static final ObjectMapper JSON = new ObjectMapper();

  final String adminToken;
  final TenantStore tenants;
  final SuppressionStore suppressions;
  private final EmbeddedDatabase postgres;
  private final Database database;
  private final ExecutorService executor;
  private final ActorTestKit kit;
  private final HttpClient http;
  private final String base;

  private ApiFixture(String name, String adminToken, ApiSettings settings, Clock limiterClock) throws Exception {
    this.adminToken = adminToken;
    postgres = EmbeddedDatabase.startTemporary();
    Database.migrate(postgres.settings(4));
    database = Database.open(postgres.settings(4), "test");
    executor = Executors.newFixedThreadPool(4);
    Clock clock = Clock.systemUTC();
    kit =
        ActorTestKit.create(
            name,
            ConfigFactory.parseString(
                    """
                    akka.actor.provider = cluster
                    akka.remote.artery.canonical.hostname = 127.0.0.1
                    akka.remote.artery.canonical.port = 0
                    akka.cluster.jmx.multi-mbeans-in-same-jvm = on
                    """)
                .withFallback(ConfigFactory.load()));
    ActorSystem<Void> system = kit.system();
    Cluster.get(system).manager().tell(Join.create(Cluster.get(system).selfMember().address()));
    tenants = new TenantStore(database.dataSource(), executor, clock);
    suppressions = new SuppressionStore(database.dataSource(), executor, clock);
    Authentication auth = new Authentication(adminToken, tenants, RequestRateLimiter.fromSettings(settings, limiterClock));
    ApiRoutes routes =
        routes(system, settings, auth, tenants, database.dataSource(), executor, clock, suppressions, new byte[32]);
    ServerBinding binding =
        Http.get(system).newServerAt("127.0.0.1", 0).bind(routes.route()).toCompletableFuture().get(30, TimeUnit.SECONDS);
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    base = "http://127.0.0.1:" + binding.localAddress().getPort();
  }

  /** Pages of 20 by default and at most {@code maxPageSize}, uploads of at most {@code maxCsvBytes} and {@code maxCsvRows}, two rejections reported. */
  /**
   * Every resource of the API over the real stores, as a node composes them; entities answer
   * through whatever the test's actor system runs (or stands in for them). Audit is not served here.
   */
  static ApiRoutes routes(
      ActorSystem<?> system,
      ApiSettings settings,
      Authentication auth,
      TenantStore tenants,
      javax.sql.DataSource dataSource,
      java.util.concurrent.Executor executor,
      Clock clock,
      SuppressionStore suppressions,
      byte[] unsubscribeKey) {
    CampaignDirectory campaigns = new CampaignDirectory(dataSource, executor);
    return new ApiRoutes(
        new HealthRoutes(system),
        new TenantRoutes(settings, auth, tenants),
        new AccountRoutes(
            system, settings, auth, SecretCipher.fromBase64(SecretCipher.generateKey(), List.of()), new AccountDirectory(dataSource, executor)),
        new CampaignRoutes(system, settings, auth, new RecipientStore(dataSource, executor, clock), campaigns),
        new DeliveryRoutes(settings, auth, new DeliveryDirectory(dataSource, executor), campaigns),
        new SuppressionRoutes(settings, auth, suppressions),
        new DomainRoutes(system, settings, auth, new SendingDomainDirectory(dataSource, executor)),
        new AuditRoutes(settings, auth, new JournalReader(system), NoAudit.INSTANCE, NoAudit.INSTANCE),
        new UnsubscribeRoutes(settings, suppressions, unsubscribeKey));
  }

  static ApiFixture start(String name, int maxPageSize, long maxCsvBytes, int maxCsvRows) throws Exception {
    return new ApiFixture(name, "admin-token-for-" + name, settings(maxPageSize, maxCsvBytes, maxCsvRows, 0, 0), Clock.systemUTC());
  }

  /** Like {@link #start} with default bounds, each caller allowed {@code perSecond} requests a second and {@code burst} at once by {@code clock}. */
  static ApiFixture rateLimited(String name, double perSecond, int burst, Clock clock) throws Exception {
    return new ApiFixture(name, "admin-token-for-" + name, settings(500, 64 * 1024, 1_000, perSecond, burst), clock);
  }

  private static ApiSettings settings(int maxPageSize, long maxCsvBytes, int maxCsvRows, double perSecond, int burst) {
    return new ApiSettings(
        "127.0.0.1", 0, Duration.ofSeconds(5), 64 * 1024, 20, maxPageSize, maxCsvBytes, maxCsvRows, 2,
        Duration.ofSeconds(5), Duration.ofSeconds(60), perSecond, burst, List.of(), false);
  }

  ActorSystem<Void> system() {
    return kit.system();
  }

  /** A new tenant's id and first API key. */
  TenantStore.CreatedTenant tenant(String name) {
    return tenants.create(name).toCompletableFuture().join();
  }

  HttpResponse<String> send(String method, String path, String token, String contentType, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    if (token != null) b.header("Authorization", "Bearer " + token);
    if (contentType != null) b.header("Content-Type", contentType);
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  JsonNode ok(HttpResponse<String> r, int status) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    return JSON.readTree(r.body());
  }

  static JsonNode assertProblem(HttpResponse<String> r, int status) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
    JsonNode p = JSON.readTree(r.body());
    assertThat(p.get("status").asInt()).isEqualTo(status);
    assertThat(p.get("type").asText()).startsWith("urn:outreach:problem:");
    assertThat(p.get("detail").asText()).isNotBlank();
    return p;
  }

  /** Stands in for audit replay, which this fixture does not serve. */
  private enum NoAudit implements StateReplay, TenantShareReplay {
    INSTANCE;

    @Override
    public Object fold(AuditKind kind, String id, List<Object> events) {
      throw new AssertionError("no audit here");
    }

    @Override
    public Optional<Object> event(AuditKind kind, String tenantId, Object event) {
      throw new AssertionError("no audit here");
    }

    @Override
    public boolean isOwn(AuditKind kind, String tenantId, Object event) {
      throw new AssertionError("no audit here");
    }

    @Override
    public Object state(AuditKind kind, String tenantId, String id, List<Object> events, Instant at) {
      throw new AssertionError("no audit here");
    }
  }

  @Override
  public void close() {
    kit.shutdownTestKit();
    executor.shutdownNow();
    database.close();
    postgres.close();
  }
}
