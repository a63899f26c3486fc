package outreach.persistence.campaign;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import outreach.mail.EmailAddresses;
import outreach.persistence.StoreException;
import outreach.protocol.campaign.Recipient;

/**
 * Campaign recipient lists in PostgreSQL: CSV uploads streamed into {@code campaign_recipient}
 * (one transaction per upload, all or nothing) and read back by sequence number. Blocking work runs
 * on the executor given, never on the caller's thread.
 */
public final class RecipientStore {

  private static final String EMAIL_COLUMN = "email";
  private static final String CONSENT_COLUMN = "consent";

  /**
   * Rows are checked against the campaign and the suppression list, and inserted, this many at a
   * time: one round trip per batch instead of per row.
   */
  private static final int BATCH_SIZE = 500;

  /** A rejected value is echoed back only as far as an address can be long. */
  private static final int MAX_ECHOED_EMAIL = 254;
  /** The reason a role address is rejected with; clients may match on it. */
  static final String ROLE_ADDRESS = "role address";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, String>> VARIABLES = new TypeReference<>() {};

  private final DataSource dataSource;
  private final Executor executor;
  private final Clock clock;

  public RecipientStore(DataSource dataSource, Executor executor, Clock clock) {
    this.dataSource = dataSource;
    this.executor = executor;
    this.clock = clock;
  }

  /**
   * Reads a CSV upload to its end (and closes it) and appends its valid, new, unsuppressed
   * addresses to the campaign, numbered after the campaign's last recipient in file order.
   * The first row is the header and must name an {@code email} column (any letter case); a
   * {@code consent} column is kept as given; every other column becomes a variable named by its
   * lower-cased header. Fails with {@link InvalidCsvException} or {@link ImportTooLargeException},
   * or with the stream's own error, and then nothing is written.
   */
  public CompletionStage<ImportReport> importCsv(
      String tenantId, String campaignId, InputStream csv, ImportLimits limits) {
    return CompletableFuture.supplyAsync(() -> importNow(tenantId, campaignId, csv, limits), executor);
  }

  /** Recipients with sequence numbers after {@code afterSeq}, in order, flagged when their address is suppressed now. */
  public CompletionStage<List<Recipient>> fetch(String tenantId, String campaignId, long afterSeq, int limit) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (Connection c = dataSource.getConnection();
              PreparedStatement s =
                  c.prepareStatement(
                      """
                      SELECT r.seq, r.email, r.variables::text, s.email_key IS NOT NULL
                      FROM campaign_recipient r
                      LEFT JOIN suppression s ON s.tenant_id = r.tenant_id AND s.email_key = r.email_key
                      WHERE r.tenant_id = ? AND r.campaign_id = ? AND r.seq > ?
                      ORDER BY r.seq LIMIT ?
                      """)) {
            s.setString(1, tenantId);
            s.setString(2, campaignId);
            s.setLong(3, afterSeq);
            s.setInt(4, limit);
            List<Recipient> recipients = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                recipients.add(
                    new Recipient(rs.getLong(1), rs.getString(2), JSON.readValue(rs.getString(3), VARIABLES), rs.getBoolean(4)));
              }
            }
            c.commit();
            return List.copyOf(recipients);
          } catch (SQLException | JsonProcessingException e) {
            throw new StoreException("could not read recipients", e);
          }
        },
        executor);
  }

  /** The campaign's highest recipient sequence number, 0 when it has none. */
  public CompletionStage<Long> lastSeq(String tenantId, String campaignId) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (Connection c = dataSource.getConnection()) {
            long last = lastSeq(c, tenantId, campaignId);
            c.commit();
            return last;
          } catch (SQLException e) {
            throw new StoreException("could not read recipients", e);
          }
        },
        executor);
  }

  private ImportReport importNow(String tenantId, String campaignId, InputStream csv, ImportLimits limits) {
    try (CsvInput.LimitedInputStream in = new CsvInput.LimitedInputStream(csv, limits.maxBytes());
        CSVParser parser = CSVParser.parse(CsvInput.utf8(in), CsvInput.FORMAT)) {
      Iterator<CSVRecord> records = parser.iterator();
      Header header =
          Header.of(
              CsvInput.next(records)
                  .orElseThrow(
                      () -> new InvalidCsvException("the CSV is empty; its first row must be a header with an 'email' column")));
      // The connection is taken only once the header is known to be usable.
      try (Connection c = dataSource.getConnection()) {
        try {
          Upload upload = new Upload(c, tenantId, campaignId, limits, clock.instant().truncatedTo(ChronoUnit.MICROS));
          for (Optional<CSVRecord> r = CsvInput.next(records); r.isPresent(); r = CsvInput.next(records)) upload.add(header, r.get());
          ImportReport report = upload.finish();
          c.commit();
          return report;
        } catch (SQLException | RuntimeException e) {
          c.rollback();
          throw e;
        }
      }
    } catch (SQLException e) {
      throw new StoreException("could not import recipients", e);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read the CSV", e);
    }
  }

  private static long lastSeq(Connection c, String tenantId, String campaignId) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement("SELECT COALESCE(MAX(seq), 0) FROM campaign_recipient WHERE tenant_id = ? AND campaign_id = ?")) {
      s.setString(1, tenantId);
      s.setString(2, campaignId);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /**
   * Where the address and the consent are in a row ({@code consent} -1 when there is none), and the
   * variable each column fills ({@code null} for the address, the consent and unnamed columns).
   */
  private record Header(int width, int email, int consent, List<String> variables) {

    static Header of(CSVRecord record) {
      List<String> names = new ArrayList<>();
      for (String name : record) names.add(name.strip().toLowerCase(Locale.ROOT));
      Set<String> seen = new HashSet<>();
      for (String name : names) {
        if (!name.isEmpty() && !seen.add(name)) {
          throw new InvalidCsvException("the header names the column '" + name + "' twice");
        }
      }
      int email = names.indexOf(EMAIL_COLUMN);
      if (email < 0) {
        String found = names.stream().filter(n -> !n.isEmpty()).map(n -> "'" + n + "'").collect(Collectors.joining(", "));
        throw new InvalidCsvException(
            "the first row must be a header with an 'email' column; it has " + (found.isEmpty() ? "no names" : found));
      }
      // Unnamed columns (a trailing comma, say) carry nothing anyone could refer to.
      List<String> variables =
          names.stream().map(n -> n.isEmpty() || n.equals(EMAIL_COLUMN) || n.equals(CONSENT_COLUMN) ? null : n).toList();
      return new Header(names.size(), email, names.indexOf(CONSENT_COLUMN), variables);
    }
  }

  /** A row that passed the syntax check. */
  private record Row(int line, String email, String key, String variablesJson, String consent) {}

  /** One upload in progress inside its transaction: the counts, the addresses seen so far and the batch to write. */
  private static final class Upload {

    private final Connection c;
    private final String tenantId;
    private final String campaignId;
    private final ImportLimits limits;
    private final Timestamp createdAt;
    private final PreparedStatement insert;
    private final Set<String> seen = new HashSet<>();
    private final List<Row> batch = new ArrayList<>(BATCH_SIZE);
    private final List<ImportReport.Rejected> rejected = new ArrayList<>();
    private long lastSeq;
    private int rows;
    private int accepted;
    private int rejectedTotal;
    private int duplicates;
    private int suppressed;
    private int roleAddresses;

    Upload(Connection c, String tenantId, String campaignId, ImportLimits limits, Instant now) throws SQLException {
      this.c = c;
      this.tenantId = tenantId;
      this.campaignId = campaignId;
      this.limits = limits;
      this.createdAt = Timestamp.from(now);
      // Uploads to one campaign take turns, so each numbers its rows after the one before.
      try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))")) {
        lock.setString(1, "campaign_recipient|" + tenantId + "|" + campaignId);
        lock.execute();
      }
      this.lastSeq = RecipientStore.lastSeq(c, tenantId, campaignId);
      this.insert =
          c.prepareStatement(
              """
              INSERT INTO campaign_recipient (tenant_id, campaign_id, seq, email, email_key, variables, consent, created_at)
              VALUES (?, ?, ?, ?, ?, ?::jsonb, ?, ?)
              """);
    }

    void add(Header header, CSVRecord record) throws SQLException {
      if (++rows > limits.maxRows()) throw ImportTooLargeException.rows(limits.maxRows());
      // Bounded by the row limit just checked, so it fits an int.
      int line = Math.toIntExact(record.getRecordNumber());
      String email = header.email() < record.size() ? record.get(header.email()).strip() : "";
      if (record.size() > header.width() && !blankAfter(record, header.width())) {
        reject(line, email, "the row has " + record.size() + " fields, the header " + header.width());
        return;
      }
      Optional<String> problem = EmailAddresses.problem(email);
      if (problem.isPresent()) {
        reject(line, email, problem.get());
        return;
      }
      if (limits.isRoleAddress(email)) {
        roleAddresses++;
        if (limits.rejectRoleAddresses()) {
          reject(line, email, ROLE_ADDRESS);
          return;
        }
      }
      String key = SuppressionStore.keyOf(email);
      if (!seen.add(key)) {
        duplicates++;
        return;
      }
      batch.add(new Row(line, email, key, variables(header, record), consent(header, record)));
      if (batch.size() == BATCH_SIZE) flush();
    }

    ImportReport finish() throws SQLException {
      flush();
      insert.close();
      return new ImportReport(accepted, rejected, rejectedTotal, duplicates, suppressed, roleAddresses, lastSeq);
    }

    private void flush() throws SQLException {
      if (batch.isEmpty()) return;
      List<String> keys = batch.stream().map(Row::key).toList();
      Set<String> existing =
          keysIn("SELECT email_key FROM campaign_recipient WHERE tenant_id = ? AND campaign_id = ? AND email_key = ANY(?)", keys, true);
      Set<String> onList = keysIn("SELECT email_key FROM suppression WHERE tenant_id = ? AND email_key = ANY(?)", keys, false);
      for (Row row : batch) {
        if (existing.contains(row.key())) {
          duplicates++;
        } else if (onList.contains(row.key())) {
          suppressed++;
        } else {
          insert.setString(1, tenantId);
          insert.setString(2, campaignId);
          insert.setLong(3, ++lastSeq);
          insert.setString(4, row.email());
          insert.setString(5, row.key());
          insert.setString(6, row.variablesJson());
          insert.setString(7, row.consent());
          insert.setTimestamp(8, createdAt);
          insert.addBatch();
          accepted++;
        }
      }
      insert.executeBatch();
      batch.clear();
    }

    private Set<String> keysIn(String sql, List<String> keys, boolean byCampaign) throws SQLException {
      Array array = c.createArrayOf("varchar", keys.toArray());
      try (PreparedStatement s = c.prepareStatement(sql)) {
        int i = 1;
        s.setString(i++, tenantId);
        if (byCampaign) s.setString(i++, campaignId);
        s.setArray(i, array);
        Set<String> found = new HashSet<>();
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) found.add(rs.getString(1));
        }
        return found;
      } finally {
        array.free();
      }
    }

    private void reject(int line, String email, String reason) {
      rejectedTotal++;
      if (rejected.size() < limits.rejectedReported()) {
        String echoed = email.length() > MAX_ECHOED_EMAIL ? email.substring(0, MAX_ECHOED_EMAIL) : email;
        rejected.add(new ImportReport.Rejected(line, echoed, reason));
      }
    }

    private static boolean blankAfter(CSVRecord record, int width) {
      for (int i = width; i < record.size(); i++) {
        if (!record.get(i).isBlank()) return false;
      }
      return true;
    }

    private static String variables(Header header, CSVRecord record) {
      Map<String, String> variables = new LinkedHashMap<>();
      for (int i = 0; i < header.width(); i++) {
        String name = header.variables().get(i);
        if (name != null) variables.put(name, i < record.size() ? record.get(i) : "");
      }
      try {
        return JSON.writeValueAsString(variables);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("a map of strings is always JSON", e);
      }
    }

    private static String consent(Header header, CSVRecord record) {
      if (header.consent() < 0 || header.consent() >= record.size()) return null;
      String consent = record.get(header.consent()).strip();
      return consent.isEmpty() ? null : consent;
    }
  }
}
