package outreach.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code outreach dev} on a fresh data folder: ready within 60 s, serves the API, and after a SIGTERM and a
 * second start on the same folder still knows the tenant's API key and the account.
 */
class DevModeE2E {

  private static final Duration READY_DEADLINE = Duration.ofSeconds(60);
  private static final Pattern ADMIN_TOKEN_LINE = Pattern.compile("^\\s*Admin token:\\s+(\\S+)\\s*$", Pattern.MULTILINE);

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path data;

  private final Path logDir = E2eSupport.logDir("DevModeE2E");
  private final HttpJson http = new HttpJson();
  private final List<Process> started = new ArrayList<>();

  @AfterEach
  void killLeftovers() throws InterruptedException {
    for (Process p : started) {
      if (p.isAlive()) {
        p.destroy();
        if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
    // A dev process that died hard may leave its PostgreSQL running: stop it through its pid file.
    Path pidFile = data.resolve("postgres/postmaster.pid");
    if (Files.isRegularFile(pidFile)) {
      try {
        long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
      } catch (IOException | RuntimeException e) {
        System.err.println("DevModeE2E: cannot stop leftover PostgreSQL from " + pidFile + ": " + e);
      }
    }
  }

  @Test
  void devKeepsTenantsAndAccountsAcrossARestart() throws IOException {
    int port = E2eSupport.freePort();
    int metricsPort = E2eSupport.freePort();

    // First start: fresh data folder.
    Path log1 = logDir.resolve("dev-1.log");
    long start = System.nanoTime();
    Process first = startDev(port, metricsPort, log1);
    awaitReady(first, port, log1);
    System.out.println("DevModeE2E: first start ready " + E2eSupport.seconds(System.nanoTime() - start) + " s after start");

    String adminToken = printedAdminToken(first, log1);
    assertThat(adminToken).as("admin token printed on stdout vs %s", data.resolve("admin.token"))
        .isEqualTo(Files.readString(data.resolve("admin.token"), StandardCharsets.UTF_8).trim());
    assertThat(data.resolve("master.key")).isRegularFile();

    HttpJson.Response tenant = http.post(api(port, "/v1/tenants"), adminToken, Map.of("name", "Acme"));
    assertThat(tenant.status()).as("%s", tenant).isEqualTo(201);
    String apiKey = tenant.requireJson().path("apiKey").asText();
    assertThat(apiKey).isNotBlank();

    HttpJson.Response post =
        http.post(
            api(port, "/v1/accounts"),
            apiKey,
            Map.of(
                "id", "acc-1",
                "host", "smtp.example.com",
                "port", 587,
                "security", "starttls",
                "username", "u",
                "password", "secret-123",
                "fromAddress", "a@example.com",
                "fromName", "A"));
    assertThat(post.status()).as("%s", post).isEqualTo(201);
    HttpJson.Response before = http.get(api(port, "/v1/accounts/acc-1"), apiKey);
    assertThat(before.status()).as("%s", before).isEqualTo(200);
    assertThat(before.requireJson()).isEqualTo(post.requireJson());

    // SIGTERM: the node shuts down and stops its PostgreSQL.
    long stopAt = System.nanoTime();
    first.destroy();
    E2eSupport.awaitExit(first, Duration.ofSeconds(60), "dev after SIGTERM");
    System.out.println("DevModeE2E: exited " + E2eSupport.seconds(System.nanoTime() - stopAt)
        + " s after SIGTERM (exit code " + first.exitValue() + ")");
    awaitQuietly(
        "embedded PostgreSQL stopped (postmaster.pid removed)",
        Duration.ofSeconds(20),
        () -> !Files.exists(data.resolve("postgres/postmaster.pid")),
        log1);

    // Second start on the same folder.
    Path log2 = logDir.resolve("dev-2.log");
    long restart = System.nanoTime();
    Process second = startDev(port, metricsPort, log2);
    awaitReady(second, port, log2);
    System.out.println("DevModeE2E: second start ready " + E2eSupport.seconds(System.nanoTime() - restart) + " s after start");
    assertThat(printedAdminToken(second, log2)).as("admin token reused on the second start").isEqualTo(adminToken);

    HttpJson.Response after = http.get(api(port, "/v1/accounts/acc-1"), apiKey);
    assertThat(after.status()).as("the API key of the first run still works: %s", after).isEqualTo(200);
    JsonNode account = after.requireJson();
    assertThat(account).as("account after restart").isEqualTo(before.requireJson());

    for (HttpJson.Response r : http.history()) {
      assertThat(r.body()).as("response %s %s", r.method(), r.uri()).doesNotContain("secret-123");
    }

    second.destroy();
    E2eSupport.awaitExit(second, Duration.ofSeconds(60), "dev after SIGTERM");
  }

  private Process startDev(int port, int metricsPort, Path log) throws IOException {
    Files.deleteIfExists(log);
    ProcessBuilder pb =
        new ProcessBuilder(
                E2eSupport.javaExecutable(),
                "-Xmx512m",
                "-jar",
                E2eSupport.jar().toString(),
                "dev",
                "--data",
                data.toString(),
                "--port",
                String.valueOf(port))
            .directory(logDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
    pb.environment().clear();
    pb.environment().putAll(E2eSupport.cleanEnvironment());
    pb.environment().put("OUTREACH_METRICS_PORT", String.valueOf(metricsPort));
    Process p = pb.start();
    started.add(p);
    return p;
  }

  private void awaitReady(Process dev, int port, Path log) {
    AtomicReference<String> last = new AtomicReference<>("no answer yet");
    HttpJson probe = new HttpJson(Duration.ofSeconds(5), false);
    try {
      Awaitility.await("dev /health/ready answering 200")
          .atMost(READY_DEADLINE)
          .pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(250))
          .failFast("dev exited", () -> !dev.isAlive())
          .until(
              () -> {
                try {
                  HttpJson.Response r = probe.get(api(port, "/health/ready"), null);
                  last.set(r.toString());
                  return r.status() == 200;
                } catch (RuntimeException e) {
                  last.set(e.toString());
                  return false;
                }
              });
    } catch (ConditionTimeoutException | TerminalFailureException e) {
      throw new AssertionError(
          "dev on port " + port + " not ready within " + READY_DEADLINE.toSeconds() + " s"
              + (dev.isAlive() ? "" : " (exited with " + dev.exitValue() + ")") + "; last answer: " + last.get()
              + "\n----- last lines of " + log + "\n" + E2eSupport.tail(log, 80),
          e);
    }
  }

  /** The token of the "Admin token:" line dev prints on standard output once it is up. */
  private String printedAdminToken(Process dev, Path log) {
    AtomicReference<String> token = new AtomicReference<>();
    awaitQuietly(
        "dev printing its admin token",
        Duration.ofSeconds(20),
        () -> {
          Matcher m = ADMIN_TOKEN_LINE.matcher(Files.readString(log, StandardCharsets.UTF_8));
          if (!m.find()) return false;
          token.set(m.group(1));
          return true;
        },
        log);
    return token.get();
  }

  private static void awaitQuietly(
      String what, Duration timeout, Callable<Boolean> condition, Path log) {
    try {
      Awaitility.await(what)
          .atMost(timeout)
          .pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(200))
          .ignoreExceptions()
          .until(condition);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          "timed out after " + timeout.toSeconds() + " s waiting for " + what + "\n----- last lines of " + log + "\n"
              + E2eSupport.tail(log, 80),
          e);
    }
  }

  private static URI api(int port, String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }
}
