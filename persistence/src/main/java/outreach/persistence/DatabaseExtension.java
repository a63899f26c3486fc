package outreach.persistence;

import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.Extension;
import akka.actor.typed.ExtensionId;
import akka.actor.typed.javadsl.Adapter;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The node's connection pool for read models and stores ({@code outreach.db}), and the dispatcher
 * that blocking JDBC calls run on. Opened once per actor system and closed on coordinated shutdown.
 */
public final class DatabaseExtension implements Extension {

  public static final String BLOCKING_DISPATCHER = "outreach.db.blocking-dispatcher";

  private final Database database;
  private final Executor blockingExecutor;

  private DatabaseExtension(ActorSystem<?> system) {
    this.database = Database.open(DatabaseSettings.fromConfig(system.settings().config()), "outreach");
    this.blockingExecutor = system.dispatchers().lookup(DispatcherSelector.fromConfig(BLOCKING_DISPATCHER));
    CoordinatedShutdown.get(Adapter.toClassic(system))
        .addTask(
            CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
            "close-database-pool",
            () -> {
              database.close();
              return CompletableFuture.completedFuture(akka.Done.getInstance());
            });
  }

  public static final ExtensionId<DatabaseExtension> ID =
      new ExtensionId<>() {
        @Override
        public DatabaseExtension createExtension(ActorSystem<?> system) {
          return new DatabaseExtension(system);
        }
      };

  public static DatabaseExtension get(ActorSystem<?> system) {
    return system.registerExtension(ID);
  }

  public Database database() {
    return database;
  }

  public Executor blockingExecutor() {
    return blockingExecutor;
  }
}
