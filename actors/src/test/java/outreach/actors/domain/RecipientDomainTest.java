package outreach.actors.domain;

import static org.assertj.core.api.Assertions.assertThat;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.persistence.testkit.javadsl.PersistenceTestKit;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import outreach.actors.ManualClock;
import outreach.actors.TestKits;
import outreach.actors.quota.Quota;
import outreach.protocol.RateLimit;
import outreach.protocol.domain.DomainCommand;
import outreach.protocol.domain.DomainEvent;
import outreach.protocol.domain.DomainReply;
import outreach.protocol.domain.DomainView;
import outreach.protocol.quota.QuotaCommand;

/** Recipient-domain caps per tenant and system-wide, deferrals, releases, and batched writes of the hot entities. */
class RecipientDomainTest {

  private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
  private static ActorTestKit testKit;
  private static PersistenceTestKit journal;

  private static final DomainPolicy POLICY =
      new DomainPolicy(
          new DomainPolicy.Caps("standard", List.of(RateLimit.parse("2/1d")), List.of(RateLimit.parse("3/1d")), Duration.ofMinutes(15)),
          Map.of("gmail.com", new DomainPolicy.Caps("large-providers", List.of(RateLimit.parse("100/1d")), List.of(RateLimit.parse("1000/1d")), Duration.ofMinutes(15))),
          Duration.ofMinutes(30),
          Duration.ofHours(1));

  @BeforeAll
  static void start() {
    testKit =
        TestKits.withPersistence();
    journal = PersistenceTestKit.create(testKit.system());
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static DomainReply reserve(ActorRef<DomainCommand> domain, String tenant, String messageId) {
    TestProbe<DomainReply> probe = testKit.createTestProbe();
    domain.tell(new DomainCommand.Reserve(tenant, messageId, probe.getRef()));
    return probe.receiveMessage();
  }

  @Test
  void capsEachTenantAndTheWholeSystemAndGivesReleasedCapacityBack() {
    ManualClock clock = new ManualClock(T0);
    var domain = testKit.spawn(RecipientDomain.create("system|acme.example", clock, POLICY));
    assertThat(reserve(domain, "t_a", "m1")).isInstanceOf(DomainReply.Reserved.class);
    assertThat(reserve(domain, "t_a", "m2")).isInstanceOf(DomainReply.Reserved.class);
    DomainReply tenantFull = reserve(domain, "t_a", "m3");
    assertThat(tenantFull).isInstanceOf(DomainReply.Throttled.class);
    assertThat(((DomainReply.Throttled) tenantFull).retryAt()).isEqualTo(Instant.parse("2026-03-03T00:00:00Z"));
    assertThat(((DomainReply.Throttled) tenantFull).reason()).contains("per tenant");
    assertThat(reserve(domain, "t_b", "m4")).isInstanceOf(DomainReply.Reserved.class);
    DomainReply systemFull = reserve(domain, "t_b", "m5");
    assertThat(((DomainReply.Throttled) systemFull).reason()).contains("system-wide");

    domain.tell(new DomainCommand.Release("t_a", "m1"));
    assertThat(reserve(domain, "t_b", "m5")).isInstanceOf(DomainReply.Reserved.class);
    // A repeated reservation of the same message is still one send.
    assertThat(reserve(domain, "t_b", "m5")).isInstanceOf(DomainReply.Reserved.class);

    TestProbe<DomainView> views = testKit.createTestProbe();
    domain.tell(new DomainCommand.Get(views.getRef()));
    DomainView view = views.receiveMessage();
    assertThat(view.sentToday()).isEqualTo(3);
    assertThat(view.sentTodayByTenant()).isEqualTo(Map.of("t_a", 1, "t_b", 2));
    assertThat(view.policy()).isEqualTo("standard");
  }

  @Test
  void aReleaseWrittenWhileReservationsWaitForTheirWriteDoesNotLetTheDomainPassItsCaps() {
    var domain = testKit.spawn(RecipientDomain.create("system|race.example", new ManualClock(T0), POLICY));
    assertThat(reserve(domain, "t_a", "m0")).isInstanceOf(DomainReply.Reserved.class);
    assertThat(reserve(domain, "t_b", "m9")).isInstanceOf(DomainReply.Reserved.class);

    // m1 waits for its write while m9 is given back; then two more ask. The system-wide cap (3) fits one of them at most.
    TestProbe<DomainReply> probe = testKit.createTestProbe();
    domain.tell(new DomainCommand.Reserve("t_b", "m1", probe.getRef()));
    domain.tell(new DomainCommand.Release("t_b", "m9"));
    domain.tell(new DomainCommand.Reserve("t_c", "m2", probe.getRef()));
    domain.tell(new DomainCommand.Reserve("t_c", "m3", probe.getRef()));
    List<DomainReply> replies = probe.receiveSeveralMessages(3);

    // The first fits whenever it is decided; the others may be decided before or after the release is written.
    assertThat(replies).contains(new DomainReply.Reserved("m1"));
    assertThat(replies.stream().filter(r -> r instanceof DomainReply.Reserved).count()).isBetween(1L, 2L);
  }

  @Test
  void theEndOfASendIsWrittenWithTheNextReservationOrWithTheNextOtherEvent() {
    ManualClock clock = new ManualClock(T0);
    String id = "system|together.example";
    var domain = testKit.spawn(RecipientDomain.create(id, clock, POLICY));
    assertThat(reserve(domain, "t_a", "m1")).isInstanceOf(DomainReply.Reserved.class);
    domain.tell(new DomainCommand.Settle("t_a", "m1"));
    clock.advance(Duration.ofSeconds(2));
    assertThat(reserve(domain, "t_a", "m2")).isInstanceOf(DomainReply.Reserved.class);
    domain.tell(new DomainCommand.Settle("t_a", "m2"));
    clock.advance(Duration.ofSeconds(2));
    domain.tell(new DomainCommand.Defer(T0.plus(Duration.ofMinutes(30)), "421 4.7.0 try later"));
    assertThat(reserve(domain, "t_a", "m3")).isInstanceOf(DomainReply.Throttled.class);

    // POLICY's settle-within is an hour: each settlement went out with the next write, not on its own; with the
    // next reservation in its event, one row.
    assertThat(journal.persistedInStorage("RecipientDomain|" + id))
        .containsExactly(
            new DomainEvent.SendsReserved(List.of(new DomainEvent.Reservation("t_a", "m1", T0)), T0),
            new DomainEvent.SendsReserved(
                List.of(new DomainEvent.Reservation("t_a", "m2", T0.plusSeconds(2))),
                List.of(new DomainEvent.Settlement("t_a", "m1")),
                T0.plusSeconds(2)),
            new DomainEvent.SendsSettled(List.of(new DomainEvent.Settlement("t_a", "m2")), T0.plusSeconds(4)),
            new DomainEvent.DomainDeferred(T0.plus(Duration.ofMinutes(30)), "421 4.7.0 try later", T0.plusSeconds(4)));
  }

  @Test
  void theEndOfASendIsWrittenAloneWhenNoReservationFollowsWithinSettleWithin() {
    DomainPolicy quick = new DomainPolicy(POLICY.standard(), POLICY.providers(), POLICY.deferral(), Duration.ofMillis(50));
    ManualClock clock = new ManualClock(T0);
    String id = "system|alone.example";
    var domain = testKit.spawn(RecipientDomain.create(id, clock, quick));
    assertThat(reserve(domain, "t_a", "m1")).isInstanceOf(DomainReply.Reserved.class);
    journal.expectNextPersisted("RecipientDomain|" + id, new DomainEvent.SendsReserved(List.of(new DomainEvent.Reservation("t_a", "m1", T0)), T0));
    clock.advance(Duration.ofSeconds(3));
    domain.tell(new DomainCommand.Settle("t_a", "m1"));

    journal.expectNextPersisted(
        "RecipientDomain|" + id, new DomainEvent.SendsSettled(List.of(new DomainEvent.Settlement("t_a", "m1")), T0.plusSeconds(3)));
  }

  @Test
  void aDeferringDomainGetsNothingUntilTheDeferralEnds() {
    ManualClock clock = new ManualClock(T0);
    var domain = testKit.spawn(RecipientDomain.create("system|slow.example", clock, POLICY));
    domain.tell(new DomainCommand.Defer(T0.plus(Duration.ofMinutes(30)), "421 4.7.0 try later"));
    DomainReply r = reserve(domain, "t_a", "m1");
    assertThat(r).isEqualTo(new DomainReply.Throttled("m1", T0.plus(Duration.ofMinutes(30)), "slow.example deferred our sends"));
    clock.advance(Duration.ofMinutes(30));
    assertThat(reserve(domain, "t_a", "m1")).isInstanceOf(DomainReply.Reserved.class);
  }

  @Test
  void largeProvidersFollowTheirOwnPolicy() {
    ManualClock clock = new ManualClock(T0);
    var gmail = testKit.spawn(RecipientDomain.create("system|gmail.com", clock, POLICY));
    for (int i = 0; i < 10; i++) assertThat(reserve(gmail, "t_a", "g" + i)).isInstanceOf(DomainReply.Reserved.class);
  }

  @Test
  void concurrentReservationsAreWrittenInBatches() {
    ManualClock clock = new ManualClock(T0);
    var gmail = testKit.spawn(RecipientDomain.create("system|gmail.com-batch", clock, POLICY));
    TestProbe<DomainReply> probe = testKit.createTestProbe();
    for (int i = 0; i < 200; i++) gmail.tell(new DomainCommand.Reserve("t_a", "b" + i, probe.getRef()));
    List<DomainReply> replies = probe.receiveSeveralMessages(200, Duration.ofSeconds(10));
    // "gmail.com-batch" is not a large provider: the standard caps allow two for the tenant.
    assertThat(replies).filteredOn(r -> r instanceof DomainReply.Reserved).hasSize(2);
    TestProbe<DomainReply> more = testKit.createTestProbe();
    var big = testKit.spawn(RecipientDomain.create("system|gmail.com", new ManualClock(T0.plusSeconds(1)), POLICY));
    for (int i = 0; i < 90; i++) big.tell(new DomainCommand.Reserve("t_c", "c" + i, more.getRef()));
    assertThat(more.receiveSeveralMessages(90, Duration.ofSeconds(10))).allMatch(r -> r instanceof DomainReply.Reserved);
    long writes = journal.persistedInStorage("RecipientDomain|system|gmail.com").size();
    assertThat(writes).as("events written for 90 reservations").isLessThan(90);
  }

  @Test
  void theQuotaHoldsTheSystemWideLimitAndBatchesToo() {
    ManualClock clock = new ManualClock(T0);
    var quota = testKit.spawn(Quota.create("system|global-test", clock, List.of(RateLimit.parse("100/1m")), Duration.ofMinutes(15)));
    TestProbe<QuotaCommand.QuotaReply> probe = testKit.createTestProbe();
    for (int i = 0; i < 150; i++) quota.tell(new QuotaCommand.Acquire("t_" + (i % 3), "q" + i, probe.getRef()));
    List<QuotaCommand.QuotaReply> replies = probe.receiveSeveralMessages(150, Duration.ofSeconds(10));
    assertThat(replies).filteredOn(r -> r instanceof QuotaCommand.Granted).hasSize(100);
    assertThat(replies).filteredOn(r -> r instanceof QuotaCommand.Throttled)
        .allMatch(r -> ((QuotaCommand.Throttled) r).retryAt().equals(T0.plusSeconds(60)));
    assertThat(journal.persistedInStorage("Quota|system|global-test").size()).isLessThan(100);
    quota.tell(new QuotaCommand.Release("q0"));
    quota.tell(new QuotaCommand.Acquire("t_0", "q-after-release", probe.getRef()));
    assertThat(probe.receiveMessage()).isInstanceOf(QuotaCommand.Granted.class);
  }
}
