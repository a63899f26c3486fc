package outreach.http;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.List;

/**
 * Settings of the client API ({@code outreach.http}). Recipient uploads have their own bounds: at
 * most {@code maxCsvBytes} and {@code maxCsvRows} data rows, the first {@code csvRejectionsReported}
 * rejected rows listed in the answer, a stall of {@code csvReadTimeout} between two chunks of the
 * body ending the upload, and {@code csvUploadTimeout} for the whole request. Each tenant (and the
 * admin token) may send {@code rateLimitPerSecond} requests a second with bursts of
 * {@code rateLimitBurst} on each node (0 turns the limit off). Uploaded addresses whose local part
 * is one of {@code roleLocalParts} are role addresses, rejected when {@code rejectRoleAddresses}.
 */
public record ApiSettings(
    String host,
    int port,
    Duration askTimeout,
    long maxBodyBytes,
    int defaultPageSize,
    int maxPageSize,
    long maxCsvBytes,
    int maxCsvRows,
    int csvRejectionsReported,
    Duration csvReadTimeout,
    Duration csvUploadTimeout,
    double rateLimitPerSecond,
    int rateLimitBurst,
    List<String> roleLocalParts,
    boolean rejectRoleAddresses) {

  public ApiSettings {
    roleLocalParts = List.copyOf(roleLocalParts);
  }

  public static ApiSettings fromConfig(Config config) {
    Config c = config.getConfig("outreach.http");
    return new ApiSettings(
        c.getString("host"),
        c.getInt("port"),
        c.getDuration("ask-timeout"),
        c.getBytes("max-body-size"),
        c.getInt("default-page-size"),
        c.getInt("max-page-size"),
        c.getBytes("max-csv-size"),
        c.getInt("max-csv-rows"),
        c.getInt("csv-rejections-reported"),
        c.getDuration("csv-read-timeout"),
        c.getDuration("csv-upload-timeout"),
        c.getDouble("rate-limit.requests-per-second"),
        c.getInt("rate-limit.burst"),
        c.getStringList("role-addresses.local-parts"),
        rejectRoleAddresses(c.getString("role-addresses.policy")));
  }

  private static boolean rejectRoleAddresses(String policy) {
    return switch (policy) {
      case "reject" -> true;
      case "accept" -> false;
      default -> throw new IllegalArgumentException(
          "outreach.http.role-addresses.policy must be 'reject' or 'accept', not '" + policy + "'");
    };
  }
}
