package outreach.persistence;

import akka.persistence.jdbc.config.EventJournalTableColumnNames;
import akka.persistence.jdbc.config.EventTagTableColumnNames;
import akka.persistence.jdbc.config.JournalConfig;
import akka.persistence.jdbc.journal.dao.DefaultJournalDao;
import akka.persistence.jdbc.journal.dao.JournalTables.JournalAkkaSerializationRow;
import akka.serialization.Serialization;
import akka.stream.Materializer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.postgresql.PGConnection;
import scala.Option;
import scala.Tuple2;
import scala.collection.immutable.Seq;
import scala.collection.immutable.Set;
import scala.concurrent.ExecutionContext;
import scala.concurrent.Future;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.BoxedUnit;
import slick.dbio.DBIOAction;
import slick.jdbc.JdbcBackend;
import slick.jdbc.JdbcProfile;
import slick.jdbc.SimpleJdbcAction;

/**
 * The journal of akka-persistence-jdbc with its batch write changed: a batch of events, from however
 * many entities, goes to PostgreSQL as one {@code INSERT ... SELECT FROM unnest(...)} of the journal
 * rows and one of their tag rows, in one transaction.
 *
 * <p>The plugin queues the events of all the node's entities and writes them in batches, but it asks
 * for each row's generated {@code ordering} (the tag rows refer to it), and the driver cannot fold
 * such an insert into a multi-row one: every event was a statement of its own, executed, planned and
 * answered one by one, about five per email sent. Here each column travels as one array, the rows
 * keep the order they were queued in (so one entity's events get rising orderings, as before), and
 * each row's ordering comes back with its persistence id and sequence number, which the tag rows are
 * matched by. The batch is all or nothing, as the plugin's is: a row that cannot be written (a
 * sequence number already taken) fails every write of the batch and leaves no row of it behind.
 *
 * <p>Reads, deletes and the highest sequence number are the plugin's. Selected with
 * {@code jdbc-journal.dao}.
 */
public class BatchedJournalDao extends DefaultJournalDao {

  private final String insertEventsSql;
  private final String insertTagsSql;

  public BatchedJournalDao(
      JdbcBackend.DatabaseDef db,
      JdbcProfile profile,
      JournalConfig journalConfig,
      Serialization serialization,
      ExecutionContext ec,
      Materializer mat) {
    super(db, profile, journalConfig, serialization, ec, mat);
    this.insertEventsSql =
        insertEventsSql(
            TagBoundedReadJournalDao.qualified(
                journalConfig.eventJournalTableConfiguration().schemaName(),
                journalConfig.eventJournalTableConfiguration().tableName()),
            journalConfig.eventJournalTableConfiguration().columnNames());
    this.insertTagsSql =
        insertTagsSql(
            TagBoundedReadJournalDao.qualified(
                journalConfig.eventTagTableConfiguration().schemaName(),
                journalConfig.eventTagTableConfiguration().tableName()),
            journalConfig.eventTagTableConfiguration().columnNames());
  }

  @Override
  public Future<BoxedUnit> writeJournalRows(Seq<Tuple2<JournalAkkaSerializationRow, Set<String>>> rows) {
    List<Tuple2<JournalAkkaSerializationRow, Set<String>>> batch = CollectionConverters.asJava(rows);
    SimpleJdbcAction<BoxedUnit> action =
        SimpleJdbcAction.apply(context -> {
          try {
            write(context.connection(), batch);
            return BoxedUnit.UNIT;
          } catch (SQLException e) {
            throw new StoreException("a journal write of " + batch.size() + " events", e);
          }
        });
    return run(action);
  }

  /** Slick's action types are covariant in Scala, which Java's generics cannot say. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private <R> Future<R> run(SimpleJdbcAction<R> action) {
    return db().run((DBIOAction) action);
  }

  private void write(Connection connection, List<Tuple2<JournalAkkaSerializationRow, Set<String>>> batch)
      throws SQLException {
    if (batch.isEmpty()) return;
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(false);
    try {
      Map<String, Long> orderings = insertEvents(connection, batch);
      insertTags(connection, batch, orderings);
      connection.commit();
    } catch (SQLException | RuntimeException e) {
      try {
        connection.rollback();
      } catch (SQLException rollback) {
        e.addSuppressed(rollback);
      }
      throw e;
    } finally {
      connection.setAutoCommit(autoCommit);
    }
  }

  /** Inserts the rows in the batch's order; gives each row's ordering by {@link #key}. */
  private Map<String, Long> insertEvents(
      Connection connection, List<Tuple2<JournalAkkaSerializationRow, Set<String>>> batch) throws SQLException {
    int n = batch.size();
    boolean[] deleted = new boolean[n];
    String[] persistenceIds = new String[n];
    long[] sequenceNumbers = new long[n];
    String[] writers = new String[n];
    long[] writeTimestamps = new long[n];
    String[] adapterManifests = new String[n];
    byte[][] payloads = new byte[n][];
    int[] serIds = new int[n];
    String[] serManifests = new String[n];
    byte[][] metaPayloads = new byte[n][];
    Integer[] metaSerIds = new Integer[n];
    String[] metaSerManifests = new String[n];
    for (int i = 0; i < n; i++) {
      JournalAkkaSerializationRow row = batch.get(i)._1();
      deleted[i] = row.deleted();
      persistenceIds[i] = row.persistenceId();
      sequenceNumbers[i] = row.sequenceNumber();
      writers[i] = row.writer();
      writeTimestamps[i] = row.writeTimestamp();
      adapterManifests[i] = row.adapterManifest();
      payloads[i] = row.eventPayload();
      serIds[i] = row.eventSerId();
      serManifests[i] = row.eventSerManifest();
      metaPayloads[i] = orNull(row.metaPayload());
      Option<Object> metaSerId = row.metaSerId();
      metaSerIds[i] = metaSerId.isDefined() ? (Integer) metaSerId.get() : null;
      metaSerManifests[i] = orNull(row.metaSerManifest());
    }
    Map<String, Long> orderings = new HashMap<>(n * 2);
    PGConnection pg = connection.unwrap(PGConnection.class);
    try (PreparedStatement statement = connection.prepareStatement(insertEventsSql)) {
      statement.setArray(1, pg.createArrayOf("bool", deleted));
      statement.setArray(2, pg.createArrayOf("varchar", persistenceIds));
      statement.setArray(3, pg.createArrayOf("int8", sequenceNumbers));
      statement.setArray(4, pg.createArrayOf("varchar", writers));
      statement.setArray(5, pg.createArrayOf("int8", writeTimestamps));
      statement.setArray(6, pg.createArrayOf("varchar", adapterManifests));
      statement.setArray(7, pg.createArrayOf("bytea", payloads));
      statement.setArray(8, pg.createArrayOf("int4", serIds));
      statement.setArray(9, pg.createArrayOf("varchar", serManifests));
      statement.setArray(10, pg.createArrayOf("bytea", metaPayloads));
      statement.setArray(11, pg.createArrayOf("int4", metaSerIds));
      statement.setArray(12, pg.createArrayOf("varchar", metaSerManifests));
      try (ResultSet rs = statement.executeQuery()) {
        while (rs.next()) orderings.put(key(rs.getString(2), rs.getLong(3)), rs.getLong(1));
      }
    }
    if (orderings.size() != n) {
      throw new IllegalStateException("the journal returned " + orderings.size() + " orderings for " + n + " events");
    }
    return orderings;
  }

  private void insertTags(
      Connection connection, List<Tuple2<JournalAkkaSerializationRow, Set<String>>> batch, Map<String, Long> orderings)
      throws SQLException {
    List<Long> eventIds = new ArrayList<>();
    List<String> tags = new ArrayList<>();
    for (Tuple2<JournalAkkaSerializationRow, Set<String>> entry : batch) {
      if (entry._2().isEmpty()) continue;
      long ordering = orderings.get(key(entry._1().persistenceId(), entry._1().sequenceNumber()));
      for (String tag : CollectionConverters.asJava(entry._2())) {
        eventIds.add(ordering);
        tags.add(tag);
      }
    }
    if (tags.isEmpty()) return;
    PGConnection pg = connection.unwrap(PGConnection.class);
    try (PreparedStatement statement = connection.prepareStatement(insertTagsSql)) {
      statement.setArray(1, pg.createArrayOf("int8", eventIds.stream().mapToLong(Long::longValue).toArray()));
      statement.setArray(2, pg.createArrayOf("varchar", tags.toArray(new String[0])));
      statement.executeUpdate();
    }
  }

  private static String key(String persistenceId, long sequenceNumber) {
    return sequenceNumber + "|" + persistenceId;
  }

  private static <T> T orNull(Option<T> value) {
    return value.isDefined() ? value.get() : null;
  }

  static String insertEventsSql(String journal, EventJournalTableColumnNames c) {
    return "INSERT INTO " + journal + " (" + c.deleted() + ", " + c.persistenceId() + ", " + c.sequenceNumber()
        + ", " + c.writer() + ", " + c.writeTimestamp() + ", " + c.adapterManifest() + ", " + c.eventPayload()
        + ", " + c.eventSerId() + ", " + c.eventSerManifest() + ", " + c.metaPayload() + ", " + c.metaSerId()
        + ", " + c.metaSerManifest() + ")"
        + " SELECT * FROM unnest(?::bool[], ?::varchar[], ?::int8[], ?::varchar[], ?::int8[], ?::varchar[],"
        + " ?::bytea[], ?::int4[], ?::varchar[], ?::bytea[], ?::int4[], ?::varchar[])"
        + " RETURNING " + c.ordering() + ", " + c.persistenceId() + ", " + c.sequenceNumber();
  }

  static String insertTagsSql(String tags, EventTagTableColumnNames c) {
    return "INSERT INTO " + tags + " (" + c.eventId() + ", " + c.tag() + ") SELECT * FROM unnest(?::int8[], ?::varchar[])";
  }
}
