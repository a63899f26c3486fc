package outreach.http;

import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import outreach.persistence.TenantStore;

/**
 * Bearer authentication: the admin token for tenant administration, a tenant's API key for everything
 * else; an authenticated caller over its request rate gets 429. The limit is taken here, once the
 * caller is known, so that it keys by tenant and never touches the public routes (health, unsubscribe).
 */
public final class Authentication extends AllDirectives {

  private static final String BEARER = "Bearer ";
  private static final String ADMIN_CALLER = "admin";
  private static final String TENANT_CALLER = "tenant:";

  private final byte[] adminTokenHash;
  private final TenantStore tenants;
  private final RequestRateLimiter limiter;

  /** Without a request rate limit. */
  public Authentication(String adminToken, TenantStore tenants) {
    this(adminToken, tenants, RequestRateLimiter.unlimited());
  }

  public Authentication(String adminToken, TenantStore tenants, RequestRateLimiter limiter) {
    if (adminToken == null || adminToken.length() < 16) {
      throw new IllegalArgumentException("the admin token must be at least 16 characters");
    }
    this.adminTokenHash = sha256(adminToken);
    this.tenants = tenants;
    this.limiter = limiter;
  }

  /** Runs {@code inner} only for the admin token. */
  public Route admin(Supplier<Route> inner) {
    return bearer(
        token -> {
          if (!MessageDigest.isEqual(sha256(token), adminTokenHash)) {
            throw Problem.unauthorized("the bearer token is not the admin token");
          }
          limit(ADMIN_CALLER);
          return inner.get();
        });
  }

  /** Runs {@code inner} with the tenant whose API key authenticated the request. */
  public Route tenant(Function<TenantStore.Tenant, Route> inner) {
    return bearer(
        token ->
            onSuccess(
                tenants.authenticate(token),
                tenant -> {
                  if (tenant.isEmpty()) throw Problem.unauthorized("the API key is not valid or has been revoked");
                  limit(TENANT_CALLER + tenant.get().id());
                  return inner.apply(tenant.get());
                }));
  }

  private void limit(String caller) {
    limiter.acquire(caller).ifPresent(wait -> {
      throw Problem.rateLimited(wait);
    });
  }

  private Route bearer(Function<String, Route> inner) {
    return optionalHeaderValueByName(
        "Authorization",
        header -> {
          Optional<String> token =
              header
                  .filter(h -> h.regionMatches(true, 0, BEARER, 0, BEARER.length()))
                  .map(h -> h.substring(BEARER.length()).trim())
                  .filter(t -> !t.isEmpty());
          if (token.isEmpty()) throw Problem.unauthorized("send 'Authorization: Bearer <key>'");
          return inner.apply(token.get());
        });
  }

  /** Hashing both sides first makes the comparison constant-time regardless of length. */
  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
