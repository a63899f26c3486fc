package outreach.persistence;

import akka.NotUsed;
import akka.persistence.PersistentRepr;
import akka.persistence.PersistentRepr$;
import akka.persistence.jdbc.config.EventJournalTableColumnNames;
import akka.persistence.jdbc.config.EventTagTableColumnNames;
import akka.persistence.jdbc.config.ReadJournalConfig;
import akka.persistence.jdbc.query.dao.DefaultReadJournalDao;
import akka.serialization.Serialization;
import akka.stream.Materializer;
import akka.stream.scaladsl.Source;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.postgresql.PGStatement;
import scala.Option;
import scala.Tuple3;
import scala.collection.immutable.Set;
import scala.collection.immutable.Set$;
import scala.concurrent.ExecutionContext;
import scala.concurrent.Future;
import scala.jdk.javaapi.FutureConverters;
import scala.util.Failure;
import scala.util.Success;
import scala.util.Try;
import slick.dbio.DBIOAction;
import slick.jdbc.JdbcBackend;
import slick.jdbc.JdbcProfile;
import slick.jdbc.SimpleJdbcAction;

/**
 * The read journal of akka-persistence-jdbc with one query changed: the poll of {@code eventsByTag}
 * that every projection runs.
 *
 * <p>The plugin's query bounds the journal's {@code ordering} to the poll's window but not the tag
 * row's {@code event_id}. PostgreSQL carries an equality across a join, not a range, so it reads
 * every row of the tag (a hash join) or walks it from its first row (a merge join): each poll costs
 * in proportion to all the events the tag ever had, tens of milliseconds per poll once a journal
 * holds a few hundred thousand events. This query bounds both sides of the join, so the index
 * {@code event_tag (tag, event_id)} (migration V8) yields exactly the window's tag rows in order and
 * each is joined to its journal row by the journal's unique index on {@code ordering}. It returns
 * the same rows in the same order as the plugin's query.
 *
 * <p>Every other query (events by persistence id, the journal sequence, persistence ids) is the
 * plugin's. Selected with {@code jdbc-read-journal.dao}.
 */
public class TagBoundedReadJournalDao extends DefaultReadJournalDao {

  private final Serialization serialization;
  private final String eventsByTagSql;

  public TagBoundedReadJournalDao(
      JdbcBackend.DatabaseDef db,
      JdbcProfile profile,
      ReadJournalConfig readJournalConfig,
      Serialization serialization,
      ExecutionContext ec,
      Materializer mat) {
    super(db, profile, readJournalConfig, serialization, ec, mat);
    this.serialization = serialization;
    this.eventsByTagSql =
        eventsByTagSql(
            qualified(
                readJournalConfig.eventJournalTableConfiguration().schemaName(),
                readJournalConfig.eventJournalTableConfiguration().tableName()),
            readJournalConfig.eventJournalTableConfiguration().columnNames(),
            qualified(
                readJournalConfig.eventTagTableConfiguration().schemaName(),
                readJournalConfig.eventTagTableConfiguration().tableName()),
            readJournalConfig.eventTagTableConfiguration().columnNames());
  }

  /** Events of {@code tag} with {@code offset < ordering <= maxOffset}, at most {@code max}, by ordering. */
  @Override
  public Source<Try<Tuple3<PersistentRepr, Set<String>, Object>>, NotUsed> eventsByTag(
      String tag, long offset, long maxOffset, long max) {
    SimpleJdbcAction<List<Try<Tuple3<PersistentRepr, Set<String>, Object>>>> action =
        SimpleJdbcAction.apply(context -> {
          try {
            return query(context.connection(), tag, offset, maxOffset, max);
          } catch (SQLException e) {
            throw new StoreException("events by tag " + tag + " after " + offset, e);
          }
        });
    Future<List<Try<Tuple3<PersistentRepr, Set<String>, Object>>>> rows = run(action);
    return akka.stream.javadsl.Source.completionStage(FutureConverters.asJava(rows))
        .mapConcat(page -> page)
        .asScala();
  }

  /** Slick's action types are covariant in Scala, which Java's generics cannot say. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private <R> Future<R> run(SimpleJdbcAction<R> action) {
    return db().run((DBIOAction) action);
  }

  private List<Try<Tuple3<PersistentRepr, Set<String>, Object>>> query(
      Connection connection, String tag, long offset, long maxOffset, long max) throws SQLException {
    try (PreparedStatement statement = planEachTime(connection, eventsByTagSql)) {
      statement.setString(1, tag);
      statement.setLong(2, offset);
      statement.setLong(3, maxOffset);
      statement.setLong(4, offset);
      statement.setLong(5, maxOffset);
      statement.setLong(6, max);
      List<Try<Tuple3<PersistentRepr, Set<String>, Object>>> result = new ArrayList<>();
      try (ResultSet rs = statement.executeQuery()) {
        while (rs.next()) result.add(toEnvelope(rs));
      }
      return result;
    }
  }

  /**
   * The statement, planned by PostgreSQL with its values each time it runs rather than once for all values.
   * The driver otherwise turns a statement it has run five times on a connection into a server-side prepared
   * one, whose plan PostgreSQL may then make once without the values, from the statistics of that moment,
   * and keep. Made while the journal was young, that plan walked the poll's whole window of the journal for
   * every tag row (a nested loop with the join as a filter): polls of a second and more, and a projection that
   * fell further behind with every event. With its values the planner sees how far the window reaches, from
   * the indexes' ends when the statistics are older than the rows. Planning costs well under a millisecond.
   */
  static PreparedStatement planEachTime(Connection connection, String sql) throws SQLException {
    PreparedStatement statement = connection.prepareStatement(sql);
    statement.unwrap(PGStatement.class).setPrepareThreshold(0);
    return statement;
  }

  /**
   * One row as the plugin's own query gives it: the event and its metadata deserialized (a failure
   * fails the poll), no tags (the plugin does not fill them either), the ordering as the offset.
   */
  private Try<Tuple3<PersistentRepr, Set<String>, Object>> toEnvelope(ResultSet rs) throws SQLException {
    long ordering = rs.getLong(1);
    String persistenceId = rs.getString(2);
    long sequenceNumber = rs.getLong(3);
    boolean deleted = rs.getBoolean(4);
    String writer = rs.getString(5);
    long writeTimestamp = rs.getLong(6);
    String adapterManifest = rs.getString(7);
    byte[] payload = rs.getBytes(8);
    int serId = rs.getInt(9);
    String serManifest = rs.getString(10);
    byte[] metaPayload = rs.getBytes(11);
    int metaSerId = rs.getInt(12);
    boolean hasMeta = metaPayload != null && !rs.wasNull();
    String metaSerManifest = rs.getString(13);

    Try<Object> event = serialization.deserialize(payload, serId, serManifest);
    if (event.isFailure()) return new Failure<>(event.failed().get());
    PersistentRepr repr =
        PersistentRepr$.MODULE$.apply(
            event.get(),
            sequenceNumber,
            persistenceId,
            adapterManifest == null ? PersistentRepr$.MODULE$.Undefined() : adapterManifest,
            deleted,
            null,
            writer);
    if (hasMeta) {
      Try<Object> meta = serialization.deserialize(metaPayload, metaSerId, metaSerManifest == null ? "" : metaSerManifest);
      if (meta.isFailure()) return new Failure<>(meta.failed().get());
      repr = repr.withMetadata(meta.get());
    }
    Set<String> noTags = Set$.MODULE$.empty();
    return new Success<>(new Tuple3<>(repr.withTimestamp(writeTimestamp), noTags, (Object) ordering));
  }

  static String eventsByTagSql(String journal, EventJournalTableColumnNames j, String tags, EventTagTableColumnNames t) {
    return "SELECT j." + j.ordering() + ", j." + j.persistenceId() + ", j." + j.sequenceNumber() + ", j." + j.deleted()
        + ", j." + j.writer() + ", j." + j.writeTimestamp() + ", j." + j.adapterManifest()
        + ", j." + j.eventPayload() + ", j." + j.eventSerId() + ", j." + j.eventSerManifest()
        + ", j." + j.metaPayload() + ", j." + j.metaSerId() + ", j." + j.metaSerManifest()
        + " FROM " + tags + " t JOIN " + journal + " j ON j." + j.ordering() + " = t." + t.eventId()
        + " WHERE t." + t.tag() + " = ? AND t." + t.eventId() + " > ? AND t." + t.eventId() + " <= ?"
        + " AND j." + j.ordering() + " > ? AND j." + j.ordering() + " <= ? AND j." + j.deleted() + " = false"
        + " ORDER BY t." + t.eventId() + " LIMIT ?";
  }

  /** The table's name, with its schema when one is configured. */
  static String qualified(Option<String> schema, String table) {
    return schema.isDefined() ? schema.get() + "." + table : table;
  }
}
