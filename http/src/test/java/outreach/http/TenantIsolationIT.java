package outreach.http;

import static org.assertj.core.api.Assertions.assertThat;
import static outreach.http.ApiFixture.assertProblem;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.Entity;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import outreach.persistence.TenantStore;
import outreach.persistence.campaign.SuppressionReason;
import outreach.protocol.EntityIds;
import outreach.protocol.account.AccountReply;
import outreach.protocol.account.SmtpAccountKeys;
import outreach.protocol.campaign.CampaignKeys;
import outreach.protocol.campaign.CampaignReply;

/**
 * Tenant isolation across the whole API, driven by the OpenAPI document so that a route added later
 * is covered without touching this test: every operation on an object of a tenant (a path with
 * parameters) refuses a request without a key (401), answers another tenant's key with 404, and the
 * admin routes refuse a tenant's key (401). The entities are stood in for by ones that know no object,
 * which is what the entity of another tenant's id is.
 */
class TenantIsolationIT {

  private static final JsonNode DOC = read();
  /**
   * Routes this fixture cannot answer: the audit trail reads a journal it does not run, and the
   * sending-domain routes ask an entity it does not start. Both are covered across tenants by the
   * app's AuditIT and DomainIT on a full node.
   */
  private static final List<String> NOT_ANSWERABLE_HERE = List.of("/v1/audit/", "/v1/domains/");
  private static final Pattern PARAMETER = Pattern.compile("\\{(\\w+)}");

  private static ApiFixture api;
  private static TenantStore.CreatedTenant owner;
  private static TenantStore.CreatedTenant other;
  private static Map<String, String> ownersValues;

  /** One documented operation: method, path template, and whether it takes the admin token. */
  record Operation(String method, String path, boolean admin, boolean hasBody) {
    @Override
    public String toString() {
      return method.toUpperCase(java.util.Locale.ROOT) + " " + path;
    }
  }

  @BeforeAll
  static void start() throws Exception {
    api = ApiFixture.start("TenantIsolationIT", 500, 64 * 1024, 1_000);
    ClusterSharding sharding = ClusterSharding.get(api.system());
    sharding.init(Entity.of(CampaignKeys.ENTITY_KEY, ctx -> knowsNothing(ctx.getEntityId(), CampaignReply.NotFound::new)));
    sharding.init(Entity.of(SmtpAccountKeys.ENTITY_KEY, ctx -> knowsNothing(ctx.getEntityId(), AccountReply.NotFound::new)));
    owner = api.tenant("owner");
    other = api.tenant("other");
    String email = "owned@example.com";
    api.suppressions.add(owner.tenant().id(), email, SuppressionReason.values()[0], "test").toCompletableFuture().join();
    ownersValues =
        Map.of("id", "owned", "email", email, "domain", "example.com", "kind", "campaign", "keyId", "owned", "token", "t");
  }

  @AfterAll
  static void stop() {
    if (api != null) api.close();
  }

  @Test
  void theDocumentNamesTenantObjectRoutes() {
    assertThat(tenantObjectOperations()).hasSizeGreaterThan(10);
    assertThat(adminOperations()).isNotEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("tenantObjectOperations")
  void anotherTenantsObjectIsNotFound(Operation op) throws Exception {
    java.net.http.HttpResponse<String> r = call(op, other.apiKey());
    // The generic body "{}" may be refused before the lookup; that answer says nothing about the object either.
    if (op.hasBody() && r.statusCode() == 400) return;
    assertProblem(r, 404);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("tenantObjectOperations")
  void withoutAKeyTheRouteIsRefused(Operation op) throws Exception {
    assertProblem(call(op, null), 401);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("adminOperations")
  void aTenantKeyCannotUseTheAdminRoutes(Operation op) throws Exception {
    assertProblem(call(op, other.apiKey()), 401);
  }

  private static java.net.http.HttpResponse<String> call(Operation op, String key) throws Exception {
    Matcher m = PARAMETER.matcher(op.path());
    StringBuilder path = new StringBuilder();
    while (m.find()) {
      String value = ownersValues.get(m.group(1));
      assertThat(value).as("a value for {" + m.group(1) + "} of " + op).isNotNull();
      m.appendReplacement(path, Matcher.quoteReplacement(java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8)));
    }
    m.appendTail(path);
    boolean withBody = op.method().equals("post") || op.method().equals("patch") || op.method().equals("put");
    String contentType = !withBody ? null : op.path().endsWith("/recipients") ? "text/csv" : "application/json";
    String body = !withBody ? null : op.path().endsWith("/recipients") ? "email\nann@example.com\n" : "{}";
    return api.send(op.method().toUpperCase(java.util.Locale.ROOT), path.toString(), key, contentType, body);
  }

  /** Operations with path parameters that take a tenant's API key (the document's default security). */
  static Stream<Operation> tenantObjectOperations() {
    return operations()
        .filter(op -> !op.admin() && op.path().contains("{") && op.path().startsWith("/v1/"))
        .filter(op -> NOT_ANSWERABLE_HERE.stream().noneMatch(op.path()::startsWith));
  }

  static Stream<Operation> adminOperations() {
    return operations().filter(Operation::admin);
  }

  private static Stream<Operation> operations() {
    List<Operation> all = new ArrayList<>();
    DOC.path("paths").fields().forEachRemaining(
        path -> path.getValue().fields().forEachRemaining(
            op -> {
              if (op.getKey().equals("parameters")) return;
              JsonNode security = op.getValue().path("security");
              // An explicit empty list makes an operation public; absent, the document's default (apiKey) applies.
              if (security.isArray() && security.isEmpty()) return;
              all.add(
                  new Operation(
                      op.getKey(), path.getKey(), security.toString().contains("adminToken"), op.getValue().has("requestBody")));
            }));
    return all.stream();
  }

  /** An entity for which no object exists: whatever it is asked, it answers "not found". */
  private static <C> Behavior<C> knowsNothing(String entityId, Function<String, Object> notFound) {
    Object reply = notFound.apply(EntityIds.localIdOf(entityId));
    return Behaviors.receiveMessage(
        command -> {
          @SuppressWarnings("unchecked")
          ActorRef<Object> replyTo = (ActorRef<Object>) command.getClass().getMethod("replyTo").invoke(command);
          replyTo.tell(reply);
          return Behaviors.same();
        });
  }

  private static JsonNode read() {
    try {
      return new ObjectMapper(new YAMLFactory()).readTree(ApiRoutes.openApiDocument());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
