package outreach.persistence;

import com.typesafe.config.Config;

/** Where the PostgreSQL database is and how many connections the node's own pool may hold. */
public record DatabaseSettings(String url, String user, String password, int maxConnections) {

  /** Reads {@code outreach.db}. */
  public static DatabaseSettings fromConfig(Config config) {
    Config db = config.getConfig("outreach.db");
    return new DatabaseSettings(
        db.getString("url"), db.getString("user"), db.getString("password"), db.getInt("max-connections"));
  }

  @Override
  public String toString() {
    return "DatabaseSettings[url=" + url + ", user=" + user + ", password=***, maxConnections=" + maxConnections + "]";
  }
}
