package outreach.http;

import static org.assertj.core.api.Assertions.assertThat;
import static outreach.http.ApiFixture.assertProblem;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import outreach.persistence.TenantStore;

/**
 * The per-tenant request rate limit over real HTTP. The limiter's clock stands still, so no token
 * comes back during a test and the burst is exactly what a caller gets.
 */
class RateLimitApiIT {

  private static final double PER_SECOND = 0.5;
  private static final int BURST = 3;

  private static ApiFixture api;

  @BeforeAll
  static void start() throws Exception {
    api = ApiFixture.rateLimited("RateLimitApiIT", PER_SECOND, BURST, Clock.fixed(Instant.parse("2026-05-01T10:00:00Z"), ZoneOffset.UTC));
  }

  @AfterAll
  static void stop() {
    if (api != null) api.close();
  }

  @Test
  void aTenantOverItsBurstGets429WithRetryAfterAndOtherTenantsAreUnaffected() throws Exception {
    TenantStore.CreatedTenant busy = api.tenant("busy");
    TenantStore.CreatedTenant quiet = api.tenant("quiet");

    for (int i = 0; i < BURST; i++) {
      assertThat(api.send("GET", "/v1/suppressions", busy.apiKey(), null, null).statusCode()).as("request " + i).isEqualTo(200);
    }
    HttpResponse<String> limited = api.send("GET", "/v1/suppressions", busy.apiKey(), null, null);

    JsonNode problem = assertProblem(limited, 429);
    assertThat(problem.get("type").asText()).isEqualTo("urn:outreach:problem:rate-limited");
    // One token takes 1 / 0.5 = 2 seconds to come back.
    assertThat(limited.headers().firstValue("Retry-After")).hasValue("2");
    assertThat(api.send("GET", "/v1/suppressions", quiet.apiKey(), null, null).statusCode()).isEqualTo(200);
  }

  @Test
  void theAdminTokenHasItsOwnBucket() throws Exception {
    for (int i = 0; i < BURST; i++) {
      assertThat(api.send("GET", "/v1/tenants", api.adminToken, null, null).statusCode()).as("request " + i).isEqualTo(200);
    }

    assertProblem(api.send("GET", "/v1/tenants", api.adminToken, null, null), 429);
  }

  @Test
  void healthAndUnsubscribeLinksAreNeverLimited() throws Exception {
    for (int i = 0; i < BURST * 3; i++) {
      assertThat(api.send("GET", "/health/alive", null, null, null).statusCode()).isEqualTo(200);
      assertThat(api.send("GET", "/u/not-a-valid-token", null, null, null).statusCode()).isNotEqualTo(429);
    }
  }

  @Test
  void aBadKeyIs401NotRateLimited() throws Exception {
    for (int i = 0; i < BURST * 2; i++) {
      assertProblem(api.send("GET", "/v1/suppressions", "ok_nobody_nothing", null, null), 401);
    }
  }
}
