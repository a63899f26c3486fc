package outreach.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import akka.actor.ActorSystem;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.javadsl.Adapter;
import akka.persistence.AtomicWrite;
import akka.persistence.PersistentRepr;
import akka.persistence.jdbc.config.JournalConfig;
import akka.persistence.jdbc.db.SlickDatabase;
import akka.persistence.jdbc.db.SlickExtension;
import akka.persistence.jdbc.db.SlickExtensionImpl;
import akka.persistence.jdbc.journal.dao.DefaultJournalDao;
import akka.persistence.jdbc.journal.dao.JournalDao;
import akka.persistence.jdbc.journal.dao.JournalTables.JournalAkkaSerializationRow;
import akka.persistence.journal.Tagged;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializer;
import akka.serialization.Serializers;
import akka.stream.Materializer;
import com.typesafe.config.Config;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import scala.Option;
import scala.Tuple2;
import scala.collection.immutable.Seq;
import scala.collection.immutable.Set;
import scala.collection.immutable.Set$;
import scala.jdk.javaapi.CollectionConverters;
import scala.jdk.javaapi.FutureConverters;
import scala.util.Try;

/**
 * The journal's batch write on a real PostgreSQL: the rows and tag rows the plugin's own write would
 * make, one entity's events in rising order, and a batch that fails as a whole.
 */
class BatchedJournalDaoIT {

  private static EmbeddedDatabase postgres;
  private static ActorTestKit testKit;
  private static BatchedJournalDao ours;
  private static DefaultJournalDao plugins;
  private static Serialization serialization;

  @BeforeAll
  static void start() throws Exception {
    postgres = EmbeddedDatabase.startTemporary();
    Database.migrate(postgres.settings(2));
    testKit =
        ActorTestKit.create(
            PluginTestConfig.on(postgres, 4, "jdbc-journal { use-shared-db = \"default\", parallelism = 2 }"));
    ActorSystem system = Adapter.toClassic(testKit.system());
    serialization = SerializationExtension.get(system);
    Config journal = system.settings().config().getConfig("jdbc-journal");
    SlickDatabase slick = ((SlickExtensionImpl) SlickExtension.get(system)).database(journal);
    JournalConfig journalConfig = new JournalConfig(journal);
    Materializer mat = Materializer.matFromSystem(system);
    ours =
        new BatchedJournalDao(
            slick.database(), slick.profile(), journalConfig, serialization, system.dispatcher(), mat);
    plugins =
        new DefaultJournalDao(
            slick.database(), slick.profile(), journalConfig, serialization, system.dispatcher(), mat);
  }

  @AfterAll
  static void stop() {
    if (testKit != null) testKit.shutdownTestKit();
    if (postgres != null) postgres.close();
  }

  @Test
  void everyEventIsWrittenWithTheColumnsAndTagsThePluginGivesIt() throws Exception {
    int entities = 40;
    int rounds = 6;
    for (int round = 1; round <= rounds; round++) {
      // One write per entity per round, all at once, as entities write: the queue mixes them into batches.
      List<CompletableFuture<Seq<Try<scala.runtime.BoxedUnit>>>> writes = new ArrayList<>();
      for (int entity = 0; entity < entities; entity++) {
        writes.add(write(ours, "ours-" + entity, round));
        writes.add(write(plugins, "plugins-" + entity, round));
      }
      for (CompletableFuture<Seq<Try<scala.runtime.BoxedUnit>>> write : writes) assertNoFailure(write.get(10, TimeUnit.SECONDS));
    }
    // One write of three events at once (persistAll), as one atomic write.
    assertNoFailure(writeAll(ours, "ours-all", 3).get(10, TimeUnit.SECONDS));
    assertNoFailure(writeAll(plugins, "plugins-all", 3).get(10, TimeUnit.SECONDS));

    for (int entity = 0; entity < entities; entity++) {
      List<String> written = rowsOf("ours-" + entity);
      assertThat(written).hasSize(rounds).isEqualTo(rowsOf("plugins-" + entity));
      assertOrderingsRiseWithSequenceNumbers("ours-" + entity);
    }
    assertThat(rowsOf("ours-all")).hasSize(3).isEqualTo(rowsOf("plugins-all"));
    assertOrderingsRiseWithSequenceNumbers("ours-all");
    // Every round's write of one entity may land in another batch; the orderings stay unique.
    assertThat(count("SELECT count(DISTINCT ordering) FROM event_journal WHERE persistence_id LIKE 'ours-%'"))
        .isEqualTo(entities * rounds + 3);
  }

  @Test
  void aRowThatCannotBeWrittenFailsTheWholeBatchAndLeavesNoneOfItBehind() throws Exception {
    writeRows(List.of(row("taken", 1, "first"))).get(10, TimeUnit.SECONDS);
    long tagRows = count("SELECT count(*) FROM event_tag");

    CompletableFuture<?> batch =
        writeRows(List.of(row("fresh-a", 1, "a"), row("taken", 1, "again"), row("fresh-b", 1, "b")));

    assertThatThrownBy(() -> batch.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasRootCauseInstanceOf(SQLException.class)
        .rootCause()
        .hasMessageContaining("duplicate key");
    assertThat(count("SELECT count(*) FROM event_journal WHERE persistence_id IN ('fresh-a', 'fresh-b')")).isZero();
    assertThat(count("SELECT count(*) FROM event_tag")).isEqualTo(tagRows);
    assertThat(rowsOf("taken")).hasSize(1).allMatch(row -> row.contains("first"));

    // The connection went back to the pool as it came: the next batch is written, and committed.
    writeRows(List.of(row("fresh-a", 1, "a"), row("fresh-b", 1, "b"))).get(10, TimeUnit.SECONDS);
    assertThat(count("SELECT count(*) FROM event_journal WHERE persistence_id IN ('fresh-a', 'fresh-b')")).isEqualTo(2);
    assertThat(count("SELECT count(*) FROM event_tag")).isEqualTo(tagRows + 2);
  }

  /**
   * Event {@code sequenceNumber} of {@code persistenceId}: every event tagged with its entity and
   * "all", every second one with "even" as well, every third with metadata, every fifth marked deleted.
   */
  private static PersistentRepr event(String persistenceId, long sequenceNumber) {
    String entity = persistenceId.substring(persistenceId.indexOf('-') + 1);
    java.util.Set<String> tags =
        sequenceNumber % 2 == 0 ? java.util.Set.of("entity-" + entity, "all", "even") : java.util.Set.of("entity-" + entity, "all");
    PersistentRepr repr =
        PersistentRepr.apply(
                new Tagged("event " + sequenceNumber + " of " + entity, tags),
                sequenceNumber,
                persistenceId,
                sequenceNumber % 4 == 0 ? "adapted" : "",
                sequenceNumber % 5 == 0,
                null,
                "writer-" + entity)
            .withTimestamp(1_700_000_000_000L + sequenceNumber);
    return sequenceNumber % 3 == 0 ? repr.withMetadata("metadata " + sequenceNumber) : repr;
  }

  private static CompletableFuture<Seq<Try<scala.runtime.BoxedUnit>>> write(
      JournalDao dao, String persistenceId, long sequenceNumber) {
    return write(dao, AtomicWrite.apply(event(persistenceId, sequenceNumber)));
  }

  /** The journal's results are {@code Future[Seq[Try[Unit]]]}, which Java sees without its type. */
  @SuppressWarnings("unchecked")
  private static CompletableFuture<Seq<Try<scala.runtime.BoxedUnit>>> write(JournalDao dao, AtomicWrite write) {
    scala.concurrent.Future<Seq<Try<scala.runtime.BoxedUnit>>> results =
        (scala.concurrent.Future<Seq<Try<scala.runtime.BoxedUnit>>>) (Object)
            dao.asyncWriteMessages(CollectionConverters.asScala(List.of(write)).toList());
    return FutureConverters.asJava(results).toCompletableFuture();
  }

  private static CompletableFuture<Seq<Try<scala.runtime.BoxedUnit>>> writeAll(
      JournalDao dao, String persistenceId, int events) {
    List<PersistentRepr> all = new ArrayList<>();
    for (long sequenceNumber = 1; sequenceNumber <= events; sequenceNumber++) all.add(event(persistenceId, sequenceNumber));
    return write(dao, new AtomicWrite(CollectionConverters.asScala(all).toList()));
  }

  private static void assertNoFailure(Seq<Try<scala.runtime.BoxedUnit>> results) {
    assertThat(CollectionConverters.asJava(results)).allMatch(Try::isSuccess);
  }

  /** A row as the plugin's write makes it from an event: tagged "t-" and the payload. */
  private static Tuple2<JournalAkkaSerializationRow, Set<String>> row(String persistenceId, long sequenceNumber, String payload) {
    Serializer serializer = serialization.findSerializerFor(payload);
    JournalAkkaSerializationRow row =
        new JournalAkkaSerializationRow(
            Long.MIN_VALUE,
            false,
            persistenceId,
            sequenceNumber,
            "writer",
            1_700_000_000_000L,
            "",
            serialization.serialize(payload).get(),
            serializer.identifier(),
            Serializers.manifestFor(serializer, payload),
            Option.empty(),
            Option.empty(),
            Option.empty());
    Set<String> tags = Set$.MODULE$.<String>empty().incl("t-" + payload);
    return Tuple2.apply(row, tags);
  }

  private static CompletableFuture<?> writeRows(List<Tuple2<JournalAkkaSerializationRow, Set<String>>> rows) {
    return FutureConverters.asJava(ours.writeJournalRows(CollectionConverters.asScala(rows).toList())).toCompletableFuture();
  }

  /**
   * The entity's rows as text, by sequence number: every column but the ordering and the persistence
   * id, the payloads deserialized, and the row's tags (the entity's own tag named alike for both writers).
   */
  private static List<String> rowsOf(String persistenceId) throws Exception {
    String entity = persistenceId.substring(persistenceId.indexOf('-') + 1);
    List<String> rows = new ArrayList<>();
    try (Connection c = connection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT sequence_number, deleted, writer, write_timestamp, adapter_manifest, event_ser_id,"
                    + " event_ser_manifest, event_payload, meta_ser_id, meta_ser_manifest, meta_payload,"
                    + " (SELECT string_agg(tag, ',' ORDER BY tag) FROM event_tag WHERE event_id = ordering)"
                    + " FROM event_journal WHERE persistence_id = ? ORDER BY sequence_number")) {
      s.setString(1, persistenceId);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          Object event = serialization.deserialize(rs.getBytes(8), rs.getInt(6), rs.getString(7)).get();
          byte[] metaPayload = rs.getBytes(11);
          Object meta =
              metaPayload == null ? null : serialization.deserialize(metaPayload, rs.getInt(9), rs.getString(10)).get();
          rows.add(
              String.join(
                  " | ",
                  rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                  rs.getString(7), String.valueOf(event), rs.getString(9), rs.getString(10), String.valueOf(meta),
                  String.valueOf(rs.getString(12)).replace("entity-" + entity, "entity")));
        }
      }
    }
    return rows;
  }

  private static void assertOrderingsRiseWithSequenceNumbers(String persistenceId) throws Exception {
    List<Long> orderings = longs("SELECT ordering FROM event_journal WHERE persistence_id = '" + persistenceId + "' ORDER BY sequence_number");
    assertThat(orderings).isSorted().doesNotHaveDuplicates();
  }

  private static long count(String sql) throws Exception {
    return longs(sql).get(0);
  }

  private static List<Long> longs(String sql) throws Exception {
    List<Long> values = new ArrayList<>();
    try (Connection c = connection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) values.add(rs.getLong(1));
    }
    return values;
  }

  private static Connection connection() throws SQLException {
    return DriverManager.getConnection(postgres.jdbcUrl(), "postgres", "");
  }
}
