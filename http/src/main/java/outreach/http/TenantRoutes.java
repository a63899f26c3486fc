package outreach.http;

import akka.http.javadsl.server.Route;
import java.time.Instant;
import outreach.mail.HeaderText;
import outreach.persistence.TenantStore;

/** {@code /v1/tenants}: tenant administration with the admin token. */
public final class TenantRoutes extends JsonRoutes {

  /** Body of {@code POST /v1/tenants}. */
  public record CreateTenant(String name) {}

  /** A new tenant with its API key, which is shown only in this answer. */
  public record TenantCreated(String id, String name, String timeZone, Instant createdAt, String apiKey) {}

  private static final int MAX_NAME = 200;

  private final Authentication auth;
  private final TenantStore tenants;

  public TenantRoutes(ApiSettings settings, Authentication auth, TenantStore tenants) {
    super(settings);
    this.auth = auth;
    this.tenants = tenants;
  }

  public Route route() {
    return path(
        "tenants",
        () ->
            post(
                () ->
                    auth.admin(
                        () ->
                            jsonBody(
                                CreateTenant.class,
                                body -> {
                                  String name = validName(body.name());
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
                                }))));
  }

  private static String validName(String name) {
    if (name == null || name.isBlank()) throw Problem.badRequest("field 'name' is required");
    String trimmed = name.strip();
    HeaderText.problem(trimmed, MAX_NAME)
        .ifPresent(p -> {
          throw Problem.badRequest("field 'name' " + p);
        });
    return trimmed;
  }
}
