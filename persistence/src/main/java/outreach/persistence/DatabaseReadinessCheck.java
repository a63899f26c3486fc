package outreach.persistence;

import akka.actor.typed.javadsl.Adapter;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/** Readiness check for akka-management: the node is ready only while its database answers. */
public final class DatabaseReadinessCheck implements Supplier<CompletionStage<Boolean>> {

  private final DatabaseExtension database;

  public DatabaseReadinessCheck(akka.actor.ActorSystem system) {
    this.database = DatabaseExtension.get(Adapter.toTyped(system));
  }

  @Override
  public CompletionStage<Boolean> get() {
    return CompletableFuture.supplyAsync(() -> database.database().isReachable(), database.blockingExecutor());
  }
}
