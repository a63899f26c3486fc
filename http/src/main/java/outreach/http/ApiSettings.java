package outreach.http;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * Settings of the client API ({@code outreach.http}). Recipient uploads have their own bounds: at
 * most {@code maxCsvBytes} and {@code maxCsvRows} data rows, the first {@code csvRejectionsReported}
 * rejected rows listed in the answer, a stall of {@code csvReadTimeout} between two chunks of the
 * body ending the upload, and {@code csvUploadTimeout} for the whole request.
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
    Duration csvUploadTimeout) {

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
        c.getDuration("csv-upload-timeout"));
  }
}
