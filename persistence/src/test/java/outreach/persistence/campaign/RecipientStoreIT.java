package outreach.persistence.campaign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import outreach.persistence.Database;
import outreach.persistence.EmbeddedDatabase;
import outreach.protocol.campaign.Recipient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** CSV recipient uploads, the suppression list and reading recipients back, on a real PostgreSQL. */
class RecipientStoreIT {

  private static final String TENANT = "t_recipients";
  private static final ImportLimits LIMITS = new ImportLimits(10_000, 10_000_000, 100);
  private static final AtomicInteger CAMPAIGNS = new AtomicInteger();

  private static EmbeddedDatabase postgres;
  private static Database database;
  private static ExecutorService executor;
  private static RecipientStore recipients;
  private static SuppressionStore suppressions;

  private String campaign;

  @BeforeAll
  static void start() {
    postgres = EmbeddedDatabase.startTemporary();
    Database.migrate(postgres.settings(4));
    database = Database.open(postgres.settings(4), "test");
    executor = Executors.newFixedThreadPool(4);
    Clock clock = Clock.fixed(Instant.parse("2026-05-01T10:00:00Z"), ZoneOffset.UTC);
    recipients = new RecipientStore(database.dataSource(), executor, clock);
    suppressions = new SuppressionStore(database.dataSource(), executor, clock);
  }

  @AfterAll
  static void stop() {
    executor.shutdownNow();
    database.close();
    postgres.close();
  }

  @BeforeEach
  void newCampaign() {
    campaign = "c" + CAMPAIGNS.incrementAndGet();
  }

  @Test
  void quotedCommasAndLineBreaksStayInsideTheirField() {
    ImportReport report =
        importText(
            """
            Email,Name,Company
            ann@example.com,"Doe, Ann","Acme
            Widgets"
            bob@example.com,Bob,"Say ""hi""\"
            """);

    assertThat(report.accepted()).isEqualTo(2);
    assertThat(report.rejectedTotal()).isZero();
    List<Recipient> rows = fetchAll();
    assertThat(rows).extracting(Recipient::email).containsExactly("ann@example.com", "bob@example.com");
    assertThat(rows.get(0).variables()).isEqualTo(Map.of("name", "Doe, Ann", "company", "Acme\nWidgets"));
    assertThat(rows.get(1).variables()).isEqualTo(Map.of("name", "Bob", "company", "Say \"hi\""));
  }

  @Test
  void aByteOrderMarkAndCrlfLineEndsAreRead() {
    byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    byte[] body = "email,name\r\ncarl@example.com,Carl\r\ndora@example.com,Dora\r\n".getBytes(StandardCharsets.UTF_8);
    ImportReport report = importBytes(concat(bom, body), LIMITS);

    assertThat(report.accepted()).isEqualTo(2);
    assertThat(fetchAll()).extracting(r -> r.variables().get("name")).containsExactly("Carl", "Dora");
  }

  @Test
  void aFileWithoutAnEmailColumnIsRefusedAndNamesWhatItFound() {
    assertThatThrownBy(() -> importText("name,mail\nAnn,ann@example.com\n"))
        .hasCauseInstanceOf(InvalidCsvException.class)
        .cause()
        .hasMessageContaining("'email' column")
        .hasMessageContaining("'name', 'mail'");
    assertThatThrownBy(() -> importText("")).cause().isInstanceOf(InvalidCsvException.class).hasMessageContaining("empty");
    assertThat(lastSeq()).isZero();
  }

  @Test
  void invalidAddressesAreRejectedWithTheirRecordNumberAndTheRestIsImported() {
    ImportReport report =
        importText(
            """
            email,note
            ann@example.com,"two
            lines"

            not-an-address,x
            ,empty
            bob@example.com,ok
            """);

    assertThat(report.accepted()).isEqualTo(2);
    assertThat(report.rejectedTotal()).isEqualTo(2);
    assertThat(report.rejected())
        .extracting(ImportReport.Rejected::line, ImportReport.Rejected::email)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(3, "not-an-address"), org.assertj.core.groups.Tuple.tuple(4, ""));
    assertThat(report.rejected().get(0).reason()).contains("not a valid email address");
    assertThat(report.rejected().get(1).reason()).isEqualTo("address is missing");
  }

  @Test
  void roleAddressesAreRejectedAndCountedUnderTheRejectPolicy() {
    ImportLimits rejecting = new ImportLimits(10_000, 10_000_000, 100, java.util.Set.of("postmaster", "No-Reply"), true);
    String csv = "email\nPostmaster@example.com\nann@example.com\nno-reply@example.com\npostmaster.ann@example.com\n";

    ImportReport report = importBytes(csv.getBytes(StandardCharsets.UTF_8), rejecting);

    assertThat(report.accepted()).isEqualTo(2);
    assertThat(report.roleAddresses()).isEqualTo(2);
    assertThat(report.rejectedTotal()).isEqualTo(2);
    assertThat(report.rejected())
        .extracting(ImportReport.Rejected::line, ImportReport.Rejected::email, ImportReport.Rejected::reason)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(2, "Postmaster@example.com", "role address"),
            org.assertj.core.groups.Tuple.tuple(4, "no-reply@example.com", "role address"));
    assertThat(fetchAll()).extracting(Recipient::email).containsExactly("ann@example.com", "postmaster.ann@example.com");
  }

  @Test
  void roleAddressesAreImportedButCountedUnderTheAcceptPolicy() {
    ImportLimits accepting = new ImportLimits(10_000, 10_000_000, 100, java.util.Set.of("info"), false);

    ImportReport report = importBytes("email\ninfo@example.com\nann@example.com\n".getBytes(StandardCharsets.UTF_8), accepting);

    assertThat(report.accepted()).isEqualTo(2);
    assertThat(report.roleAddresses()).isEqualTo(1);
    assertThat(report.rejectedTotal()).isZero();
    assertThat(fetchAll()).extracting(Recipient::email).containsExactly("info@example.com", "ann@example.com");
  }

  @Test
  void withoutRoleLocalPartsNoAddressIsARoleAddress() {
    ImportReport report = importText("email\npostmaster@example.com\n");

    assertThat(report.accepted()).isEqualTo(1);
    assertThat(report.roleAddresses()).isZero();
  }

  @Test
  void onlyTheFirstRejectionsAreListedButAllAreCounted() {
    StringBuilder csv = new StringBuilder("email\n");
    IntStream.range(0, 7).forEach(i -> csv.append("bad").append(i).append('\n'));
    ImportReport report = importBytes(csv.toString().getBytes(StandardCharsets.UTF_8), new ImportLimits(100, 10_000, 3));

    assertThat(report.rejectedTotal()).isEqualTo(7);
    assertThat(report.rejected()).extracting(ImportReport.Rejected::line).containsExactly(2, 3, 4);
    assertThat(report.accepted()).isZero();
  }

  @Test
  void duplicatesInTheFileAndAcrossUploadsAreCountedNotInserted() {
    ImportReport first = importText("email\nann@example.com\nANN@Example.com\nbob@example.com\nann@example.com\n");
    assertThat(first.accepted()).isEqualTo(2);
    assertThat(first.duplicates()).isEqualTo(2);
    assertThat(first.lastSeq()).isEqualTo(2);

    ImportReport second = importText("email\nBob@example.com\ncarl@example.com\n");
    assertThat(second.accepted()).isEqualTo(1);
    assertThat(second.duplicates()).isEqualTo(1);
    assertThat(second.lastSeq()).isEqualTo(3);

    assertThat(fetchAll())
        .extracting(Recipient::seq, Recipient::email)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(1L, "ann@example.com"),
            org.assertj.core.groups.Tuple.tuple(2L, "bob@example.com"),
            org.assertj.core.groups.Tuple.tuple(3L, "carl@example.com"));
  }

  @Test
  void anAddressRepeatedFarApartInALargeFileIsImportedOnceAtItsFirstRow() {
    StringBuilder csv = new StringBuilder("email,name\n");
    IntStream.range(0, 9_000).forEach(i -> csv.append("p").append(i).append("@example.com,P").append(i).append('\n'));
    csv.append("P0@EXAMPLE.com,again\n").append("p4500@example.com,again\n");

    ImportReport report = importText(csv.toString());

    assertThat(report.accepted()).isEqualTo(9_000);
    assertThat(report.duplicates()).isEqualTo(2);
    assertThat(report.lastSeq()).isEqualTo(9_000);
    List<Recipient> rows = fetchAll();
    assertThat(rows.get(0)).satisfies(r -> {
      assertThat(r.seq()).isEqualTo(1);
      assertThat(r.email()).isEqualTo("p0@example.com");
      assertThat(r.variables()).isEqualTo(Map.of("name", "P0"));
    });
    assertThat(rows.get(8_999).email()).isEqualTo("p8999@example.com");
  }

  @Test
  void aSuppressedAddressGivenTwiceIsCountedSuppressedOnceThenDuplicate() {
    suppressions.add(TENANT, "gil@example.com", SuppressionReason.MANUAL, "c0").toCompletableFuture().join();

    ImportReport report = importText("email\ngil@example.com\nhal@example.com\nGIL@example.com\n");

    assertThat(report.suppressed()).isEqualTo(1);
    assertThat(report.duplicates()).isEqualTo(1);
    assertThat(report.accepted()).isEqualTo(1);
    assertThat(fetchAll()).extracting(Recipient::email).containsExactly("hal@example.com");
  }

  @Test
  void tabsBackslashesAndLineBreaksInValuesAreStoredAsGiven() {
    importText("email,note,consent\nann@example.com,\"a\tb\\c\r\nd\",\"\\N\"\nbob@example.com,\\N,\"form\tsigned\"\n");

    assertThat(fetchAll()).extracting(r -> r.variables().get("note")).containsExactly("a\tb\\c\r\nd", "\\N");
    assertThat(query("SELECT consent FROM campaign_recipient WHERE tenant_id = ? AND campaign_id = '" + campaign + "' ORDER BY seq", TENANT))
        .containsExactly("\\N", "form\tsigned");
  }

  @Test
  void suppressedAddressesAreSkipped() {
    assertThat(suppressions.add(TENANT, "Dora@Example.com", SuppressionReason.UNSUBSCRIBED, "c0").toCompletableFuture().join())
        .isTrue();

    ImportReport report = importText("email\ndora@example.com\neve@example.com\n");

    assertThat(report.suppressed()).isEqualTo(1);
    assertThat(report.accepted()).isEqualTo(1);
    assertThat(fetchAll()).extracting(Recipient::email).containsExactly("eve@example.com");
  }

  @Test
  void theSuppressionListIsPerTenantAndKeepsTheFirstReason() {
    assertThat(suppressions.add(TENANT, "fay@example.com", SuppressionReason.HARD_BOUNCE, "c1").toCompletableFuture().join()).isTrue();
    assertThat(suppressions.add(TENANT, "FAY@example.com", SuppressionReason.UNSUBSCRIBED, "c2").toCompletableFuture().join()).isFalse();

    assertThat(suppressions.contains(TENANT, "Fay@Example.COM").toCompletableFuture().join()).isTrue();
    assertThat(suppressions.contains("t_other", "fay@example.com").toCompletableFuture().join()).isFalse();
    assertThat(query("SELECT reason || ' ' || source FROM suppression WHERE tenant_id = ? AND email_key = 'fay@example.com'", TENANT))
        .containsExactly("hard-bounce c1");
  }

  @Test
  void tooManyRowsWriteNothing() {
    importText("email\nkeep@example.com\n");
    StringBuilder csv = new StringBuilder("email\n");
    IntStream.range(0, 4).forEach(i -> csv.append("r").append(i).append("@example.com\n"));

    assertThatThrownBy(() -> importBytes(csv.toString().getBytes(StandardCharsets.UTF_8), new ImportLimits(3, 10_000, 10)))
        .cause()
        .isInstanceOf(ImportTooLargeException.class)
        .hasMessage("the CSV has more than 3 rows");
    assertThat(fetchAll()).extracting(Recipient::email).containsExactly("keep@example.com");
  }

  @Test
  void tooManyBytesWriteNothing() {
    StringBuilder csv = new StringBuilder("email\n");
    IntStream.range(0, 1_000).forEach(i -> csv.append("r").append(i).append("@example.com\n"));

    assertThatThrownBy(() -> importBytes(csv.toString().getBytes(StandardCharsets.UTF_8), new ImportLimits(10_000, 5_000, 10)))
        .cause()
        .isInstanceOf(ImportTooLargeException.class)
        .satisfies(e -> assertThat(((ImportTooLargeException) e).limit()).isEqualTo(ImportTooLargeException.Limit.BYTES));
    assertThat(lastSeq()).isZero();
  }

  @Test
  void aStreamThatBreaksHalfWayLeavesNothingBehindAndItsErrorPropagates() {
    // More rows than the staging buffers hold, so that some rows have reached the database before the break.
    StringBuilder csv = new StringBuilder("email\n");
    IntStream.range(0, 6_000).forEach(i -> csv.append("r").append(i).append("@example.com\n"));
    InputStream breaking =
        new SequenceInputStream(
            new ByteArrayInputStream(csv.toString().getBytes(StandardCharsets.UTF_8)),
            new InputStream() {
              @Override
              public int read() throws IOException {
                throw new IOException("connection reset by peer");
              }
            });

    assertThatThrownBy(() -> recipients.importCsv(TENANT, campaign, breaking, LIMITS).toCompletableFuture().join())
        .isInstanceOf(CompletionException.class)
        .hasRootCauseInstanceOf(IOException.class)
        .hasRootCauseMessage("connection reset by peer");
    assertThat(lastSeq()).isZero();
    assertThat(query("SELECT count(*)::text FROM campaign_recipient WHERE tenant_id = ? AND campaign_id = '" + campaign + "'", TENANT))
        .containsExactly("0");
  }

  @Test
  void brokenQuotingAndOtherEncodingsAreRefused() {
    assertThatThrownBy(() -> importText("email\n\"ann@example.com\n"))
        .cause()
        .isInstanceOf(InvalidCsvException.class)
        .hasMessageStartingWith("the CSV is malformed");
    byte[] latin1 = "email,name\nann@example.com,Bj\u00f6rk\n".getBytes(StandardCharsets.ISO_8859_1);
    assertThatThrownBy(() -> importBytes(latin1, LIMITS))
        .cause()
        .isInstanceOf(InvalidCsvException.class)
        .hasMessage("the CSV is not UTF-8 text");
    assertThat(lastSeq()).isZero();
  }

  @Test
  void consentIsKeptAsGivenAndIsNotAVariable() {
    importText("email,consent,Plan\nann@example.com,web form 2026-04-01,pro\nbob@example.com,,free\n");

    assertThat(fetchAll()).extracting(Recipient::variables).containsExactly(Map.of("plan", "pro"), Map.of("plan", "free"));
    assertThat(query("SELECT coalesce(consent, '-') FROM campaign_recipient WHERE tenant_id = ? AND campaign_id = '" + campaign + "' ORDER BY seq", TENANT))
        .containsExactly("web form 2026-04-01", "-");
  }

  @Test
  void rowsWithExtraValuesAreRejectedAndShortRowsGetEmptyVariables() {
    ImportReport report = importText("email,name\nann@example.com,Ann,surplus\nbob@example.com\ncarl@example.com,Carl,\n");

    assertThat(report.accepted()).isEqualTo(2);
    assertThat(report.rejected()).singleElement().satisfies(r -> {
      assertThat(r.line()).isEqualTo(2);
      assertThat(r.reason()).isEqualTo("the row has 3 fields, the header 2");
    });
    assertThat(fetchAll()).extracting(r -> r.variables().get("name")).containsExactly("", "Carl");
  }

  @Test
  void fetchPagesBySequenceNumberAndShowsSuppressionAsItIsNow() {
    importText("email\nr1@example.com\nr2@example.com\nr3@example.com\nr4@example.com\nr5@example.com\n");

    List<Recipient> page = recipients.fetch(TENANT, campaign, 2, 2).toCompletableFuture().join();
    assertThat(page).extracting(Recipient::seq).containsExactly(3L, 4L);
    assertThat(page).noneMatch(Recipient::suppressed);

    suppressions.add(TENANT, "R4@example.com", SuppressionReason.UNSUBSCRIBED, campaign).toCompletableFuture().join();

    assertThat(recipients.fetch(TENANT, campaign, 2, 2).toCompletableFuture().join())
        .extracting(Recipient::seq, Recipient::suppressed)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(3L, false), org.assertj.core.groups.Tuple.tuple(4L, true));
    assertThat(recipients.fetch(TENANT, campaign, 5, 10).toCompletableFuture().join()).isEmpty();
    assertThat(recipients.fetch("t_other", campaign, 0, 10).toCompletableFuture().join()).isEmpty();
  }

  @Test
  void concurrentUploadsToOneCampaignNumberTheirRowsWithoutGapsOrClashes() {
    List<CompletableFuture<ImportReport>> uploads = new ArrayList<>();
    for (int u = 0; u < 4; u++) {
      StringBuilder csv = new StringBuilder("email\n");
      for (int i = 0; i < 300; i++) csv.append("u").append(u).append('-').append(i).append("@example.com\n");
      uploads.add(
          recipients
              .importCsv(TENANT, campaign, new ByteArrayInputStream(csv.toString().getBytes(StandardCharsets.UTF_8)), LIMITS)
              .toCompletableFuture());
    }

    assertThat(uploads.stream().mapToInt(u -> u.join().accepted()).sum()).isEqualTo(1_200);
    assertThat(uploads.stream().mapToLong(u -> u.join().lastSeq()).max()).hasValue(1_200);
    assertThat(fetchAll()).extracting(Recipient::seq).containsExactlyElementsOf(IntStream.rangeClosed(1, 1_200).mapToObj(i -> (long) i).toList());
  }

  private ImportReport importText(String csv) {
    return importBytes(csv.getBytes(StandardCharsets.UTF_8), LIMITS);
  }

  private ImportReport importBytes(byte[] csv, ImportLimits limits) {
    return recipients.importCsv(TENANT, campaign, new ByteArrayInputStream(csv), limits).toCompletableFuture().join();
  }

  private List<Recipient> fetchAll() {
    return recipients.fetch(TENANT, campaign, 0, 10_000).toCompletableFuture().join();
  }

  private long lastSeq() {
    return recipients.lastSeq(TENANT, campaign).toCompletableFuture().join();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] all = new byte[a.length + b.length];
    System.arraycopy(a, 0, all, 0, a.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  private static List<String> query(String sql, String tenant) {
    try (Connection c = database.dataSource().getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, tenant);
      List<String> values = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) values.add(rs.getString(1));
      }
      c.commit();
      return values;
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
