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
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import outreach.persistence.Database;
import outreach.persistence.EmbeddedDatabase;
import outreach.persistence.PooledJdbcSession;
import outreach.protocol.campaign.CampaignEvent;
import outreach.protocol.campaign.CampaignSpec;
import outreach.protocol.campaign.CampaignStatus;
import outreach.protocol.campaign.DelayRange;
import outreach.protocol.campaign.SendSchedule;
import outreach.protocol.delivery.DeliveryOutcome;
import outreach.protocol.delivery.OutcomeClass;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The campaign projection's handler and the campaign listings, on a real PostgreSQL. */
class CampaignViewIT {

  private static final Instant T0 = Instant.parse("2026-05-01T09:00:00Z");
  private static final DeliveryOutcome USER_UNKNOWN =
      new DeliveryOutcome(OutcomeClass.RECIPIENT_HARD, 550, Optional.of("5.1.1"), "user unknown", false);
  private static final AtomicLong OFFSETS = new AtomicLong();

  private static EmbeddedDatabase postgres;
  private static Database database;
  private static ExecutorService executor;
  private static CampaignDirectory directory;
  private static SuppressionStore suppressions;
  private final CampaignViewHandler handler = new CampaignViewHandler();

  @BeforeAll
  static void start() {
    postgres = EmbeddedDatabase.startTemporary();
    Database.migrate(postgres.settings(2));
    database = Database.open(postgres.settings(2), "test");
    executor = Executors.newFixedThreadPool(2);
    directory = new CampaignDirectory(database.dataSource(), executor);
    suppressions = new SuppressionStore(database.dataSource(), executor, java.time.Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    executor.shutdownNow();
    database.close();
    postgres.close();
  }

  @Test
  void followsACampaignThroughItsLife() throws Exception {
    String t = "t_life";
    String c = "spring";
    apply(t, c, new CampaignEvent.CampaignCreated(t, c, spec("Spring sale"), T0));
    CampaignDirectory.Listed created = only(t);
    assertThat(created.status()).isEqualTo(CampaignStatus.DRAFT);
    assertThat(created.name()).isEqualTo("Spring sale");
    assertThat(created.createdAt()).isEqualTo(T0);

    apply(t, c, new CampaignEvent.RecipientsAdded(3, 3, T0.plusSeconds(1)));
    apply(t, c, new CampaignEvent.RecipientsAdded(2, 5, T0.plusSeconds(2)));
    apply(t, c, new CampaignEvent.CampaignStarted(T0.plusSeconds(3)));
    assertThat(only(t)).satisfies(v -> {
      assertThat(v.total()).isEqualTo(5);
      assertThat(v.status()).isEqualTo(CampaignStatus.RUNNING);
    });

    apply(t, c, new CampaignEvent.DispatchReturned(1, T0.plusSeconds(60), "account acc1 is at its limit", false, T0.plusSeconds(4)));
    apply(t, c, new CampaignEvent.RecipientSent(1, "acc1", DeliveryOutcome.success(250, "ok"), T0.plusSeconds(5)));
    apply(t, c, new CampaignEvent.RecipientSent(2, "acc1", DeliveryOutcome.success(250, "ok"), T0.plusSeconds(6)));
    apply(t, c, new CampaignEvent.RecipientFailed(3, "c@example.com", USER_UNKNOWN, T0.plusSeconds(7)));
    apply(t, c, new CampaignEvent.RecipientSuppressed(4, "d@example.com", T0.plusSeconds(8)));
    apply(t, c, new CampaignEvent.RecipientBounced(5, "E@Example.com", USER_UNKNOWN, T0.plusSeconds(9)));
    apply(t, c, new CampaignEvent.CampaignPaused(Optional.of("bounce rate 20% is above 10%"), T0.plusSeconds(10)));

    CampaignDirectory.Listed paused = only(t);
    assertThat(List.of(paused.sent(), paused.failed(), paused.suppressed(), paused.bounced())).containsExactly(2, 1, 1, 1);
    assertThat(paused.status()).isEqualTo(CampaignStatus.PAUSED);
    assertThat(paused.pausedReason()).contains("bounce rate 20% is above 10%");
    assertThat(paused.updatedAt()).isEqualTo(T0.plusSeconds(10));

    apply(t, c, new CampaignEvent.CampaignResumed(T0.plusSeconds(11)));
    assertThat(only(t).pausedReason()).isEmpty();
    apply(t, c, new CampaignEvent.CampaignCompleted(T0.plusSeconds(12)));
    assertThat(only(t).status()).isEqualTo(CampaignStatus.COMPLETED);
  }

  @Test
  void aHardBounceSuppressesTheAddressForTheTenantInTheSameTransaction() throws Exception {
    String t = "t_bounce";
    apply(t, "c1", new CampaignEvent.CampaignCreated(t, "c1", spec("One"), T0));
    apply(t, "c2", new CampaignEvent.CampaignCreated(t, "c2", spec("Two"), T0));

    // Rolled back with the offset: neither the counter nor the suppression may remain.
    PooledJdbcSession aborted = new PooledJdbcSession(database.dataSource());
    try {
      handler.process(aborted, List.of(envelope(t, "c1", new CampaignEvent.RecipientBounced(1, "gone@example.com", USER_UNKNOWN, T0))));
      aborted.rollback();
    } finally {
      aborted.close();
    }
    assertThat(suppressions.contains(t, "gone@example.com").toCompletableFuture().join()).isFalse();

    apply(t, "c1", new CampaignEvent.RecipientBounced(1, "Gone@Example.com", USER_UNKNOWN, T0.plusSeconds(1)));
    apply(t, "c2", new CampaignEvent.RecipientBounced(1, "gone@example.com", USER_UNKNOWN, T0.plusSeconds(2)));

    assertThat(suppressions.contains(t, "gone@example.com").toCompletableFuture().join()).isTrue();
    assertThat(suppressions.contains("t_elsewhere", "gone@example.com").toCompletableFuture().join()).isFalse();
    assertThat(rows("SELECT email || ' ' || reason || ' ' || source || ' ' || (created_at = TIMESTAMPTZ '2026-05-01 09:00:01+00') FROM suppression WHERE tenant_id = ?", t))
        .containsExactly("Gone@Example.com hard-bounce c1 true");
    assertThat(directory.list(t, Optional.empty(), Optional.empty(), 10).toCompletableFuture().join().campaigns())
        .extracting(CampaignDirectory.Listed::bounced)
        .containsExactly(1, 1);
  }

  @Test
  void listsATenantsCampaignsByPageAndStatus() throws Exception {
    String t = "t_list";
    for (String c : List.of("a", "b", "c", "d", "e")) apply(t, c, new CampaignEvent.CampaignCreated(t, c, spec(c), T0));
    apply(t, "b", new CampaignEvent.CampaignStarted(T0));
    apply(t, "d", new CampaignEvent.CampaignStarted(T0));
    apply("t_list_other", "x", new CampaignEvent.CampaignCreated("t_list_other", "x", spec("x"), T0));

    CampaignDirectory.Page first = directory.list(t, Optional.empty(), Optional.empty(), 2).toCompletableFuture().join();
    assertThat(first.campaigns()).extracting(CampaignDirectory.Listed::campaignId).containsExactly("a", "b");
    assertThat(first.nextCursor()).contains("b");
    CampaignDirectory.Page rest = directory.list(t, Optional.empty(), first.nextCursor(), 10).toCompletableFuture().join();
    assertThat(rest.campaigns()).extracting(CampaignDirectory.Listed::campaignId).containsExactly("c", "d", "e");
    assertThat(rest.nextCursor()).isEmpty();

    assertThat(directory.list(t, Optional.of(CampaignStatus.RUNNING), Optional.empty(), 10).toCompletableFuture().join().campaigns())
        .extracting(CampaignDirectory.Listed::campaignId)
        .containsExactly("b", "d");
  }

  @Test
  void pagesThroughRunningCampaignsOfAllTenants() throws Exception {
    List<CampaignDirectory.CampaignRef> running = new ArrayList<>();
    for (String t : List.of("t_run_1", "t_run_2")) {
      for (String c : List.of("p", "q", "r")) {
        apply(t, c, new CampaignEvent.CampaignCreated(t, c, spec(c), T0));
        apply(t, c, new CampaignEvent.CampaignStarted(T0));
        running.add(new CampaignDirectory.CampaignRef(t, c));
      }
    }
    apply("t_run_1", "q", new CampaignEvent.CampaignPaused(Optional.empty(), T0));
    apply("t_run_2", "r", new CampaignEvent.CampaignCancelled(T0));
    running.remove(new CampaignDirectory.CampaignRef("t_run_1", "q"));
    running.remove(new CampaignDirectory.CampaignRef("t_run_2", "r"));

    List<CampaignDirectory.CampaignRef> seen = new ArrayList<>();
    Optional<CampaignDirectory.CampaignRef> cursor = Optional.empty();
    do {
      CampaignDirectory.RunningPage page = directory.runningCampaigns(3, cursor).toCompletableFuture().join();
      assertThat(page.campaigns()).hasSizeLessThanOrEqualTo(3);
      seen.addAll(page.campaigns());
      cursor = page.nextCursor();
    } while (cursor.isPresent());

    // Other tests' running campaigns are listed too; these are the ones this test controls.
    assertThat(seen.stream().filter(r -> r.tenantId().startsWith("t_run_")).toList()).containsExactlyElementsOf(running);
    assertThat(seen).doesNotHaveDuplicates();
  }

  @Test
  void aGroupAppliedAtOnceLeavesTheListingOneByOneWould() throws Exception {
    // Counters are summed per campaign over a group; the listing changes in between keep their place.
    DeliveryOutcome ok = DeliveryOutcome.success(250, "ok");
    List<CampaignEvent> events =
        List.of(
            new CampaignEvent.RecipientsAdded(6, 6, T0.plusSeconds(1)),
            new CampaignEvent.CampaignStarted(T0.plusSeconds(2)),
            new CampaignEvent.RecipientSent(1, "acc1", ok, T0.plusSeconds(3)),
            new CampaignEvent.RecipientSent(2, "acc1", ok, T0.plusSeconds(4)),
            new CampaignEvent.RecipientFailed(3, "c@example.com", USER_UNKNOWN, T0.plusSeconds(5)),
            new CampaignEvent.CampaignPaused(Optional.of("paused by the tenant"), T0.plusSeconds(6)),
            new CampaignEvent.CampaignResumed(T0.plusSeconds(7)),
            new CampaignEvent.RecipientSuppressed(4, "d@example.com", T0.plusSeconds(8)),
            new CampaignEvent.RecipientBounced(5, "e@example.com", USER_UNKNOWN, T0.plusSeconds(9)),
            new CampaignEvent.RecipientSent(6, "acc2", ok, T0.plusSeconds(10)));
    String single = "t_group_single";
    String whole = "t_group_whole";
    String batched = "t_group_batched";
    for (String t : List.of(single, whole, batched)) apply(t, "c", new CampaignEvent.CampaignCreated(t, "c", spec("Grouped"), T0));

    for (CampaignEvent e : events) apply(single, "c", e);
    processGroup(whole, events);
    // As the campaign writes them: the started campaign's first outcomes, the pause on its own, the rest after it.
    processGroup(
        batched,
        List.of(
            events.get(0),
            new CampaignEvent.Batch(events.subList(1, 5), T0.plusSeconds(5)),
            new CampaignEvent.Batch(events.subList(5, 10), T0.plusSeconds(10))));

    CampaignDirectory.Listed one = only(single);
    assertThat(List.of(one.total(), one.sent(), one.failed(), one.suppressed(), one.bounced())).containsExactly(6, 3, 1, 1, 1);
    for (String t : List.of(whole, batched)) {
      CampaignDirectory.Listed all = only(t);
      assertThat(List.of(all.total(), all.sent(), all.failed(), all.suppressed(), all.bounced())).as(t).containsExactly(6, 3, 1, 1, 1);
      assertThat(all.status()).isEqualTo(one.status()).isEqualTo(CampaignStatus.RUNNING);
      assertThat(all.pausedReason()).isEqualTo(one.pausedReason()).isEmpty();
      assertThat(all.updatedAt()).isEqualTo(one.updatedAt()).isEqualTo(T0.plusSeconds(10));
      assertThat(rows("SELECT email_key FROM suppression WHERE tenant_id = ?", t))
          .hasSize(1)
          .isEqualTo(rows("SELECT email_key FROM suppression WHERE tenant_id = ?", single));
    }
  }

  /** The events as one group, in one transaction, as the projection hands them over. */
  private void processGroup(String tenant, List<CampaignEvent> events) throws Exception {
    PooledJdbcSession session = new PooledJdbcSession(database.dataSource());
    try {
      handler.process(session, events.stream().map(e -> envelope(tenant, "c", e)).toList());
      session.commit();
    } finally {
      session.close();
    }
  }

  private void apply(String tenant, String campaign, CampaignEvent event) throws Exception {
    PooledJdbcSession session = new PooledJdbcSession(database.dataSource());
    try {
      handler.process(session, List.of(envelope(tenant, campaign, event)));
      session.commit();
    } finally {
      session.close();
    }
  }

  private static EventEnvelope<CampaignEvent> envelope(String tenant, String campaign, CampaignEvent event) {
    return CampaignFixtures.envelope(tenant, campaign, OFFSETS.incrementAndGet(), event);
  }

  private static CampaignSpec spec(String name) {
    return new CampaignSpec(
        name, "Hello {name}", "Hi {name}", Optional.empty(), List.of("acc1"), "1 Main St, Springfield", SendSchedule.ALWAYS,
        DelayRange.NONE);
  }

  private static CampaignDirectory.Listed only(String tenant) {
    return directory.list(tenant, Optional.empty(), Optional.empty(), 10).toCompletableFuture().join().campaigns().get(0);
  }

  private static List<String> rows(String sql, String tenant) throws SQLException {
    try (Connection c = database.dataSource().getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, tenant);
      List<String> values = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) values.add(rs.getString(1));
      }
      c.commit();
      return values;
    }
  }
}
