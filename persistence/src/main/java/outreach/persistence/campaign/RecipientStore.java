package outreach.persistence.campaign;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
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
import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyOutputStream;
import outreach.mail.EmailAddresses;
import outreach.persistence.StoreException;
import outreach.protocol.campaign.Recipient;

/**
 * Campaign recipient lists in PostgreSQL: CSV uploads streamed into {@code campaign_recipient}
 * (one transaction per upload, all or nothing) and read back by sequence number. Blocking work runs
 * on the executor given, never on the caller's thread.
 *
 * <p>An upload holds nothing per row in memory: the rows that pass the checks made here (syntax,
 * width, role address) are streamed with {@code COPY} into a staging table of the transaction while
 * the file is still being read, and PostgreSQL then drops repeated addresses, addresses the campaign
 * already has and suppressed ones, and numbers the rest, in one statement.
 */
public final class RecipientStore {

  private static final String EMAIL_COLUMN = "email";
  private static final String CONSENT_COLUMN = "consent";

  /** Characters of staging rows gathered before they go to the server. */
  private static final int COPY_BUFFER = 1 << 16;

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
        Upload upload = null;
        try {
          upload = new Upload(c, tenantId, campaignId, limits, clock.instant().truncatedTo(ChronoUnit.MICROS));
          for (Optional<CSVRecord> r = CsvInput.next(records); r.isPresent(); r = CsvInput.next(records)) upload.add(header, r.get());
          ImportReport report = upload.finish();
          c.commit();
          return report;
        } catch (SQLException | RuntimeException e) {
          if (upload != null) upload.abandon();
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

  /**
   * One upload in progress inside its transaction: the counts of the rows refused here, and the
   * {@code COPY} that streams the others into the staging table.
   */
  private static final class Upload {

    /** The rows of this upload that passed the checks made while reading; dropped with the transaction. */
    private static final String STAGING =
        """
        CREATE TEMPORARY TABLE recipient_upload (
          line INTEGER NOT NULL,
          email VARCHAR(254) NOT NULL,
          email_key VARCHAR(254) NOT NULL,
          variables JSONB NOT NULL,
          consent VARCHAR
        ) ON COMMIT DROP
        """;

    /**
     * The first row of each address, unless the campaign has it already or it is suppressed, appended
     * in file order. Answers how many first rows the campaign did not have yet and how many of those
     * were inserted (the others are suppressed).
     */
    private static final String INSERT_NEW =
        """
        WITH first_rows AS (
          SELECT DISTINCT ON (email_key) line, email, email_key, variables, consent
          FROM recipient_upload ORDER BY email_key, line
        ), fresh AS (
          SELECT * FROM first_rows f
          WHERE NOT EXISTS (
            SELECT 1 FROM campaign_recipient r WHERE r.tenant_id = ? AND r.campaign_id = ? AND r.email_key = f.email_key)
        ), inserted AS (
          INSERT INTO campaign_recipient (tenant_id, campaign_id, seq, email, email_key, variables, consent, created_at)
          SELECT ?, ?, ? + row_number() OVER (ORDER BY line), email, email_key, variables, consent, ?
          FROM fresh f
          WHERE NOT EXISTS (SELECT 1 FROM suppression s WHERE s.tenant_id = ? AND s.email_key = f.email_key)
          RETURNING 1
        )
        SELECT (SELECT COUNT(*) FROM fresh), (SELECT COUNT(*) FROM inserted)
        """;

    private final Connection c;
    private final String tenantId;
    private final String campaignId;
    private final ImportLimits limits;
    private final Timestamp createdAt;
    private final long firstSeq;
    private final PGCopyOutputStream copy;
    private final Writer staging;
    private final StringBuilder row = new StringBuilder();
    private final List<ImportReport.Rejected> rejected = new ArrayList<>();
    private int rows;
    private int staged;
    private int rejectedTotal;
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
      this.firstSeq = RecipientStore.lastSeq(c, tenantId, campaignId);
      try (Statement create = c.createStatement()) {
        create.execute(STAGING);
      }
      this.copy =
          new PGCopyOutputStream(
              c.unwrap(PGConnection.class),
              "COPY recipient_upload (line, email, email_key, variables, consent) FROM STDIN",
              COPY_BUFFER);
      this.staging = new BufferedWriter(new OutputStreamWriter(copy, StandardCharsets.UTF_8), COPY_BUFFER);
    }

    void add(Header header, CSVRecord record) {
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
      row.setLength(0);
      row.append(line).append('\t');
      copyText(row, email).append('\t');
      copyText(row, SuppressionStore.keyOf(email)).append('\t');
      copyText(row, variables(header, record)).append('\t');
      String consent = consent(header, record);
      if (consent == null) row.append("\\N");
      else copyText(row, consent);
      row.append('\n');
      try {
        staging.append(row);
      } catch (IOException e) {
        throw new StoreException("could not stage recipients", e);
      }
      staged++;
    }

    ImportReport finish() throws SQLException {
      try {
        staging.close();
      } catch (IOException e) {
        throw new StoreException("could not stage recipients", e);
      }
      try (PreparedStatement s = c.prepareStatement(INSERT_NEW)) {
        s.setString(1, tenantId);
        s.setString(2, campaignId);
        s.setString(3, tenantId);
        s.setString(4, campaignId);
        s.setLong(5, firstSeq);
        s.setTimestamp(6, createdAt);
        s.setString(7, tenantId);
        try (ResultSet rs = s.executeQuery()) {
          rs.next();
          int fresh = rs.getInt(1);
          int accepted = rs.getInt(2);
          return new ImportReport(
              accepted, rejected, rejectedTotal, staged - fresh, fresh - accepted, roleAddresses, firstSeq + accepted);
        }
      }
    }

    /** Ends an unfinished {@code COPY}, so that the transaction can be rolled back. */
    void abandon() {
      if (!copy.isActive()) return;
      try {
        copy.cancelCopy();
      } catch (SQLException e) {
        // The rollback that follows fails loudly if the connection is unusable.
      }
    }

    /** {@code value} as a field of PostgreSQL's COPY text format: backslash escapes for the characters it reserves. */
    private static StringBuilder copyText(StringBuilder out, String value) {
      for (int i = 0; i < value.length(); i++) {
        char ch = value.charAt(i);
        switch (ch) {
          case '\\' -> out.append("\\\\");
          case '\t' -> out.append("\\t");
          case '\n' -> out.append("\\n");
          case '\r' -> out.append("\\r");
          default -> out.append(ch);
        }
      }
      return out;
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
