package outreach.http;

import akka.actor.ExtendedActorSystem;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Adapter;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;
import akka.management.HealthCheckSettings;
import akka.management.javadsl.CheckResult;
import akka.management.javadsl.HealthChecks;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * {@code /health/ready} and {@code /health/alive} on the API port, answered by akka-management's
 * health checks (cluster membership and database reachability for readiness).
 */
public final class HealthRoutes extends AllDirectives {

  private final HealthChecks checks;

  public HealthRoutes(ActorSystem<?> system) {
    this.checks =
        new HealthChecks(
            (ExtendedActorSystem) Adapter.toClassic(system),
            HealthCheckSettings.create(system.settings().config().getConfig("akka.management.health-checks")));
  }

  public Route route() {
    return pathPrefix(
        "health",
        () ->
            get(
                () ->
                    concat(
                        path("ready", () -> answer(checks::readyResult)),
                        path("alive", () -> answer(checks::aliveResult)))));
  }

  private Route answer(Supplier<CompletionStage<CheckResult>> check) {
    return onSuccess(
        check.get().exceptionally(e -> null),
        result -> {
          if (result != null && result.isSuccess()) return complete(StatusCodes.OK, "OK");
          String reason = result == null ? "check did not complete" : result.failure().orElse("not ready");
          return complete(StatusCodes.SERVICE_UNAVAILABLE, "Not Healthy: " + reason);
        });
  }
}
