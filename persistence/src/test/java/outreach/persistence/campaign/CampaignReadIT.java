package outreach.persistence.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import akka.projection.eventsourced.EventEnvelope;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import outreach.persistence.Database;
import outreach.persistence.DatabaseSettings;
import outreach.persistence.EmbeddedDatabase;
import outreach.persistence.PooledJdbcSession;
import outreach.protocol.campaign.CampaignEvent;
import outreach.protocol.campaign.CampaignSpec;
import outreach.protocol.campaign.CampaignStatus;
import outreach.protocol.campaign.DelayRange;
import outreach.protocol.campaign.SendSchedule;
import outreach.protocol.delivery.DeliveryOutcome;

/**
 * The projection that keeps both campaign read models, on a real PostgreSQL: its start from the two
 * projections it replaces (the migration, then each part skipping what it had applied) and its groups.
 */
class CampaignReadIT {

  private static final Instant T0 = Instant.parse("2026-06-01T09:00:00Z");
  private static final DeliveryOutcome ACCEPTED = DeliveryOutcome.success(250, "2.0.0 queued");

  private static EmbeddedDatabase postgres;
  private static Database database;
  private static ExecutorService executor;
  private static CampaignDirectory campaigns;
  private static DeliveryDirectory deliveries;

  /** Offsets the two former projections had reached when the migration to one projection ran. */
  private static final Map<String, Map<String, Long>> FORMER =
      Map.of(
          "tag-both", Map.of(CampaignReadHandler.LISTING, 3L, CampaignReadHandler.DELIVERIES, 5L),
          "tag-one", Map.of(CampaignReadHandler.DELIVERIES, 10L));

  @BeforeAll
  static void start() throws Exception {
    postgres = EmbeddedDatabase.startTemporary();
    DatabaseSettings settings = postgres.settings(2);
    // The schema as it was before, with the offsets of the two projections, then every migration since.
    Flyway.configure().dataSource(settings.url(), settings.user(), settings.password()).locations("classpath:db/migration")
        .target("8").load().migrate();
    try (Connection c = java.sql.DriverManager.getConnection(settings.url(), settings.user(), settings.password());
        PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO akka_projection_offset_store VALUES (?, ?, ?, 'SEQ', FALSE, 1764000000000)")) {
      for (var tag : FORMER.entrySet()) {
        for (var part : tag.getValue().entrySet()) {
          s.setString(1, part.getKey());
          s.setString(2, tag.getKey());
          s.setString(3, Long.toString(part.getValue()));
          s.addBatch();
        }
      }
      s.executeBatch();
    }
    Database.migrate(settings);
    database = Database.open(settings, "test");
    executor = Executors.newFixedThreadPool(2);
    campaigns = new CampaignDirectory(database.dataSource(), executor);
    deliveries = new DeliveryDirectory(database.dataSource(), executor);
  }

  /**
   * A campaign of one recipient, a@example.com, created, added, dispatched and sent, a second apart, at
   * offsets {@code first} to {@code first + 3}.
   */
  private static List<EventEnvelope<CampaignEvent>> oneRecipientSent(String t, String c, long first) {
    return List.of(
        envelope(t, c, first, new CampaignEvent.CampaignCreated(t, c, spec(), T0)),
        envelope(t, c, first + 1, new CampaignEvent.RecipientsAdded(1, 1, T0.plusSeconds(1))),
        envelope(t, c, first + 2, dispatched(1, "a@example.com", T0.plusSeconds(2))),
        envelope(t, c, first + 3, new CampaignEvent.RecipientSent(1, "acc1", ACCEPTED, T0.plusSeconds(3))));
  }

  @AfterAll
  static void stop() {
    executor.shutdownNow();
    database.close();
    postgres.close();
  }

  @Test
  void theMigrationStartsAtTheLowerOffsetOnlyWhereBothProjectionsHadOne() throws Exception {
    assertThat(query("SELECT projection_key || '=' || current_offset FROM akka_projection_offset_store"
            + " WHERE projection_name = '" + CampaignReadProjection.NAME + "'"))
        .containsExactly("tag-both=3");
  }

  @Test
  void eachPartSkipsWhatItsFormerProjectionHadAppliedAndTakesTheRest() throws Exception {
    String t = "t_both";
    String c = "autumn";
    recipients(t, c, "a@example.com", "b@example.com", "c@example.com");
    List<EventEnvelope<CampaignEvent>> journal =
        List.of(
            envelope(t, c, 1, new CampaignEvent.CampaignCreated(t, c, spec(), T0)),
            envelope(t, c, 2, new CampaignEvent.RecipientsAdded(3, 3, T0.plusSeconds(1))),
            envelope(t, c, 3, new CampaignEvent.CampaignStarted(T0.plusSeconds(2))),
            envelope(t, c, 4, dispatched(1, "a@example.com", T0.plusSeconds(3))),
            envelope(t, c, 5, new CampaignEvent.RecipientSent(1, "acc1", ACCEPTED, T0.plusSeconds(4))),
            envelope(t, c, 6, dispatched(2, "b@example.com", T0.plusSeconds(5))),
            envelope(t, c, 7, new CampaignEvent.RecipientSent(2, "acc1", ACCEPTED, T0.plusSeconds(6))));
    // What the two former projections had written: the listing up to offset 3, the deliveries up to 5.
    inTransaction(session -> new CampaignViewHandler().process(session, journal.subList(0, 3)));
    inTransaction(session -> new DeliveryHandler().process(session, journal.subList(0, 5)));

    // The merged projection resumes after offset 3, in two groups.
    CampaignReadHandler handler = new CampaignReadHandler("tag-both");
    inTransaction(session -> handler.process(session, journal.subList(3, 5)));
    inTransaction(session -> handler.process(session, journal.subList(5, 7)));

    CampaignDirectory.Listed listed = campaigns.list(t, Optional.empty(), Optional.empty(), 10).toCompletableFuture().join().campaigns().get(0);
    assertThat(listed.status()).isEqualTo(CampaignStatus.RUNNING);
    assertThat(listed.total()).isEqualTo(3);
    assertThat(listed.sent()).isEqualTo(2);
    List<DeliveryDirectory.Delivery> rows = deliveries(t, c);
    assertThat(rows).extracting(DeliveryDirectory.Delivery::status)
        .containsExactly(DeliveryStatus.SENT, DeliveryStatus.SENT, DeliveryStatus.PENDING);
    assertThat(rows).extracting(DeliveryDirectory.Delivery::attempts).containsExactly(1, 1, 0);
  }

  @Test
  void aPartWithoutAFormerOffsetTakesEverythingAndTheOtherSkipsItsOwn() throws Exception {
    String t = "t_one";
    String c = "winter";
    recipients(t, c, "a@example.com");
    List<EventEnvelope<CampaignEvent>> journal = oneRecipientSent(t, c, 8);
    // The deliveries' projection had reached 10 (the dispatch); the listing's had stored no offset for this tag.
    inTransaction(session -> new DeliveryHandler().process(session, journal.subList(0, 3)));

    inTransaction(session -> new CampaignReadHandler("tag-one").process(session, journal));

    CampaignDirectory.Listed listed = campaigns.list(t, Optional.empty(), Optional.empty(), 10).toCompletableFuture().join().campaigns().get(0);
    assertThat(listed.total()).isEqualTo(1);
    assertThat(listed.sent()).isEqualTo(1);
    assertThat(deliveries(t, c)).singleElement().satisfies(d -> {
      assertThat(d.status()).isEqualTo(DeliveryStatus.SENT);
      assertThat(d.attempts()).isEqualTo(1);
    });
  }

  @Test
  void aTagNeverProjectedBeforeIsAppliedWholeToBothModelsInOneTransaction() throws Exception {
    String t = "t_new";
    String c = "spring";
    recipients(t, c, "a@example.com");
    List<EventEnvelope<CampaignEvent>> journal = oneRecipientSent(t, c, 1);
    CampaignReadHandler handler = new CampaignReadHandler("tag-new");

    PooledJdbcSession rolledBack = new PooledJdbcSession(database.dataSource());
    try {
      handler.process(rolledBack, journal);
      rolledBack.rollback();
    } finally {
      rolledBack.close();
    }
    assertThat(query("SELECT campaign_id FROM campaign_view WHERE tenant_id = '" + t + "'")).isEmpty();
    assertThat(query("SELECT seq::text FROM delivery WHERE tenant_id = '" + t + "'")).isEmpty();

    inTransaction(session -> handler.process(session, journal));
    assertThat(campaigns.list(t, Optional.empty(), Optional.empty(), 10).toCompletableFuture().join().campaigns())
        .singleElement().satisfies(v -> assertThat(v.sent()).isEqualTo(1));
    assertThat(deliveries(t, c)).singleElement().satisfies(d -> assertThat(d.status()).isEqualTo(DeliveryStatus.SENT));
  }

  private interface Work {
    void run(PooledJdbcSession session) throws Exception;
  }

  private static void inTransaction(Work work) throws Exception {
    PooledJdbcSession session = new PooledJdbcSession(database.dataSource());
    try {
      work.run(session);
      session.commit();
    } finally {
      session.close();
    }
  }

  private static EventEnvelope<CampaignEvent> envelope(String tenant, String campaign, long offset, CampaignEvent event) {
    return CampaignFixtures.envelope(tenant, campaign, offset, event);
  }

  private static CampaignEvent.RecipientDispatched dispatched(long seq, String email, Instant at) {
    return new CampaignEvent.RecipientDispatched(seq, email, Map.of(), "<" + seq + "@outreach>", "acc1", 1, false, at.plusSeconds(30), at);
  }

  private static CampaignSpec spec() {
    return new CampaignSpec(
        "Seasonal", "Hello {name}", "Hi {name}", Optional.empty(), List.of("acc1"), "1 Main St, Springfield", SendSchedule.ALWAYS,
        DelayRange.NONE);
  }

  /** Stores recipients as an upload does, numbered from 1. */
  private static void recipients(String tenant, String campaign, String... emails) throws Exception {
    CampaignFixtures.storeRecipients(database.dataSource(), tenant, campaign, T0, emails);
  }

  private static List<DeliveryDirectory.Delivery> deliveries(String tenant, String campaign) {
    return deliveries.list(tenant, campaign, Optional.empty(), Optional.empty(), 100).toCompletableFuture().join().deliveries();
  }

  private static List<String> query(String sql) throws SQLException {
    try (Connection c = database.dataSource().getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
      List<String> values = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) values.add(rs.getString(1));
      }
      c.commit();
      return values;
    }
  }
}
