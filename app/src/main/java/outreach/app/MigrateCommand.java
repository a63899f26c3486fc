package outreach.app;

import com.typesafe.config.ConfigFactory;
import java.util.concurrent.Callable;
import org.flywaydb.core.api.output.MigrateResult;
import outreach.persistence.Database;
import outreach.persistence.DatabaseSettings;
import picocli.CommandLine.Command;

/** {@code outreach migrate}: brings the schema of OUTREACH_DB_* up to date and exits. */
@Command(
    name = "migrate",
    mixinStandardHelpOptions = true,
    description = {
      "Apply the database schema to OUTREACH_DB_URL (with OUTREACH_DB_USER, OUTREACH_DB_PASSWORD) and exit.",
      "Nodes also migrate when they start; running it twice is harmless."
    })
final class MigrateCommand implements Callable<Integer> {

  @Override
  public Integer call() {
    DatabaseSettings settings = DatabaseSettings.fromConfig(NodeConfig.load(ConfigFactory.empty()));
    try {
      MigrateResult result = Database.migrate(settings);
      System.out.println(
          "schema of " + settings.url() + " is at version " + (result.targetSchemaVersion == null
              ? result.initialSchemaVersion
              : result.targetSchemaVersion) + " (" + result.migrationsExecuted + " migrations applied now)");
      return 0;
    } catch (Database.DatabaseUnavailableException e) {
      throw new StartupException(e.getMessage());
    }
  }
}
