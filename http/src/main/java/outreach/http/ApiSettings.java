package outreach.http;

import com.typesafe.config.Config;
import java.time.Duration;

/** Settings of the client API ({@code outreach.http}). */
public record ApiSettings(
    String host, int port, Duration askTimeout, long maxBodyBytes, int defaultPageSize, int maxPageSize) {

  public static ApiSettings fromConfig(Config config) {
    Config c = config.getConfig("outreach.http");
    return new ApiSettings(
        c.getString("host"),
        c.getInt("port"),
        c.getDuration("ask-timeout"),
        c.getBytes("max-body-size"),
        c.getInt("default-page-size"),
        c.getInt("max-page-size"));
  }
}
