package outreach.app.e2e;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * What every end-to-end test needs around the runnable jar: where it is, where logs go, free ports, fresh
 * secrets, a clean environment for child processes and bounded process waits.
 */
public final class E2eSupport {

  private static final SecureRandom RANDOM = new SecureRandom();
  /** Ports handed out by this JVM, so two fixtures in one run never pick the same one. */
  private static final Set<Integer> HANDED_OUT = new HashSet<>();
  /** Below Linux's default ephemeral range (32768-60999): outgoing connections never take these. */
  private static final int PORT_LOW = 20_000;
  private static final int PORT_HIGH = 32_000;

  private E2eSupport() {}

  /** The app module's folder ({@code basedir} under Maven; app/ or the working directory otherwise). */
  public static Path moduleDir() {
    String basedir = System.getProperty("basedir");
    if (basedir != null && !basedir.isBlank()) return Path.of(basedir).toAbsolutePath();
    Path cwd = Path.of("").toAbsolutePath();
    if (Files.isRegularFile(cwd.resolve("app/pom.xml"))) return cwd.resolve("app");
    return cwd;
  }

  /** The runnable jar: system property {@code outreach.jar}, else target/outreach.jar of the app module. */
  public static Path jar() {
    String property = System.getProperty("outreach.jar");
    Path jar =
        property != null && !property.isBlank()
            ? Path.of(property).toAbsolutePath()
            : moduleDir().resolve("target/outreach.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          "runnable jar not found at " + jar + "; build it first with: mvn -B -q package -DskipTests");
    }
    return jar;
  }

  /** The java launcher of the JVM running the tests. */
  public static String javaExecutable() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** target/e2e-logs/{test}/ of the app module, created if missing. */
  public static Path logDir(String testName) {
    Path dir = moduleDir().resolve("target/e2e-logs").resolve(testName);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
    return dir;
  }

  /**
   * The environment of this JVM without any OUTREACH_* variable, so a developer's shell settings never leak
   * into a child process; the caller adds what the process should see.
   */
  public static Map<String, String> cleanEnvironment() {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.keySet().removeIf(k -> k.startsWith("OUTREACH_"));
    return env;
  }

  /** A new master key: base64 of 32 random bytes. */
  public static String newMasterKey() {
    byte[] key = new byte[32];
    RANDOM.nextBytes(key);
    return Base64.getEncoder().encodeToString(key);
  }

  /** A new admin token (43 URL-safe characters). */
  public static String newAdminToken() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** A TCP port on 127.0.0.1 that nothing listens on now and that this JVM has not handed out before. */
  public static synchronized int freePort() {
    for (int attempt = 0; attempt < 500; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(PORT_LOW, PORT_HIGH);
      if (HANDED_OUT.contains(port)) continue;
      try (ServerSocket socket = new ServerSocket()) {
        socket.setReuseAddress(false);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      } catch (IOException taken) {
        continue;
      }
      HANDED_OUT.add(port);
      return port;
    }
    throw new IllegalStateException("no free TCP port found between " + PORT_LOW + " and " + PORT_HIGH);
  }

  /** The last {@code lines} lines of a text file (empty when it does not exist), read from its end. */
  public static String tail(Path file, int lines) {
    if (!Files.isRegularFile(file)) return "(no file " + file + ")";
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
      long length = raf.length();
      long start = Math.max(0, length - 64L * 1024);
      raf.seek(start);
      byte[] bytes = new byte[(int) (length - start)];
      raf.readFully(bytes);
      String text = new String(bytes, StandardCharsets.UTF_8);
      List<String> all = List.of(text.split("\r?\n", -1));
      List<String> last = new ArrayList<>(all.subList(Math.max(0, all.size() - lines), all.size()));
      return String.join("\n", last);
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e.getMessage() + ")";
    }
  }

  /** Waits at most {@code timeout} for the process to exit; kills it and fails when it does not. */
  public static int awaitExit(Process process, Duration timeout, String what) {
    try {
      if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) return process.exitValue();
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError(what + " did not exit within " + timeout.toSeconds() + " s; it was killed");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new AssertionError("interrupted while waiting for " + what, e);
    }
  }

  /** Seconds with one decimal, for printed measurements. */
  public static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.1f", nanos / 1e9);
  }
}
