package outreach.persistence;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A real PostgreSQL server run from the binaries packed in a Maven artifact, for {@code dev} and tests.
 * With a data folder its data survives restarts; without one it lives in a temporary folder.
 */
public final class EmbeddedDatabase implements AutoCloseable {

  private static final String USER = "postgres";
  private static final String DATABASE = "postgres";
  private static final Duration ORPHAN_STOP_TIMEOUT = Duration.ofSeconds(30);

  private final EmbeddedPostgres postgres;

  private EmbeddedDatabase(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  /** Starts PostgreSQL keeping its data in {@code dataDirectory} (created if needed, reused if present). */
  public static EmbeddedDatabase start(Path dataDirectory) {
    try {
      return start(dataDirectory, freePort());
    } catch (IOException e) {
      throw new UncheckedIOException("no free port for embedded PostgreSQL", e);
    }
  }

  /**
   * Starts PostgreSQL on {@code port} keeping its data in {@code dataDirectory}: a server stopped with
   * {@link #close()} and started again this way comes back at the same address with the same data.
   */
  public static EmbeddedDatabase start(Path dataDirectory, int port) {
    try {
      Files.createDirectories(dataDirectory);
      stopOrphanedServer(dataDirectory);
      return new EmbeddedDatabase(
          EmbeddedPostgres.builder()
              .setDataDirectory(dataDirectory)
              .setCleanDataDirectory(false)
              .setPort(port)
              .setPGStartupWait(Duration.ofSeconds(60))
              .start());
    } catch (IOException e) {
      throw new UncheckedIOException("embedded PostgreSQL did not start in " + dataDirectory, e);
    }
  }

  /** Starts a throw-away PostgreSQL whose data is removed when it stops. */
  public static EmbeddedDatabase startTemporary() {
    try {
      return new EmbeddedDatabase(
          EmbeddedPostgres.builder().setPGStartupWait(Duration.ofSeconds(60)).start());
    } catch (IOException e) {
      throw new UncheckedIOException("embedded PostgreSQL did not start", e);
    }
  }

  public int port() {
    return postgres.getPort();
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port() + "/" + DATABASE + "?reWriteBatchedInserts=true";
  }

  public DatabaseSettings settings(int maxConnections) {
    return new DatabaseSettings(jdbcUrl(), USER, "", maxConnections);
  }

  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      throw new UncheckedIOException("embedded PostgreSQL did not stop cleanly", e);
    }
  }

  /**
   * A server left running by a process that was killed (kill -9 skips the shutdown hook) still
   * holds the data folder; stop it so this start can take over. PostgreSQL itself ignores a stale
   * postmaster.pid whose process is gone.
   */
  private static void stopOrphanedServer(Path dataDirectory) throws IOException {
    Path pidFile = dataDirectory.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) return;
    List<String> lines = Files.readAllLines(pidFile);
    if (lines.isEmpty()) return;
    long pid;
    try {
      pid = Long.parseLong(lines.get(0).trim());
    } catch (NumberFormatException e) {
      return;
    }
    Optional<ProcessHandle> server =
        ProcessHandle.of(pid)
            .filter(ProcessHandle::isAlive)
            .filter(p -> p.info().command().map(c -> c.endsWith("postgres")).orElse(false));
    if (server.isEmpty()) return;
    server.get().destroy();
    try {
      server.get().onExit().get(ORPHAN_STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while stopping the PostgreSQL server left running in " + dataDirectory);
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException("a PostgreSQL server (pid " + pid + ") still runs in " + dataDirectory + " and did not stop");
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
