package outreach.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.persistence.PersistentRepr;
import akka.persistence.jdbc.query.dao.DefaultReadJournalDao;
import akka.persistence.jdbc.query.dao.ReadJournalDao;
import akka.persistence.query.EventEnvelope;
import akka.persistence.query.Offset;
import akka.persistence.query.PersistenceQuery;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializer;
import akka.serialization.Serializers;
import akka.stream.javadsl.Sink;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import scala.Tuple3;
import scala.util.Try;

/**
 * The read journal's by-tag poll on a real PostgreSQL: the same rows in the same order as the plugin's own
 * query for every window, through the plugin's query API too, and a plan that reads the window's rows
 * only, however many the tag has.
 */
class TagBoundedReadJournalDaoIT {

  private static EmbeddedDatabase postgres;
  private static ActorTestKit testKit;
  private static ReadJournalDao dao;
  private static DefaultReadJournalDao plugins;

  @BeforeAll
  static void start() throws Exception {
    postgres = EmbeddedDatabase.startTemporary();
    Database.migrate(postgres.settings(2));
    testKit =
        ActorTestKit.create(
            PluginTestConfig.on(
                postgres,
                2,
                """
                akka.persistence.journal.plugin = "jdbc-journal"
                akka.persistence.snapshot-store.plugin = "jdbc-snapshot-store"
                jdbc-journal.use-shared-db = "default"
                jdbc-snapshot-store.use-shared-db = "default"
                jdbc-read-journal {
                  use-shared-db = "default"
                  refresh-interval = 100ms
                  dao = "outreach.persistence.TagBoundedReadJournalDao"
                }
                """));
    Serialization serialization = SerializationExtension.get(testKit.system());
    journal(serialization);
    akka.persistence.jdbc.query.scaladsl.JdbcReadJournal readJournal =
        PersistenceQuery.get(testKit.system()).readJournalFor("jdbc-read-journal");
    dao = readJournal.readJournalDao();
    assertThat(dao).isInstanceOf(TagBoundedReadJournalDao.class);
    TagBoundedReadJournalDao ours = (TagBoundedReadJournalDao) dao;
    plugins = new DefaultReadJournalDao(ours.db(), ours.profile(), ours.readJournalConfig(), serialization, ours.ec(), ours.mat());
  }

  @AfterAll
  static void stop() {
    if (testKit != null) testKit.shutdownTestKit();
    if (postgres != null) postgres.close();
  }

  /**
   * 600 events of 30 writers, ordering 1..600: every event tagged "all", every third "third", every
   * hundredth "rare" as well; events 250..259 are marked deleted, and a few orderings are taken by
   * untagged events only.
   */
  private static void journal(Serialization serialization) throws Exception {
    try (Connection c = connection();
        PreparedStatement event =
            c.prepareStatement(
                "INSERT INTO event_journal (ordering, persistence_id, sequence_number, deleted, writer, write_timestamp,"
                    + " adapter_manifest, event_ser_id, event_ser_manifest, event_payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        PreparedStatement tag = c.prepareStatement("INSERT INTO event_tag (event_id, tag) VALUES (?, ?)")) {
      for (int ordering = 1; ordering <= 600; ordering++) {
        String payload = "event-" + ordering;
        Serializer serializer = serialization.findSerializerFor(payload);
        event.setLong(1, ordering);
        event.setString(2, "writer-" + (ordering % 30));
        event.setLong(3, ordering / 30 + 1);
        event.setBoolean(4, ordering >= 250 && ordering < 260);
        event.setString(5, "uuid-" + (ordering % 7));
        event.setLong(6, 1_700_000_000_000L + ordering);
        event.setString(7, ordering % 5 == 0 ? "adapted" : "");
        event.setInt(8, serializer.identifier());
        event.setString(9, Serializers.manifestFor(serializer, payload));
        event.setBytes(10, serialization.serialize(payload).get());
        event.addBatch();
        if (ordering % 11 == 0) continue;
        tag.setLong(1, ordering);
        tag.setString(2, "all");
        tag.addBatch();
        if (ordering % 3 == 0) {
          tag.setLong(1, ordering);
          tag.setString(2, "third");
          tag.addBatch();
        }
        if (ordering % 100 == 0) {
          tag.setLong(1, ordering);
          tag.setString(2, "rare");
          tag.addBatch();
        }
      }
      event.executeBatch();
      tag.executeBatch();
      try (Statement s = c.createStatement()) {
        s.execute("SELECT setval('event_journal_ordering_seq', 600)");
      }
    }
  }

  @Test
  void everyWindowGivesThePluginsRowsInThePluginsOrder() throws Exception {
    long[][] windows = {
      {0, 600, 500}, {0, 600, 10}, {17, 83, 500}, {100, 100, 500}, {99, 100, 500}, {245, 265, 500},
      {0, 1_000, 500}, {590, 600, 3}, {600, 1_000, 500}, {-5, 40, 500}
    };
    for (String tag : List.of("all", "third", "rare", "missing")) {
      for (long[] w : windows) {
        List<String> ours = rows(dao, tag, w[0], w[1], w[2]);
        assertThat(ours).as("%s %s..%s max %s", tag, w[0], w[1], w[2]).isEqualTo(rows(plugins, tag, w[0], w[1], w[2]));
      }
    }
    assertThat(rows(dao, "rare", 0, 600, 500))
        .containsExactly(
            "100 writer-10 4 event-100 adapted uuid-2 1700000000100",
            "200 writer-20 7 event-200 adapted uuid-4 1700000000200",
            "300 writer-0 11 event-300 adapted uuid-6 1700000000300",
            "400 writer-10 14 event-400 adapted uuid-1 1700000000400",
            "500 writer-20 17 event-500 adapted uuid-3 1700000000500",
            "600 writer-0 21 event-600 adapted uuid-5 1700000000600");
    assertThat(rows(dao, "all", 245, 265, 500)).extracting(r -> r.split(" ")[0])
        .containsExactly("246", "247", "248", "249", "260", "261", "262", "263", "265");
  }

  @Test
  void theQueryApiReadsEveryEventOfATagInOrder() throws Exception {
    akka.persistence.jdbc.query.javadsl.JdbcReadJournal readJournal =
        PersistenceQuery.get(testKit.system())
            .getReadJournalFor(akka.persistence.jdbc.query.javadsl.JdbcReadJournal.class, "jdbc-read-journal");

    List<EventEnvelope> third =
        readJournal.currentEventsByTag("third", Offset.sequence(0)).runWith(Sink.seq(), testKit.system())
            .toCompletableFuture().get(30, TimeUnit.SECONDS);

    List<Long> expected = new ArrayList<>();
    for (long o = 3; o <= 600; o += 3) if (o % 11 != 0 && (o < 250 || o >= 260)) expected.add(o);
    assertThat(third).extracting(e -> ((akka.persistence.query.Sequence) e.offset()).value()).isEqualTo(expected);
    assertThat(third).extracting(EventEnvelope::event).first().isEqualTo("event-3");
  }

  @Test
  void aPollReadsOnlyItsWindowHoweverLongTheTag() throws Exception {
    try (Connection c = connection(); Statement s = c.createStatement()) {
      // A long history: 200,000 events, all tagged "bulk", then the window the poll asks for.
      s.execute(
          "INSERT INTO event_journal (ordering, persistence_id, sequence_number, writer, write_timestamp,"
              + " event_ser_id, event_ser_manifest, event_payload)"
              + " SELECT o, 'bulk-' || (o % 1000), o, 'w', 0, 20, '', '\\x00'::bytea FROM generate_series(601, 200600) o");
      s.execute("INSERT INTO event_tag (event_id, tag) SELECT o, 'bulk' FROM generate_series(601, 200600) o");
      s.execute("ANALYZE event_journal");
      s.execute("ANALYZE event_tag");
      String sql =
          TagBoundedReadJournalDao.eventsByTagSql(
                  "event_journal", ((TagBoundedReadJournalDao) dao).readJournalConfig().eventJournalTableConfiguration().columnNames(),
                  "event_tag", ((TagBoundedReadJournalDao) dao).readJournalConfig().eventTagTableConfiguration().columnNames())
              .replaceFirst("\\?", "'bulk'")
              .replaceFirst("\\?", "199000").replaceFirst("\\?", "199500")
              .replaceFirst("\\?", "199000").replaceFirst("\\?", "199500")
              .replaceFirst("\\?", "500");
      StringBuilder plan = new StringBuilder();
      try (ResultSet rs = s.executeQuery("EXPLAIN (ANALYZE, BUFFERS) " + sql)) {
        while (rs.next()) plan.append(rs.getString(1)).append('\n');
      }
      // Whichever index the planner takes, no step may read beyond the window: 500 rows, not 200,000.
      assertThat(plan.toString()).as(plan.toString()).doesNotContain("Seq Scan").doesNotContain("Hash Join");
      java.util.regex.Matcher actual = java.util.regex.Pattern.compile("actual time=\\S+ rows=(\\d+) loops=1").matcher(plan);
      int steps = 0;
      while (actual.find()) {
        steps++;
        assertThat(Integer.parseInt(actual.group(1))).as(plan.toString()).isLessThanOrEqualTo(501);
      }
      assertThat(steps).as(plan.toString()).isGreaterThanOrEqualTo(3);
      assertThat(plan.toString()).containsPattern("Limit .*rows=500 loops=1");
    }
  }

  @Test
  void thePollIsPlannedWithItsValuesEveryTimeNeverOnceForAll() throws Exception {
    TagBoundedReadJournalDao ours = (TagBoundedReadJournalDao) dao;
    String sql =
        TagBoundedReadJournalDao.eventsByTagSql(
            "event_journal", ours.readJournalConfig().eventJournalTableConfiguration().columnNames(),
            "event_tag", ours.readJournalConfig().eventTagTableConfiguration().columnNames());
    try (Connection c = connection()) {
      // Past the driver's threshold (5), after which it would prepare the statement on the server for good.
      for (int poll = 0; poll < 10; poll++) {
        try (PreparedStatement s = TagBoundedReadJournalDao.planEachTime(c, sql)) {
          s.setString(1, "all");
          for (int i = 2; i <= 5; i++) s.setLong(i, i % 2 == 0 ? poll * 50L : poll * 50L + 50);
          s.setLong(6, 500);
          try (ResultSet rs = s.executeQuery()) {
            int n = 0;
            while (rs.next()) n++;
            assertThat(n).as("poll %d", poll).isPositive();
          }
        }
      }
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%event_tag%'")) {
        rs.next();
        assertThat(rs.getInt(1)).as("statements prepared on the server, whose plan may be made once without values").isZero();
      }
    }
  }

  private static List<String> rows(ReadJournalDao from, String tag, long offset, long maxOffset, long max) throws Exception {
    scala.collection.immutable.Seq<Try<Tuple3<PersistentRepr, scala.collection.immutable.Set<String>, Object>>> seq =
        scala.jdk.javaapi.FutureConverters.asJava(
                from.eventsByTag(tag, offset, maxOffset, max).runWith(akka.stream.scaladsl.Sink.seq(), plugins.mat()))
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    List<String> rows = new ArrayList<>();
    for (Try<Tuple3<PersistentRepr, scala.collection.immutable.Set<String>, Object>> row : scala.jdk.javaapi.CollectionConverters.asJava(seq)) {
      PersistentRepr repr = row.get()._1();
      assertThat(row.get()._2().isEmpty()).isTrue();
      rows.add(
          row.get()._3() + " " + repr.persistenceId() + " " + repr.sequenceNr() + " " + repr.payload() + " "
              + repr.manifest() + " " + repr.writerUuid() + " " + repr.timestamp() + (repr.deleted() ? " deleted" : ""));
    }
    return rows;
  }

  private static Connection connection() throws Exception {
    Connection c = DriverManager.getConnection(postgres.jdbcUrl(), "postgres", "");
    c.setAutoCommit(true);
    return c;
  }
}
