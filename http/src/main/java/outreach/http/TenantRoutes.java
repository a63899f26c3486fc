package outreach.http;

import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.PathMatchers;
import akka.http.javadsl.server.Route;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import outreach.persistence.TenantStore;

/** {@code /v1/tenants}: tenant administration with the admin token (tenants, their time zone and their API keys). */
public final class TenantRoutes extends JsonRoutes {

  /** Body of {@code POST /v1/tenants}. */
  public record CreateTenant(String name) {}

  /** A new tenant with its API key, which is shown only in this answer. */
  public record TenantCreated(String id, String name, String timeZone, Instant createdAt, String apiKey) {}

  /** A tenant as the API shows it. */
  public record TenantBody(String id, String name, String timeZone, Instant createdAt) {

    static TenantBody of(TenantStore.Tenant t) {
      return new TenantBody(t.id(), t.name(), t.timeZone(), t.createdAt());
    }
  }

  /** One page of tenants. */
  public record TenantPage(List<TenantBody> items, Optional<String> nextCursor) {}

  /** A new API key of a tenant; {@code apiKey} is shown only in this answer. */
  public record KeyCreated(String keyId, String apiKey, Instant createdAt) {}

  /** An API key without its secret. */
  public record KeyBody(String keyId, Instant createdAt, Optional<Instant> revokedAt) {}

  /** A tenant's API keys, oldest first. */
  public record KeyList(List<KeyBody> items) {}

  private final Authentication auth;
  private final TenantStore tenants;

  public TenantRoutes(ApiSettings settings, Authentication auth, TenantStore tenants) {
    super(settings);
    this.auth = auth;
    this.tenants = tenants;
  }

  public Route route() {
    return pathPrefix(
        "tenants",
        () ->
            auth.admin(
                () ->
                    concat(
                        pathEnd(() -> concat(post(this::create), get(this::list))),
                        pathPrefix(
                            PathMatchers.segment(),
                            id ->
                                concat(
                                    pathEnd(() -> concat(get(() -> show(id)), patch(() -> update(id)))),
                                    pathPrefix(
                                        "keys",
                                        () ->
                                            concat(
                                                pathEnd(() -> concat(post(() -> issueKey(id)), get(() -> keys(id)))),
                                                path(PathMatchers.segment(), keyId -> delete(() -> revoke(id, keyId))))))))));
  }

  private Route create() {
    return jsonBody(
        CreateTenant.class,
        body -> {
          String name = TenantRequests.name(body.name());
          return onSuccess(
              tenants.create(name),
              created ->
                  created(
                      "/v1/tenants/" + created.tenant().id(),
                      new TenantCreated(
                          created.tenant().id(),
                          created.tenant().name(),
                          created.tenant().timeZone(),
                          created.tenant().createdAt(),
                          created.apiKey())));
        });
  }

  private Route list() {
    return parameterOptional(
        "cursor",
        cursor ->
            parameterOptional(
                "limit",
                limitText ->
                    onSuccess(
                        tenants.list(cursor, pageSize(limitText)),
                        page ->
                            json(
                                StatusCodes.OK,
                                new TenantPage(page.tenants().stream().map(TenantBody::of).toList(), page.nextCursor())))));
  }

  private Route show(String id) {
    return onSuccess(tenants.find(id), tenant -> json(StatusCodes.OK, TenantBody.of(tenant.orElseThrow(() -> notFound(id)))));
  }

  private Route update(String id) {
    return jsonBody(
        TenantRequests.UpdateTenant.class,
        body -> {
          TenantRequests.TenantChange change = TenantRequests.change(body);
          return onSuccess(
              tenants.update(id, change.name(), change.timeZone()),
              tenant -> json(StatusCodes.OK, TenantBody.of(tenant.orElseThrow(() -> notFound(id)))));
        });
  }

  private Route issueKey(String id) {
    return onSuccess(
        tenants.issueKey(id),
        issued -> {
          TenantStore.IssuedApiKey key = issued.orElseThrow(() -> notFound(id));
          return created(
              "/v1/tenants/" + id + "/keys/" + key.keyId(), new KeyCreated(key.keyId(), key.apiKey(), key.createdAt()));
        });
  }

  private Route keys(String id) {
    return onSuccess(
        tenants.keys(id),
        keys ->
            json(
                StatusCodes.OK,
                new KeyList(
                    keys.orElseThrow(() -> notFound(id)).stream()
                        .map(k -> new KeyBody(k.keyId(), k.createdAt(), k.revokedAt()))
                        .toList())));
  }

  private Route revoke(String id, String keyId) {
    return onSuccess(
        tenants.revokeKey(id, keyId),
        revoked -> {
          if (!revoked) throw Problem.notFound("tenant '" + id + "' has no API key '" + keyId + "'");
          return complete(StatusCodes.NO_CONTENT);
        });
  }

  private static Problem notFound(String id) {
    return Problem.notFound("no tenant '" + id + "'");
  }
}
