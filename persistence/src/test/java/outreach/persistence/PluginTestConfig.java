package outreach.persistence;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.Map;

/** akka-persistence-jdbc's shared pool on a test's embedded PostgreSQL, for tests of the plugin's DAOs. */
final class PluginTestConfig {

  private PluginTestConfig() {}

  /** The shared pool of {@code connections} on {@code postgres}, under the plugin settings in {@code more}. */
  static Config on(EmbeddedDatabase postgres, int connections, String more) {
    return ConfigFactory.parseMap(
            Map.of(
                "akka-persistence-jdbc.shared-databases.default.db.url", postgres.jdbcUrl(),
                "akka-persistence-jdbc.shared-databases.default.db.user", "postgres",
                "akka-persistence-jdbc.shared-databases.default.db.password", "",
                "akka-persistence-jdbc.shared-databases.default.db.numThreads", connections,
                "akka-persistence-jdbc.shared-databases.default.db.maxConnections", connections))
        .withFallback(ConfigFactory.parseString(more))
        .withFallback(
            ConfigFactory.parseString(
                """
                akka-persistence-jdbc.shared-databases.default {
                  profile = "slick.jdbc.PostgresProfile$"
                  db { driver = "org.postgresql.Driver", minConnections = 1 }
                }
                """));
  }
}
