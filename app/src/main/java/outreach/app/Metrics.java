package outreach.app;

import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Adapter;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import scala.jdk.javaapi.FutureConverters;
import akka.Done;
import kamon.Kamon;

/**
 * Kamon with its Prometheus reporter, serving {@code /metrics} on {@code outreach.metrics.port}.
 * Kamon is one per JVM: the first node started in a JVM owns it and stops it on shutdown.
 */
final class Metrics {

  private static boolean started;

  private Metrics() {}

  static synchronized void start(ActorSystem<?> system, Config config) {
    if (started || !config.getBoolean("outreach.metrics.enabled")) return;
    Config kamon =
        ConfigFactory.parseMap(
                Map.of(
                    "kamon.prometheus.embedded-server.hostname", config.getString("outreach.metrics.host"),
                    "kamon.prometheus.embedded-server.port", config.getInt("outreach.metrics.port"),
                    "kamon.environment.service", config.getString("outreach.cluster-name"),
                    "kamon.metric.tick-interval", config.getDuration("outreach.metrics.tick-interval").toMillis() + "ms"))
            .withFallback(ConfigFactory.defaultReference());
    try {
      Kamon.initWithoutAttaching(kamon);
    } catch (RuntimeException e) {
      throw new StartupException(
          "could not serve metrics on port " + config.getInt("outreach.metrics.port") + ": " + e.getMessage());
    }
    started = true;
    CoordinatedShutdown.get(Adapter.toClassic(system))
        .addTask(
            CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
            "stop-metrics",
            Metrics::stop);
  }

  private static CompletionStage<Done> stop() {
    synchronized (Metrics.class) {
      started = false;
    }
    return FutureConverters.asJava(Kamon.stop()).thenApply(stopped -> Done.getInstance());
  }
}
