package outreach.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import outreach.persistence.EmbeddedDatabase;

/**
 * The jar's behaviour at the edges: expected start-up problems end the process with a non-zero code and one
 * {@code outreach: <reason>} line on standard error (no stack trace); {@code migrate} is repeatable; every
 * command answers {@code --help}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StartupErrorsE2E {

  private static final Duration NODE_EXIT_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration QUICK_EXIT_TIMEOUT = Duration.ofSeconds(30);

  private final Path logDir = E2eSupport.logDir("StartupErrorsE2E");
  private EmbeddedDatabase db;

  /** What a finished process left: exit code, standard output and standard error. */
  record Run(String name, int exitCode, String stdout, String stderr) {

    /** Non-blank standard error lines, without the JVM's own "Picked up ..." notices. */
    List<String> stderrLines() {
      List<String> lines = new ArrayList<>();
      for (String line : stderr.split("\r?\n")) {
        if (!line.isBlank() && !line.startsWith("Picked up ")) lines.add(line);
      }
      return lines;
    }

    @Override
    public String toString() {
      String out = stdout.length() > 4_000 ? "..." + stdout.substring(stdout.length() - 4_000) : stdout;
      return name + ": exit code " + exitCode + "\n--- stderr:\n" + stderr + "\n--- stdout (tail):\n" + out;
    }
  }

  @BeforeAll
  void startDatabase() {
    db = EmbeddedDatabase.startTemporary();
  }

  @AfterAll
  void stopDatabase() {
    if (db != null) db.close();
  }

  @Test
  void nodeWithoutMasterKeyExitsWithOneLine() throws IOException {
    Map<String, String> env = nodeEnv(E2eSupport.freePort());
    env.remove("OUTREACH_MASTER_KEY");

    Run run = run("node-without-master-key", env, NODE_EXIT_TIMEOUT, "node");

    assertOneLineError(run);
    assertThat(run.stderrLines().get(0)).as("%s", run).contains("OUTREACH_MASTER_KEY");
  }

  @Test
  void nodeWithUnreachableDatabaseExitsWithOneLine() throws IOException {
    int closedPort = E2eSupport.freePort();
    Map<String, String> env = nodeEnv(E2eSupport.freePort());
    env.put("OUTREACH_DB_URL", "jdbc:postgresql://127.0.0.1:" + closedPort + "/outreach");

    Run run = run("node-database-unreachable", env, NODE_EXIT_TIMEOUT, "node");

    assertOneLineError(run);
  }

  @Test
  void nodeWhoseHttpPortIsTakenExitsWithOneLine() throws IOException {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), E2eSupport.freePort()));
      int port = taken.getLocalPort();

      Run run = run("node-http-port-taken", nodeEnv(port), NODE_EXIT_TIMEOUT, "node");

      assertOneLineError(run);
      assertThat(run.stderrLines().get(0)).as("%s", run).contains(String.valueOf(port)).containsIgnoringCase("in use");
    }
  }

  @Test
  void migrateTwiceSucceeds() throws IOException {
    Map<String, String> env = E2eSupport.cleanEnvironment();
    env.put("OUTREACH_DB_URL", db.jdbcUrl());
    env.put("OUTREACH_DB_USER", db.settings(1).user());
    env.put("OUTREACH_DB_PASSWORD", db.settings(1).password());

    Run first = run("migrate-1", env, NODE_EXIT_TIMEOUT, "migrate");
    assertThat(first.exitCode()).as("%s", first).isZero();
    Run second = run("migrate-2", env, NODE_EXIT_TIMEOUT, "migrate");
    assertThat(second.exitCode()).as("%s", second).isZero();
  }

  @ParameterizedTest(name = "{0} --help")
  @ValueSource(strings = {"", "dev", "node", "migrate"})
  void helpPrintsUsage(String command) throws IOException {
    List<String> args = new ArrayList<>();
    if (!command.isEmpty()) args.add(command);
    args.add("--help");

    Run run = run("help-" + (command.isEmpty() ? "outreach" : command), E2eSupport.cleanEnvironment(),
        QUICK_EXIT_TIMEOUT, args.toArray(String[]::new));

    assertThat(run.exitCode()).as("%s", run).isZero();
    assertThat(run.stdout()).as("%s", run).contains("Usage: outreach" + (command.isEmpty() ? "" : " " + command));
  }

  private static void assertOneLineError(Run run) {
    assertThat(run.exitCode()).as("exit code of %s", run).isNotZero();
    assertThat(run.stderrLines()).as("standard error of %s", run).hasSize(1);
    assertThat(run.stderrLines().get(0)).as("%s", run).startsWith("outreach: ");
    assertThat(run.stderr()).as("%s", run).doesNotContain("\tat ");
    System.out.println("StartupErrorsE2E: " + run.name() + " -> exit " + run.exitCode() + ": " + run.stderrLines().get(0));
  }

  /** A complete node environment on free ports with the given HTTP port, against the embedded database. */
  private Map<String, String> nodeEnv(int httpPort) {
    Map<String, String> env = E2eSupport.cleanEnvironment();
    env.put("OUTREACH_NODE_HOST", "127.0.0.1");
    env.put("OUTREACH_REMOTE_PORT", String.valueOf(E2eSupport.freePort()));
    env.put("OUTREACH_HTTP_PORT", String.valueOf(httpPort));
    int management = E2eSupport.freePort();
    env.put("OUTREACH_MANAGEMENT_PORT", String.valueOf(management));
    env.put("OUTREACH_CONTACT_POINTS", "127.0.0.1:" + management);
    env.put("OUTREACH_METRICS_PORT", String.valueOf(E2eSupport.freePort()));
    env.put("OUTREACH_DB_URL", db.jdbcUrl());
    env.put("OUTREACH_DB_USER", db.settings(1).user());
    env.put("OUTREACH_DB_PASSWORD", db.settings(1).password());
    env.put("OUTREACH_MASTER_KEY", E2eSupport.newMasterKey());
    env.put("OUTREACH_ADMIN_TOKEN", E2eSupport.newAdminToken());
    return new HashMap<>(env);
  }

  /** Runs the jar with {@code args}; standard output and error go to files under the log folder. */
  private Run run(String name, Map<String, String> env, Duration timeout, String... args) throws IOException {
    Path out = logDir.resolve(name + ".out.log");
    Path err = logDir.resolve(name + ".err.log");
    List<String> command = new ArrayList<>(List.of(E2eSupport.javaExecutable(), "-Xmx512m", "-jar", E2eSupport.jar().toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(logDir.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    pb.environment().clear();
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    int code = E2eSupport.awaitExit(p, timeout, name + " " + command);
    return new Run(
        name, code, Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
  }
}
