package outreach.http;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Adapter;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import akka.http.javadsl.server.Route;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/** Binds the API and unbinds it (draining requests in flight) on coordinated shutdown. */
public final class HttpServer {

  private static final Duration DRAIN = Duration.ofSeconds(10);

  private HttpServer() {}

  public static CompletionStage<ServerBinding> bind(ActorSystem<?> system, String host, int port, Route route) {
    return Http.get(system)
        .newServerAt(host, port)
        .bind(route)
        .thenApply(
            binding -> {
              binding.addToCoordinatedShutdown(DRAIN, Adapter.toClassic(system));
              system.log().info("HTTP API listening on http://{}:{}/", host, binding.localAddress().getPort());
              return binding;
            });
  }

}
