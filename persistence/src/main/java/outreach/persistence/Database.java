package outreach.persistence;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/** The node's connection pool for read models and stores, and the schema migrations. */
public final class Database implements AutoCloseable {

  private final HikariDataSource dataSource;

  private Database(HikariDataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Opens a pool; fails fast with {@link DatabaseUnavailableException} when the database cannot be reached. */
  public static Database open(DatabaseSettings settings, String poolName) {
    HikariConfig config = new HikariConfig();
    config.setPoolName(poolName);
    config.setJdbcUrl(settings.url());
    config.setUsername(settings.user());
    config.setPassword(settings.password());
    config.setMaximumPoolSize(settings.maxConnections());
    config.setAutoCommit(false);
    config.setConnectionTimeout(5_000);
    config.setInitializationFailTimeout(10_000);
    try {
      return new Database(new HikariDataSource(config));
    } catch (RuntimeException e) {
      throw new DatabaseUnavailableException(settings.url(), rootMessage(e), e);
    }
  }

  /** Applies every pending migration; running it again does nothing. */
  public static MigrateResult migrate(DatabaseSettings settings) {
    try {
      return Flyway.configure()
          .dataSource(settings.url(), settings.user(), settings.password())
          .locations("classpath:db/migration")
          .connectRetries(3)
          .load()
          .migrate();
    } catch (RuntimeException e) {
      throw new DatabaseUnavailableException(settings.url(), rootMessage(e), e);
    }
  }

  public DataSource dataSource() {
    return dataSource;
  }

  /** True when a connection can be taken and answers a trivial query. */
  public boolean isReachable() {
    try (Connection c = dataSource.getConnection()) {
      return c.isValid(2);
    } catch (SQLException e) {
      return false;
    }
  }

  @Override
  public void close() {
    dataSource.close();
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) t = t.getCause();
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  /** The database could not be reached or migrated. */
  public static final class DatabaseUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DatabaseUnavailableException(String url, String reason, Throwable cause) {
      super("database " + url + " is not usable: " + reason, cause);
    }
  }
}
