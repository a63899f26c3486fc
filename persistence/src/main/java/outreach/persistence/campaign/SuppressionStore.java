package outreach.persistence.campaign;

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
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import outreach.mail.EmailAddresses;
import outreach.mail.HeaderText;
import outreach.persistence.StoreException;

/** A tenant's suppression list: addresses that are never sent to again. Blocking JDBC runs on the executor given. */
public final class SuppressionStore {

  /** The longest source the table holds. */
  public static final int MAX_SOURCE = 200;

  /** What an imported row without a source column (or with an empty one) records as its source. */
  public static final String IMPORT_SOURCE = "import";

  /** Rows of an import are inserted this many at a time: one round trip per batch instead of per row. */
  private static final int BATCH_SIZE = 500;

  /** A rejected value is echoed back only as far as an address can be long. */
  private static final int MAX_ECHOED_EMAIL = 254;

  private static final String COLUMNS = "email, reason, source, created_at";

  private static final String INSERT =
      """
      INSERT INTO suppression (tenant_id, email_key, email, reason, source, created_at)
      VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (tenant_id, email_key) DO NOTHING
      """;

  /** An address on the list, as it was first put there. */
  public record Suppression(String email, SuppressionReason reason, String source, Instant createdAt) {}

  /** The entry for an address after {@link #suppress}; {@code added} is false when it was on the list already. */
  public record Suppressed(Suppression suppression, boolean added) {}

  /** One page of the list ordered by address key, and the cursor of the next page when there is one. */
  public record Page(List<Suppression> items, Optional<String> nextCursor) {}

  /**
   * What one CSV import did: addresses {@code added}, rows whose address was on the list already
   * (or earlier in the file), the first rejected rows with why and how many were rejected in all.
   */
  public record ImportResult(int added, int alreadySuppressed, List<ImportReport.Rejected> rejected, int rejectedTotal) {
    public ImportResult {
      rejected = List.copyOf(rejected);
    }
  }

  private final DataSource dataSource;
  private final Executor executor;
  private final Clock clock;

  public SuppressionStore(DataSource dataSource, Executor executor, Clock clock) {
    this.dataSource = dataSource;
    this.executor = executor;
    this.clock = clock;
  }

  /**
   * Puts the address on the tenant's list; true when it was not on it before. Adding it again
   * changes nothing: the first reason and source stay.
   */
  public CompletionStage<Boolean> add(String tenantId, String email, SuppressionReason reason, String source) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (Connection c = dataSource.getConnection()) {
            try {
              boolean added = insert(c, tenantId, email, reason, source, clock.instant());
              c.commit();
              return added;
            } catch (SQLException e) {
              c.rollback();
              throw e;
            }
          } catch (SQLException e) {
            throw new StoreException("could not add to the suppression list", e);
          }
        },
        executor);
  }

  /** Whether the address (in any letter case) is on the tenant's list. */
  public CompletionStage<Boolean> contains(String tenantId, String email) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (Connection c = dataSource.getConnection();
              PreparedStatement s =
                  c.prepareStatement("SELECT 1 FROM suppression WHERE tenant_id = ? AND email_key = ?")) {
            s.setString(1, tenantId);
            s.setString(2, keyOf(email));
            try (ResultSet rs = s.executeQuery()) {
              boolean found = rs.next();
              c.commit();
              return found;
            }
          } catch (SQLException e) {
            throw new StoreException("could not read the suppression list", e);
          }
        },
        executor);
  }

  /**
   * Puts the address on the tenant's list and returns its entry: the new one, or the one that was
   * there already (whose reason and source stay).
   */
  public CompletionStage<Suppressed> suppress(String tenantId, String email, SuppressionReason reason, String source) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (Connection c = dataSource.getConnection()) {
            try {
              boolean added = insert(c, tenantId, email, reason, source, clock.instant());
              Suppression entry = find(c, tenantId, email).orElseThrow();
              c.commit();
              return new Suppressed(entry, added);
            } catch (SQLException e) {
              c.rollback();
              throw e;
            }
          } catch (SQLException e) {
            throw new StoreException("could not add to the suppression list", e);
          }
        },
        executor);
  }

  /** Entries with address keys after {@code afterKey} (exclusive), at most {@code limit}. */
  public CompletionStage<Page> list(String tenantId, Optional<String> afterKey, int limit) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (Connection c = dataSource.getConnection();
              PreparedStatement s =
                  c.prepareStatement(
                      "SELECT email_key, " + COLUMNS
                          + " FROM suppression WHERE tenant_id = ? AND email_key > ? ORDER BY email_key LIMIT ?")) {
            s.setString(1, tenantId);
            s.setString(2, afterKey.orElse(""));
            s.setInt(3, limit + 1);
            List<Suppression> items = new ArrayList<>();
            String lastKey = null;
            int count = 0;
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                if (++count > limit) break;
                lastKey = rs.getString(1);
                items.add(suppression(rs, 2));
              }
            }
            c.commit();
            return new Page(List.copyOf(items), count > limit ? Optional.of(lastKey) : Optional.empty());
          } catch (SQLException e) {
            throw new StoreException("could not read the suppression list", e);
          }
        },
        executor);
  }

  /** Takes the address (in any letter case) off the tenant's list; false when it was not on it. */
  public CompletionStage<Boolean> remove(String tenantId, String email) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (Connection c = dataSource.getConnection();
              PreparedStatement s = c.prepareStatement("DELETE FROM suppression WHERE tenant_id = ? AND email_key = ?")) {
            s.setString(1, tenantId);
            s.setString(2, keyOf(email));
            boolean removed = s.executeUpdate() == 1;
            c.commit();
            return removed;
          } catch (SQLException e) {
            throw new StoreException("could not remove from the suppression list", e);
          }
        },
        executor);
  }

  /**
   * Reads a CSV file to its end (and closes it) and puts its valid addresses on the tenant's list,
   * all in one transaction. The first row is the header and must name an {@code email} column; the
   * optional {@code reason} (default {@code manual}) and {@code source} (default {@code import})
   * columns are used, any other column (such as {@code created_at} of an export) is ignored. A row
   * with a bad address, reason or source is rejected and reported; the others are still added. Fails
   * with {@link InvalidCsvException} or {@link ImportTooLargeException}, or with the stream's own
   * error, and then nothing is written.
   */
  public CompletionStage<ImportResult> importCsv(String tenantId, InputStream csv, ImportLimits limits) {
    return CompletableFuture.supplyAsync(() -> importNow(tenantId, csv, limits), executor);
  }

  private ImportResult importNow(String tenantId, InputStream csv, ImportLimits limits) {
    try (CsvInput.LimitedInputStream in = new CsvInput.LimitedInputStream(csv, limits.maxBytes());
        CSVParser parser = CSVParser.parse(CsvInput.utf8(in), CsvInput.FORMAT)) {
      Iterator<CSVRecord> records = parser.iterator();
      ImportHeader header =
          ImportHeader.of(
              CsvInput.next(records)
                  .orElseThrow(
                      () -> new InvalidCsvException("the CSV is empty; its first row must be a header with an 'email' column")));
      // The connection is taken only once the header is known to be usable.
      try (Connection c = dataSource.getConnection()) {
        try {
          Import upload = new Import(c, tenantId, limits, clock.instant().truncatedTo(ChronoUnit.MICROS));
          for (Optional<CSVRecord> r = CsvInput.next(records); r.isPresent(); r = CsvInput.next(records)) {
            upload.add(header, r.get());
          }
          ImportResult result = upload.finish();
          c.commit();
          return result;
        } catch (SQLException | RuntimeException e) {
          c.rollback();
          throw e;
        }
      }
    } catch (SQLException e) {
      throw new StoreException("could not import the suppression list", e);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read the CSV", e);
    }
  }

  private static Optional<Suppression> find(Connection c, String tenantId, String email) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement("SELECT " + COLUMNS + " FROM suppression WHERE tenant_id = ? AND email_key = ?")) {
      s.setString(1, tenantId);
      s.setString(2, keyOf(email));
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? Optional.of(suppression(rs, 1)) : Optional.empty();
      }
    }
  }

  private static Suppression suppression(ResultSet rs, int first) throws SQLException {
    return new Suppression(
        rs.getString(first),
        SuppressionReason.fromWireName(rs.getString(first + 1)),
        rs.getString(first + 2),
        rs.getTimestamp(first + 3).toInstant());
  }

  /** Where the address, the reason and the source are in a row (-1 for an absent optional column). */
  private record ImportHeader(int email, int reason, int source) {

    static ImportHeader of(CSVRecord record) {
      List<String> names = new ArrayList<>();
      for (String name : record) names.add(name.strip().toLowerCase(Locale.ROOT));
      for (String wanted : List.of("email", "reason", "source")) {
        if (names.indexOf(wanted) != names.lastIndexOf(wanted)) {
          throw new InvalidCsvException("the header names the column '" + wanted + "' twice");
        }
      }
      int email = names.indexOf("email");
      if (email < 0) {
        String found = names.stream().filter(n -> !n.isEmpty()).map(n -> "'" + n + "'").collect(Collectors.joining(", "));
        throw new InvalidCsvException(
            "the first row must be a header with an 'email' column; it has " + (found.isEmpty() ? "no names" : found));
      }
      return new ImportHeader(email, names.indexOf("reason"), names.indexOf("source"));
    }

    String field(CSVRecord record, int index) {
      return index >= 0 && index < record.size() ? record.get(index).strip() : "";
    }
  }

  /** A row that passed the checks, waiting in the batch. */
  private record Row(String key, String email, String reason, String source) {}

  /** One import in progress inside its transaction. */
  private static final class Import {

    private static final String INSERT_BATCH =
        """
        INSERT INTO suppression (tenant_id, email_key, email, reason, source, created_at)
        SELECT ?, u.k, u.e, u.r, u.s, ? FROM unnest(?::varchar[], ?::varchar[], ?::varchar[], ?::varchar[]) AS u(k, e, r, s)
        ON CONFLICT (tenant_id, email_key) DO NOTHING
        """;

    private final Connection c;
    private final String tenantId;
    private final ImportLimits limits;
    private final Timestamp createdAt;
    private final List<Row> batch = new ArrayList<>(BATCH_SIZE);
    private final List<ImportReport.Rejected> rejected = new ArrayList<>();
    private int rows;
    private int added;
    private int already;
    private int rejectedTotal;

    Import(Connection c, String tenantId, ImportLimits limits, Instant now) {
      this.c = c;
      this.tenantId = tenantId;
      this.limits = limits;
      this.createdAt = Timestamp.from(now);
    }

    void add(ImportHeader header, CSVRecord record) throws SQLException {
      if (++rows > limits.maxRows()) throw ImportTooLargeException.rows(limits.maxRows());
      // Bounded by the row limit just checked, so it fits an int.
      int line = Math.toIntExact(record.getRecordNumber());
      String email = header.field(record, header.email());
      Optional<String> problem = EmailAddresses.problem(email);
      if (problem.isPresent()) {
        reject(line, email, problem.get());
        return;
      }
      String reasonText = header.field(record, header.reason());
      SuppressionReason reason;
      try {
        reason = reasonText.isEmpty() ? SuppressionReason.MANUAL : SuppressionReason.fromWireName(reasonText);
      } catch (IllegalArgumentException e) {
        reject(line, email, "reason must be one of " + SuppressionReason.wireNames() + ", got '" + reasonText + "'");
        return;
      }
      String source = header.field(record, header.source());
      Optional<String> sourceProblem = HeaderText.problem(source, MAX_SOURCE);
      if (sourceProblem.isPresent()) {
        reject(line, email, "source " + sourceProblem.get());
        return;
      }
      batch.add(new Row(keyOf(email), email, reason.wireName(), source.isEmpty() ? IMPORT_SOURCE : source));
      if (batch.size() == BATCH_SIZE) flush();
    }

    ImportResult finish() throws SQLException {
      flush();
      return new ImportResult(added, already, rejected, rejectedTotal);
    }

    /** One statement per batch; a conflict (on the list already, or earlier in the file) inserts nothing and keeps the first entry. */
    private void flush() throws SQLException {
      if (batch.isEmpty()) return;
      List<Array> arrays =
          List.of(
              c.createArrayOf("varchar", batch.stream().map(Row::key).toArray()),
              c.createArrayOf("varchar", batch.stream().map(Row::email).toArray()),
              c.createArrayOf("varchar", batch.stream().map(Row::reason).toArray()),
              c.createArrayOf("varchar", batch.stream().map(Row::source).toArray()));
      try (PreparedStatement s = c.prepareStatement(INSERT_BATCH)) {
        s.setString(1, tenantId);
        s.setTimestamp(2, createdAt);
        for (int i = 0; i < arrays.size(); i++) s.setArray(3 + i, arrays.get(i));
        int inserted = s.executeUpdate();
        added += inserted;
        already += batch.size() - inserted;
      } finally {
        for (Array a : arrays) a.free();
      }
      batch.clear();
    }

    private void reject(int line, String email, String reason) {
      rejectedTotal++;
      if (rejected.size() < limits.rejectedReported()) {
        String echoed = email.length() > MAX_ECHOED_EMAIL ? email.substring(0, MAX_ECHOED_EMAIL) : email;
        rejected.add(new ImportReport.Rejected(line, echoed, reason));
      }
    }
  }

  /** Inserts within the caller's transaction (the projection adds hard bounces with its offset). */
  static boolean insert(
      Connection c, String tenantId, String email, SuppressionReason reason, String source, Instant at)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement(INSERT)) {
      s.setString(1, tenantId);
      s.setString(2, keyOf(email));
      s.setString(3, email.strip());
      s.setString(4, reason.wireName());
      s.setString(5, source);
      s.setTimestamp(6, Timestamp.from(at.truncatedTo(ChronoUnit.MICROS)));
      return s.executeUpdate() == 1;
    }
  }

  /**
   * The form addresses are compared in. The whole address is lower-cased: local parts are
   * case-sensitive in theory, but no mailbox provider treats them so, and a recipient who
   * unsubscribed as Ann@x.com must not get mail as ann@x.com.
   */
  static String keyOf(String email) {
    return email.strip().toLowerCase(Locale.ROOT);
  }
}
