package outreach.persistence.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import akka.projection.eventsourced.EventEnvelope;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import outreach.persistence.Database;
import outreach.persistence.EmbeddedDatabase;
import outreach.persistence.PooledJdbcSession;
import outreach.protocol.campaign.CampaignEvent;
import outreach.protocol.delivery.DeliveryOutcome;
import outreach.protocol.delivery.OutcomeClass;

/** The delivery projection's handler and the deliveries listing and statistics, on a real PostgreSQL. */
class DeliveryIT {

  private static final Instant T0 = Instant.parse("2026-05-01T09:00:00Z");
  private static final DeliveryOutcome ACCEPTED = DeliveryOutcome.success(250, "2.0.0 queued as 4AB1");
  private static final DeliveryOutcome GREYLISTED =
      new DeliveryOutcome(OutcomeClass.RECIPIENT_SOFT, 451, Optional.of("4.7.1"), "greylisted, try later", false);
  private static final DeliveryOutcome REFUSED =
      new DeliveryOutcome(OutcomeClass.TRANSIENT, 0, Optional.empty(), "connection refused", false);
  private static final DeliveryOutcome POLICY =
      new DeliveryOutcome(OutcomeClass.POLICY, 554, Optional.of("5.7.1"), "message refused by policy", false);
  private static final DeliveryOutcome USER_UNKNOWN =
      new DeliveryOutcome(OutcomeClass.RECIPIENT_HARD, 550, Optional.of("5.1.1"), "user unknown", false);
  private static final AtomicLong OFFSETS = new AtomicLong();

  private static EmbeddedDatabase postgres;
  private static Database database;
  private static ExecutorService executor;
  private static DeliveryDirectory directory;
  private final DeliveryHandler handler = new DeliveryHandler();

  @BeforeAll
  static void start() {
    postgres = EmbeddedDatabase.startTemporary();
    Database.migrate(postgres.settings(2));
    database = Database.open(postgres.settings(2), "test");
    executor = Executors.newFixedThreadPool(2);
    directory = new DeliveryDirectory(database.dataSource(), executor);
  }

  @AfterAll
  static void stop() {
    executor.shutdownNow();
    database.close();
    postgres.close();
  }

  @Test
  void uploadedRecipientsArePendingUntilTheirFirstDispatch() throws Exception {
    String t = "t_pending";
    recipients(t, "c", "a@example.com", "b@example.com", "c@example.com");

    apply(t, "c", new CampaignEvent.RecipientsAdded(3, 3, T0));

    List<DeliveryDirectory.Delivery> all = all(t, "c");
    assertThat(all).extracting(DeliveryDirectory.Delivery::email).containsExactly("a@example.com", "b@example.com", "c@example.com");
    assertThat(all).allSatisfy(d -> {
      assertThat(d.status()).isEqualTo(DeliveryStatus.PENDING);
      assertThat(d.attempts()).isZero();
      assertThat(d.account()).isEmpty();
      assertThat(d.lastReply()).isEmpty();
      assertThat(d.firstAt()).isEqualTo(T0);
    });
  }

  @Test
  void followsOneRecipientThroughEveryTransitionCountingItsAttempts() throws Exception {
    String t = "t_one";
    recipients(t, "c", "ann@example.com");
    apply(t, "c", new CampaignEvent.RecipientsAdded(1, 1, T0));

    apply(t, "c", new CampaignEvent.RecipientPostponed(1, "ann@example.com", Map.of(), T0.plusSeconds(60), "example.com is resting", T0.plusSeconds(1)));
    assertThat(one(t, "c", 1)).satisfies(d -> {
      assertThat(d.status()).isEqualTo(DeliveryStatus.DEFERRED);
      assertThat(d.nextAttemptAt()).contains(T0.plusSeconds(60));
      assertThat(d.attempts()).isZero();
    });

    apply(t, "c", dispatched(1, "ann@example.com", "acc1", 1, false, T0.plusSeconds(61)));
    assertThat(one(t, "c", 1)).satisfies(d -> {
      assertThat(d.status()).isEqualTo(DeliveryStatus.IN_FLIGHT);
      assertThat(d.account()).contains("acc1");
      assertThat(d.messageId()).contains("<1.acc1@outreach>");
      assertThat(d.attempts()).isEqualTo(1);
      assertThat(d.nextAttemptAt()).isEmpty();
    });

    apply(t, "c", new CampaignEvent.DispatchReturned(1, T0.plusSeconds(120), "account acc1 is at its limit", false, T0.plusSeconds(62)));
    assertThat(one(t, "c", 1)).satisfies(d -> {
      assertThat(d.status()).isEqualTo(DeliveryStatus.DEFERRED);
      assertThat(d.nextAttemptAt()).contains(T0.plusSeconds(120));
      assertThat(d.account()).contains("acc1");
      assertThat(d.possibleDuplicate()).isFalse();
    });

    apply(t, "c", dispatched(1, "ann@example.com", "acc2", 1, false, T0.plusSeconds(121)));
    apply(t, "c", new CampaignEvent.RecipientRetryScheduled(1, 2, T0.plusSeconds(900), GREYLISTED, T0.plusSeconds(122)));
    assertThat(one(t, "c", 1)).satisfies(d -> {
      assertThat(d.status()).isEqualTo(DeliveryStatus.DEFERRED);
      assertThat(d.attempts()).isEqualTo(2);
      assertThat(d.account()).contains("acc2");
      assertThat(d.lastReply()).contains(new DeliveryDirectory.Reply(451, Optional.of("4.7.1"), "greylisted, try later"));
      assertThat(d.nextAttemptAt()).contains(T0.plusSeconds(900));
    });

    apply(t, "c", dispatched(1, "ann@example.com", "acc2", 2, false, T0.plusSeconds(901)));
    // A dispatch or a return without a reply keeps the last reply; a reply without a code is kept as code 0.
    assertThat(one(t, "c", 1).lastReply()).map(DeliveryDirectory.Reply::code).contains(451);
    apply(t, "c", new CampaignEvent.RecipientRetryScheduled(1, 3, T0.plusSeconds(1800), REFUSED, T0.plusSeconds(902)));
    assertThat(one(t, "c", 1).lastReply()).contains(new DeliveryDirectory.Reply(0, Optional.empty(), "connection refused"));

    apply(t, "c", dispatched(1, "ann@example.com", "acc2", 3, false, T0.plusSeconds(1801)));
    apply(t, "c", new CampaignEvent.DispatchReturned(1, T0.plusSeconds(1802), "cut off mid-transaction", true, T0.plusSeconds(1802)));
    assertThat(one(t, "c", 1).possibleDuplicate()).isTrue();
    apply(t, "c", dispatched(1, "ann@example.com", "acc2", 3, true, T0.plusSeconds(1803)));
    apply(t, "c", new CampaignEvent.RecipientSent(1, "acc2", ACCEPTED, T0.plusSeconds(1804)));

    DeliveryDirectory.Delivery sent = one(t, "c", 1);
    assertThat(sent.status()).isEqualTo(DeliveryStatus.SENT);
    assertThat(sent.attempts()).isEqualTo(5);
    assertThat(sent.account()).contains("acc2");
    assertThat(sent.lastReply()).contains(new DeliveryDirectory.Reply(250, Optional.empty(), "2.0.0 queued as 4AB1"));
    assertThat(sent.nextAttemptAt()).isEmpty();
    assertThat(sent.possibleDuplicate()).as("stays set once a send was cut off").isTrue();
    assertThat(sent.firstAt()).isEqualTo(T0);
    assertThat(sent.updatedAt()).isEqualTo(T0.plusSeconds(1804));

    // The campaign's own life leaves its recipients alone.
    apply(t, "c", new CampaignEvent.CampaignCompleted(T0.plusSeconds(2000)));
    assertThat(one(t, "c", 1)).isEqualTo(sent);
  }

  @Test
  void recordsFailuresBouncesAndSuppressionsWithTheirReplies() throws Exception {
    String t = "t_final";
    recipients(t, "c", "fail@example.com", "gone@example.com");
    apply(t, "c", new CampaignEvent.RecipientsAdded(2, 2, T0));

    apply(t, "c", dispatched(1, "fail@example.com", "acc1", 1, false, T0.plusSeconds(1)));
    apply(t, "c", new CampaignEvent.RecipientFailed(1, "fail@example.com", POLICY, T0.plusSeconds(2)));
    apply(t, "c", dispatched(2, "gone@example.com", "acc1", 1, false, T0.plusSeconds(3)));
    apply(t, "c", new CampaignEvent.RecipientBounced(2, "gone@example.com", USER_UNKNOWN, T0.plusSeconds(4)));
    // Suppressed recipients never reach an account, and may have no pending row yet.
    apply(t, "c", new CampaignEvent.RecipientSuppressed(3, "unsub@example.com", T0.plusSeconds(5)));

    assertThat(one(t, "c", 1)).satisfies(d -> {
      assertThat(d.status()).isEqualTo(DeliveryStatus.FAILED);
      assertThat(d.lastReply()).contains(new DeliveryDirectory.Reply(554, Optional.of("5.7.1"), "message refused by policy"));
      assertThat(d.attempts()).isEqualTo(1);
    });
    assertThat(one(t, "c", 2)).satisfies(d -> {
      assertThat(d.status()).isEqualTo(DeliveryStatus.BOUNCED);
      assertThat(d.lastReply()).contains(new DeliveryDirectory.Reply(550, Optional.of("5.1.1"), "user unknown"));
    });
    assertThat(one(t, "c", 3)).satisfies(d -> {
      assertThat(d.status()).isEqualTo(DeliveryStatus.SUPPRESSED);
      assertThat(d.email()).isEqualTo("unsub@example.com");
      assertThat(d.attempts()).isZero();
      assertThat(d.account()).isEmpty();
      assertThat(d.firstAt()).isEqualTo(T0.plusSeconds(5));
    });
  }

  @Test
  void aDispatchWithoutAPendingRowWritesItAndAnOutcomeWithoutARowIsIgnored() throws Exception {
    String t = "t_norow";
    apply(t, "c", dispatched(7, "late@example.com", "acc1", 1, false, T0));
    apply(t, "c", new CampaignEvent.RecipientSent(8, "acc1", ACCEPTED, T0));

    assertThat(all(t, "c")).singleElement().satisfies(d -> {
      assertThat(d.seq()).isEqualTo(7);
      assertThat(d.status()).isEqualTo(DeliveryStatus.IN_FLIGHT);
      assertThat(d.attempts()).isEqualTo(1);
    });
  }

  @Test
  void uploadsReachingTheCampaignOutOfOrderStillListEveryRecipientOnce() throws Exception {
    String t = "t_order";
    recipients(t, "c", "a@x.io", "b@x.io", "c@x.io", "d@x.io", "e@x.io");
    // The second upload (4 and 5) is recorded first, and the campaign's end is already 5 for the first.
    apply(t, "c", new CampaignEvent.RecipientsAdded(2, 5, T0));
    apply(t, "c", dispatched(4, "d@x.io", "acc1", 1, false, T0.plusSeconds(1)));
    apply(t, "c", new CampaignEvent.RecipientsAdded(3, 5, T0.plusSeconds(2)));

    assertThat(all(t, "c")).extracting(d -> d.seq() + " " + d.status().wireName())
        .containsExactly("1 pending", "2 pending", "3 pending", "4 in-flight", "5 pending");
  }

  @Test
  void aRolledBackEventLeavesNothing() throws Exception {
    String t = "t_rollback";
    PooledJdbcSession aborted = new PooledJdbcSession(database.dataSource());
    try {
      handler.process(aborted, List.of(envelope(t, "c", dispatched(1, "a@example.com", "acc1", 1, false, T0))));
      aborted.rollback();
    } finally {
      aborted.close();
    }
    assertThat(all(t, "c")).isEmpty();
  }

  @Test
  void listsByPageAndStatusWithinTheTenant() throws Exception {
    String t = "t_list";
    List<String> emails = new ArrayList<>();
    for (int i = 1; i <= 7; i++) emails.add("r" + i + "@example.com");
    recipients(t, "c", emails.toArray(String[]::new));
    recipients("t_list_other", "c", "other@example.com");
    apply(t, "c", new CampaignEvent.RecipientsAdded(7, 7, T0));
    apply("t_list_other", "c", new CampaignEvent.RecipientsAdded(1, 1, T0));
    for (long seq : List.of(2L, 3L, 5L, 7L)) {
      apply(t, "c", dispatched(seq, "r" + seq + "@example.com", "acc1", 1, false, T0.plusSeconds(seq)));
    }
    apply(t, "c", new CampaignEvent.RecipientSent(3, "acc1", ACCEPTED, T0.plusSeconds(10)));

    DeliveryDirectory.Page first = directory.list(t, "c", Optional.empty(), Optional.empty(), 3).toCompletableFuture().join();
    assertThat(first.deliveries()).extracting(DeliveryDirectory.Delivery::seq).containsExactly(1L, 2L, 3L);
    assertThat(first.nextCursor()).contains(3L);
    DeliveryDirectory.Page second = directory.list(t, "c", Optional.empty(), first.nextCursor(), 3).toCompletableFuture().join();
    assertThat(second.deliveries()).extracting(DeliveryDirectory.Delivery::seq).containsExactly(4L, 5L, 6L);
    DeliveryDirectory.Page last = directory.list(t, "c", Optional.empty(), second.nextCursor(), 3).toCompletableFuture().join();
    assertThat(last.deliveries()).extracting(DeliveryDirectory.Delivery::seq).containsExactly(7L);
    assertThat(last.nextCursor()).isEmpty();

    DeliveryDirectory.Page inFlight =
        directory.list(t, "c", Optional.of(DeliveryStatus.IN_FLIGHT), Optional.empty(), 2).toCompletableFuture().join();
    assertThat(inFlight.deliveries()).extracting(DeliveryDirectory.Delivery::seq).containsExactly(2L, 5L);
    assertThat(directory.list(t, "c", Optional.of(DeliveryStatus.IN_FLIGHT), inFlight.nextCursor(), 2).toCompletableFuture().join().deliveries())
        .extracting(DeliveryDirectory.Delivery::seq)
        .containsExactly(7L);
    assertThat(directory.list(t, "c", Optional.of(DeliveryStatus.SENT), Optional.empty(), 10).toCompletableFuture().join().deliveries())
        .extracting(DeliveryDirectory.Delivery::email)
        .containsExactly("r3@example.com");
    assertThat(directory.list(t, "other", Optional.empty(), Optional.empty(), 10).toCompletableFuture().join().deliveries()).isEmpty();
    assertThat(all("t_list_other", "c")).extracting(DeliveryDirectory.Delivery::email).containsExactly("other@example.com");
  }

  @Test
  void sumsUpACampaignByStatusAccountAndDomain() throws Exception {
    String t = "t_stats";
    recipients(t, "c", "a@Example.com", "b@example.com", "c@example.com", "d@other.org", "\"x@y\"@Other.org", "f@third.net", "g@third.net", "h@example.com");
    apply(t, "c", new CampaignEvent.RecipientsAdded(8, 8, T0));
    apply(t, "c", dispatched(1, "a@Example.com", "acc1", 1, false, T0));
    apply(t, "c", new CampaignEvent.RecipientSent(1, "acc1", ACCEPTED, T0));
    apply(t, "c", dispatched(2, "b@example.com", "acc1", 1, false, T0));
    apply(t, "c", new CampaignEvent.RecipientSent(2, "acc1", ACCEPTED, T0));
    apply(t, "c", dispatched(3, "c@example.com", "acc2", 1, false, T0));
    apply(t, "c", new CampaignEvent.RecipientBounced(3, "c@example.com", USER_UNKNOWN, T0));
    apply(t, "c", dispatched(4, "d@other.org", "acc2", 1, false, T0));
    apply(t, "c", new CampaignEvent.RecipientSent(4, "acc2", ACCEPTED, T0));
    apply(t, "c", dispatched(5, "\"x@y\"@Other.org", "acc2", 1, false, T0));
    apply(t, "c", new CampaignEvent.RecipientFailed(5, "\"x@y\"@Other.org", POLICY, T0));
    apply(t, "c", dispatched(6, "f@third.net", "acc1", 1, false, T0));
    apply(t, "c", new CampaignEvent.RecipientRetryScheduled(6, 2, T0.plusSeconds(600), GREYLISTED, T0));
    apply(t, "c", dispatched(7, "g@third.net", "acc1", 1, false, T0));
    apply(t, "c", new CampaignEvent.RecipientSuppressed(9, "s@example.com", T0));

    DeliveryDirectory.Statistics stats = directory.statistics(t, "c").toCompletableFuture().join();

    assertThat(stats.counts()).isEqualTo(new DeliveryDirectory.Counts(1, 1, 1, 3, 1, 1, 1));
    assertThat(stats.counts().total()).isEqualTo(9);
    assertThat(stats.bounceRate()).isEqualTo(0.25);
    assertThat(stats.byAccount())
        .containsExactly(
            new DeliveryDirectory.AccountStatistics("acc1", 2, 0, 0),
            new DeliveryDirectory.AccountStatistics("acc2", 1, 1, 1));
    assertThat(stats.byDomain())
        .containsExactly(
            new DeliveryDirectory.DomainStatistics("example.com", 2, 0, 1, 0),
            new DeliveryDirectory.DomainStatistics("other.org", 1, 1, 0, 0),
            new DeliveryDirectory.DomainStatistics("third.net", 0, 0, 0, 1));
  }

  @Test
  void aCampaignWithoutDeliveriesHasZeroCountsAndNoBounceRate() {
    DeliveryDirectory.Statistics stats = directory.statistics("t_empty", "c").toCompletableFuture().join();

    assertThat(stats.counts()).isEqualTo(new DeliveryDirectory.Counts(0, 0, 0, 0, 0, 0, 0));
    assertThat(stats.bounceRate()).isZero();
    assertThat(stats.byAccount()).isEmpty();
    assertThat(stats.byDomain()).isEmpty();
  }

  @Test
  void showsTheBusiestDomainsOnly() throws Exception {
    String t = "t_domains";
    int domains = DeliveryDirectory.DOMAINS_SHOWN + 2;
    for (int i = 1; i <= domains; i++) {
      apply(t, "c", new CampaignEvent.RecipientPostponed(i, "r@d" + i + ".io", Map.of(), T0, "resting", T0));
    }
    apply(t, "c", new CampaignEvent.RecipientPostponed(domains + 1, "s@d" + domains + ".io", Map.of(), T0, "resting", T0));

    List<DeliveryDirectory.DomainStatistics> shown = directory.statistics(t, "c").toCompletableFuture().join().byDomain();

    assertThat(shown).hasSize(DeliveryDirectory.DOMAINS_SHOWN);
    assertThat(shown.get(0)).isEqualTo(new DeliveryDirectory.DomainStatistics("d" + domains + ".io", 0, 0, 0, 2));
  }

  @Test
  void aGroupAppliedAtOnceLeavesTheRowsOneByOneWould() throws Exception {
    // Dispatched and sent before the upload's pending rows exist, then the upload, then more of everything:
    // the batch finds no row for recipient 1 and must redo both of its updates, in order, with the insert.
    List<CampaignEvent> events =
        List.of(
            dispatched(1, "a@x.io", "acc1", 1, false, T0),
            new CampaignEvent.RecipientSent(1, "acc1", ACCEPTED, T0.plusSeconds(1)),
            new CampaignEvent.RecipientsAdded(4, 4, T0.plusSeconds(2)),
            dispatched(2, "b@x.io", "acc2", 1, false, T0.plusSeconds(3)),
            new CampaignEvent.RecipientSent(2, "acc2", ACCEPTED, T0.plusSeconds(4)),
            dispatched(3, "c@x.io", "acc1", 1, false, T0.plusSeconds(5)),
            new CampaignEvent.DispatchReturned(3, T0.plusSeconds(60), "account acc1 is at its limit", false, T0.plusSeconds(6)),
            dispatched(3, "c@x.io", "acc2", 2, true, T0.plusSeconds(61)),
            new CampaignEvent.RecipientBounced(3, "c@x.io", USER_UNKNOWN, T0.plusSeconds(62)),
            new CampaignEvent.RecipientSuppressed(4, "d@x.io", T0.plusSeconds(63)));
    for (String t : List.of("t_group_single", "t_group_whole")) recipients(t, "c", "a@x.io", "b@x.io", "c@x.io", "d@x.io");

    for (CampaignEvent e : events) apply("t_group_single", "c", e);
    applyGroup("t_group_whole", "c", events);

    List<DeliveryDirectory.Delivery> single = all("t_group_single", "c");
    assertThat(single).extracting(d -> d.seq() + " " + d.status().wireName() + " " + d.attempts())
        .containsExactly("1 sent 1", "2 sent 1", "3 bounced 2", "4 suppressed 0");
    assertThat(all("t_group_whole", "c")).usingRecursiveComparison().isEqualTo(single);
  }

  /**
   * Each recipient's life in the order the campaign journals it, the recipients interleaved at random, some
   * of it before the upload's pending rows exist, and one recipient whose outcome arrives for a row that is
   * missing before the dispatch that writes it: applied as one group (where a recipient's changes are
   * folded into one), one event at a time, and as one group of batches of the campaign's steps, the rows are the
   * same.
   */
  @Test
  void foldingARecipientsChangesWithinAGroupLeavesTheRowsOneByOneWould() throws Exception {
    Random random = new Random(20261128);
    for (int round = 0; round < 5; round++) {
      int n = 8;
      List<List<CampaignEvent>> lives = new ArrayList<>();
      String[] emails = new String[n];
      for (int r = 1; r <= n; r++) {
        emails[r - 1] = "r" + r + "@x.io";
        Instant t = T0.plusSeconds(r * 100L);
        List<CampaignEvent> life = new ArrayList<>();
        int tries = 1 + random.nextInt(3);
        for (int attempt = 1; attempt <= tries; attempt++) {
          String account = "acc" + random.nextInt(3);
          life.add(dispatched(r, emails[r - 1], account, attempt, attempt > 1 && random.nextBoolean(), t = t.plusSeconds(1)));
          if (attempt < tries) {
            life.add(random.nextBoolean()
                ? new CampaignEvent.DispatchReturned(r, t.plusSeconds(60), "account " + account + " is at its limit", false, t = t.plusSeconds(1))
                : new CampaignEvent.RecipientRetryScheduled(r, attempt + 1, t.plusSeconds(60), GREYLISTED, t = t.plusSeconds(1)));
          }
        }
        life.add(switch (random.nextInt(4)) {
          case 0 -> new CampaignEvent.RecipientBounced(r, emails[r - 1], USER_UNKNOWN, t.plusSeconds(1));
          case 1 -> new CampaignEvent.RecipientFailed(r, emails[r - 1], POLICY, t.plusSeconds(1));
          default -> new CampaignEvent.RecipientSent(r, "acc1", ACCEPTED, t.plusSeconds(1));
        });
        lives.add(life);
      }
      // Recipient 8, first of all: a retry decided for a row that is not there, then the dispatch that writes it.
      lives.get(7).add(0, new CampaignEvent.RecipientRetryScheduled(8, 2, T0.plusSeconds(60), REFUSED, T0.plusSeconds(1)));
      List<CampaignEvent> events = new ArrayList<>();
      int[] next = new int[n];
      events.add(lives.get(7).get(next[7]++));
      events.add(lives.get(7).get(next[7]++));
      int upload = 2 + random.nextInt(6);
      while (true) {
        List<Integer> open = new ArrayList<>();
        for (int r = 0; r < n; r++) if (next[r] < lives.get(r).size()) open.add(r);
        if (open.isEmpty()) break;
        int r = open.get(random.nextInt(open.size()));
        events.add(lives.get(r).get(next[r]++));
        if (events.size() == upload) events.add(new CampaignEvent.RecipientsAdded(n, n, T0.plusSeconds(5)));
      }
      String single = "t_fold_single_" + round;
      String whole = "t_fold_whole_" + round;
      String batched = "t_fold_batched_" + round;
      for (String t : List.of(single, whole, batched)) recipients(t, "c", emails);
      List<CampaignEvent> entries = new ArrayList<>();
      for (int from = 0, size; from < events.size(); from += size) {
        size = Math.min(events.size() - from, 1 + random.nextInt(6));
        entries.addAll(CampaignEvent.batched(events.subList(from, from + size)));
      }

      for (CampaignEvent e : events) apply(single, "c", e);
      applyGroup(whole, "c", events);
      applyGroup(batched, "c", entries);

      assertThat(all(whole, "c")).as("round %d: %s", round, events).usingRecursiveComparison().isEqualTo(all(single, "c"));
      assertThat(entries).as("round %d", round).hasSizeLessThan(events.size()).hasAtLeastOneElementOfType(CampaignEvent.Batch.class);
      assertThat(all(batched, "c")).as("round %d: %s", round, entries).usingRecursiveComparison().isEqualTo(all(single, "c"));
    }
  }

  @Test
  void aLargeUploadBringsThePlannersCountOfRowsUpToDateAtOnce() throws Exception {
    String t = "t_large";
    int n = DeliveryHandler.ANALYZE_AFTER_ROWS;
    String[] emails = IntStream.rangeClosed(1, n).mapToObj(i -> "r" + i + "@example.com").toArray(String[]::new);
    recipients(t, "c", emails);

    apply(t, "c", new CampaignEvent.RecipientsAdded(n, n, T0));

    // Fewer than 30,000 rows in all: ANALYZE reads every one, so its count is exact.
    assertThat(sql("SELECT reltuples::bigint FROM pg_class WHERE relname = 'delivery'"))
        .as("the planner's count of rows, without waiting for autovacuum")
        .isEqualTo(sql("SELECT count(*) FROM delivery"));
    assertThat(sql("SELECT count(*) FROM delivery WHERE tenant_id = 't_large'")).isEqualTo(n);
  }

  @Test
  void rowsAreFoundByTheirKeyOnly() throws Exception {
    assertThat(sql("SELECT count(*) FROM pg_indexes WHERE tablename = 'delivery'"))
        .as("an index on a column the updates change moves every update's entry in it")
        .isEqualTo(1);
    assertThat(sql("SELECT count(*) FROM pg_indexes WHERE tablename = 'delivery' AND indexname = 'delivery_pkey'"))
        .isEqualTo(1);
  }

  private static long sql(String query) throws Exception {
    try (var c = database.dataSource().getConnection(); var s = c.createStatement(); var rs = s.executeQuery(query)) {
      rs.next();
      long value = rs.getLong(1);
      c.commit();
      return value;
    }
  }

  private void apply(String tenant, String campaign, CampaignEvent event) throws Exception {
    applyGroup(tenant, campaign, List.of(event));
  }

  /** The events as one group, in one transaction, as the projection hands them over. */
  private void applyGroup(String tenant, String campaign, List<CampaignEvent> events) throws Exception {
    PooledJdbcSession session = new PooledJdbcSession(database.dataSource());
    try {
      handler.process(session, events.stream().map(e -> envelope(tenant, campaign, e)).toList());
      session.commit();
    } finally {
      session.close();
    }
  }

  private static EventEnvelope<CampaignEvent> envelope(String tenant, String campaign, CampaignEvent event) {
    return CampaignFixtures.envelope(tenant, campaign, OFFSETS.incrementAndGet(), event);
  }

  private static CampaignEvent.RecipientDispatched dispatched(
      long seq, String email, String account, int attempt, boolean possibleDuplicate, Instant at) {
    return new CampaignEvent.RecipientDispatched(
        seq, email, Map.of(), "<" + seq + "." + account + "@outreach>", account, attempt, possibleDuplicate, at.plusSeconds(30), at);
  }

  /** Stores recipients as an upload does, numbered from 1. */
  private static void recipients(String tenant, String campaign, String... emails) throws Exception {
    CampaignFixtures.storeRecipients(database.dataSource(), tenant, campaign, T0, emails);
  }

  private static List<DeliveryDirectory.Delivery> all(String tenant, String campaign) {
    return directory.list(tenant, campaign, Optional.empty(), Optional.empty(), 1000).toCompletableFuture().join().deliveries();
  }

  private static DeliveryDirectory.Delivery one(String tenant, String campaign, long seq) {
    return all(tenant, campaign).stream().filter(d -> d.seq() == seq).findFirst().orElseThrow();
  }
}
