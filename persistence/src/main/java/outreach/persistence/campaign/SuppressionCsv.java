package outreach.persistence.campaign;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * The CSV form of a suppression list: RFC 4180 (CRLF line ends, fields quoted only when they hold a
 * comma, quote or line break), with the columns {@link SuppressionStore#importCsv} reads back.
 */
public final class SuppressionCsv {

  /** The header row, line end included. */
  public static final String HEADER = "email,reason,source,created_at\r\n";

  private static final CSVFormat FORMAT = CSVFormat.RFC4180;

  private SuppressionCsv() {}

  /** The rows of these entries, each ending in CRLF. */
  public static String rows(List<SuppressionStore.Suppression> entries) {
    StringBuilder out = new StringBuilder();
    try (CSVPrinter printer = new CSVPrinter(out, FORMAT)) {
      for (SuppressionStore.Suppression s : entries) {
        printer.printRecord(s.email(), s.reason().wireName(), s.source(), s.createdAt().toString());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("a StringBuilder does not fail", e);
    }
    return out.toString();
  }
}
