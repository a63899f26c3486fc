package outreach.persistence.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.time.Instant;
import java.util.List;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;

class SuppressionCsvTest {

  private static final Instant AT = Instant.parse("2024-05-01T09:30:00.123456Z");

  @Test
  void quotesOnlyWhatRfc4180Requires() {
    String rows =
        SuppressionCsv.rows(
            List.of(
                new SuppressionStore.Suppression("ann@example.com", SuppressionReason.HARD_BOUNCE, "campaign spring", AT),
                new SuppressionStore.Suppression("bob@example.com", SuppressionReason.COMPLAINT, "Ticket 7, \"urgent\"", AT)));

    assertThat(rows)
        .isEqualTo(
            "ann@example.com,hard-bounce,campaign spring,2024-05-01T09:30:00.123456Z\r\n"
                + "bob@example.com,complaint,\"Ticket 7, \"\"urgent\"\"\",2024-05-01T09:30:00.123456Z\r\n");
  }

  @Test
  void whatIsWrittenParsesBackToTheSameFields() throws Exception {
    SuppressionStore.Suppression tricky =
        new SuppressionStore.Suppression("o'neil@example.com", SuppressionReason.MANUAL, "\"a\",b,,c\"", AT);

    String csv = SuppressionCsv.HEADER + SuppressionCsv.rows(List.of(tricky));

    List<CSVRecord> records = CsvInput.FORMAT.builder().setHeader().setSkipHeaderRecord(true).get().parse(new StringReader(csv)).getRecords();
    assertThat(records).hasSize(1);
    assertThat(records.get(0).get("email")).isEqualTo(tricky.email());
    assertThat(records.get(0).get("reason")).isEqualTo("manual");
    assertThat(records.get(0).get("source")).isEqualTo(tricky.source());
    assertThat(Instant.parse(records.get(0).get("created_at"))).isEqualTo(AT);
  }

  @Test
  void noEntriesAreNoRows() {
    assertThat(SuppressionCsv.rows(List.of())).isEmpty();
    assertThat(SuppressionCsv.HEADER).isEqualTo("email,reason,source,created_at\r\n");
  }
}
