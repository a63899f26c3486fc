package outreach.app;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import outreach.mail.secret.SecretCipher;
import outreach.persistence.EmbeddedDatabase;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code outreach dev}: one node on an embedded PostgreSQL whose data lives in a local folder. */
@Command(
    name = "dev",
    mixinStandardHelpOptions = true,
    description = {
      "Run one node for development: a real PostgreSQL embedded from its Maven artifact, with its data,",
      "the master key and the admin token under the data folder (reused on the next start).",
      "OUTREACH_ADMIN_TOKEN and OUTREACH_MASTER_KEY, when set, are used instead of the files."
    })
final class DevCommand implements Callable<Integer> {

  private static final SecureRandom RANDOM = new SecureRandom();

  @Option(names = "--data", defaultValue = "./data", description = "Data folder [default: ${DEFAULT-VALUE}].")
  Path data;

  @Option(
      names = "--port",
      defaultValue = "${env:OUTREACH_HTTP_PORT:-8080}",
      description = "HTTP port of the API on 127.0.0.1 [default: ${DEFAULT-VALUE}].")
  int port;

  @Override
  public Integer call() {
    if (port < 0 || port > 65_535) throw new StartupException("--port must be between 0 and 65535");
    Path dataDir = data.toAbsolutePath().normalize();
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new StartupException("cannot create data folder " + dataDir + ": " + e.getMessage());
    }
    String masterKey = fromEnvOrFile("OUTREACH_MASTER_KEY", dataDir.resolve("master.key"), SecretCipher::generateKey);
    String adminToken = fromEnvOrFile("OUTREACH_ADMIN_TOKEN", dataDir.resolve("admin.token"), DevCommand::newToken);

    EmbeddedDatabase postgres;
    try {
      postgres = EmbeddedDatabase.start(dataDir.resolve("postgres"));
    } catch (RuntimeException e) {
      throw new StartupException("embedded PostgreSQL did not start in " + dataDir.resolve("postgres") + ": "
          + e.getMessage());
    }
    try {
      Map<String, Object> overrides = new HashMap<>();
      overrides.put("outreach.db.url", postgres.jdbcUrl());
      overrides.put("outreach.db.user", postgres.settings(1).user());
      overrides.put("outreach.db.password", postgres.settings(1).password());
      overrides.put("outreach.http.host", "127.0.0.1");
      overrides.put("outreach.http.port", port);
      overrides.put("outreach.security.master-key", masterKey);
      overrides.put("outreach.security.admin-token", adminToken);
      overrides.put("akka.remote.artery.canonical.hostname", "127.0.0.1");
      overrides.put("akka.remote.artery.canonical.port", 0);
      overrides.put("akka.coordinated-shutdown.exit-jvm", "off");
      Config config = NodeConfig.load(ConfigFactory.parseMap(overrides));

      OutreachNode.Running node = OutreachNode.start(config, OutreachNode.Membership.SELF_JOIN, Clock.systemUTC());
      String base = "http://127.0.0.1:" + node.httpPort();
      System.out.println();
      System.out.println("Outreach dev node is up.");
      System.out.println("  API:          " + base + "/v1");
      System.out.println("  OpenAPI:      " + base + "/v1/openapi.yaml");
      System.out.println("  Readiness:    " + base + "/health/ready");
      System.out.println("  Admin token:  " + adminToken);
      System.out.println("  Data folder:  " + dataDir);
      System.out.println("Create a tenant:");
      System.out.println("  curl -s -X POST " + base + "/v1/tenants -H 'Authorization: Bearer " + adminToken
          + "' -H 'Content-Type: application/json' -d '{\"name\":\"Acme\"}'");
      System.out.flush();
      node.system().getWhenTerminated().toCompletableFuture().join();
      return 0;
    } finally {
      postgres.close();
    }
  }

  /** The value of {@code variable}, or the file's content, or a new value written to the file (mode 600). */
  private static String fromEnvOrFile(String variable, Path file, Supplier<String> generate) {
    String env = System.getenv(variable);
    if (env != null && !env.isBlank()) return env.trim();
    try {
      if (Files.exists(file)) return Files.readString(file, StandardCharsets.UTF_8).trim();
      String value = generate.get();
      Files.writeString(file, value + "\n", StandardCharsets.UTF_8);
      try {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system: the folder's own permissions apply
      }
      return value;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or write " + file, e);
    }
  }

  private static String newToken() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
