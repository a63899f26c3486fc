package outreach.actors.domain;

import static org.assertj.core.api.Assertions.assertThat;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.persistence.testkit.javadsl.PersistenceTestKit;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import outreach.actors.ManualClock;
import outreach.actors.TestKits;
import outreach.protocol.RateLimit;
import outreach.protocol.domain.DomainCommand;
import outreach.protocol.domain.DomainEvent;
import outreach.protocol.domain.DomainReply;
import outreach.protocol.domain.DomainShare;
import outreach.protocol.domain.DomainShareEvent;
import outreach.protocol.domain.DomainState;
import outreach.protocol.domain.DomainView;

/** One tenant's share of a recipient domain that two tenants send to: its own part, the domain's deferrals, nothing of the other. */
class DomainSharesTest {

  private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
  private static final String ALPHA = "t_alpha01";
  private static final String BRAVO = "t_bravo02";
  private static final String A1 = "<a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1@mail.example>";
  private static final String A2 = "<a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2@mail.example>";
  private static final String B1 = "<b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1@mail.example>";
  private static final String B2 = "<b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2@mail.example>";
  /** The server's reply names the sender that met the deferral: one of bravo's accounts. */
  private static final String BRAVO_REPLY = "421 4.7.0 [smtp.bravo-sender.example 203.0.113.9] rate limited, try later";

  private static final DomainPolicy.Caps CAPS =
      new DomainPolicy.Caps("standard", List.of(RateLimit.parse("5/1d")), List.of(RateLimit.parse("8/1d")), Duration.ofMinutes(15));

  /** A batch with both tenants' sends, a send and release of each, and a deferral that bravo met. */
  private static final List<DomainEvent> JOURNAL =
      List.of(
          new DomainEvent.SendsReserved(List.of(new DomainEvent.Reservation(ALPHA, A1, T0), new DomainEvent.Reservation(BRAVO, B1, T0)), T0),
          new DomainEvent.SendsReserved(List.of(new DomainEvent.Reservation(BRAVO, B2, at(1))), at(1)),
          new DomainEvent.ReservationReleased(BRAVO, B2, at(1), at(2)),
          new DomainEvent.DomainDeferred(at(33), BRAVO_REPLY, at(3)),
          new DomainEvent.SendsReserved(List.of(new DomainEvent.Reservation(ALPHA, A2, at(40))), at(40)),
          new DomainEvent.ReservationReleased(ALPHA, A2, at(40), at(41)));

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .registerModule(new Jdk8Module())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  private static ActorTestKit testKit;
  private static PersistenceTestKit journal;

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

  private static Instant at(int minutes) {
    return T0.plus(Duration.ofMinutes(minutes));
  }

  private static List<DomainShareEvent> trail(String tenant) {
    List<DomainShareEvent> shown = new ArrayList<>();
    for (DomainEvent e : JOURNAL) DomainShares.event(tenant, e).ifPresent(shown::add);
    return shown;
  }

  /** The journal written by {@code minutes} after T0, the way audit cuts it at an instant. */
  private static List<DomainEvent> upTo(int minutes) {
    return JOURNAL.stream().filter(e -> !e.at().isAfter(at(minutes))).toList();
  }

  @Test
  void eachTenantSeesItsOwnReservationsAndReleasesAndTheDomainsDeferrals() {
    assertThat(trail(ALPHA))
        .containsExactly(
            new DomainShareEvent.SendsReserved(List.of(new DomainShareEvent.Reservation(A1, T0)), List.of(), T0),
            new DomainShareEvent.DomainDeferred(at(33), at(3)),
            new DomainShareEvent.SendsReserved(List.of(new DomainShareEvent.Reservation(A2, at(40))), List.of(), at(40)),
            new DomainShareEvent.ReservationReleased(A2, at(40), at(41)));
    assertThat(trail(BRAVO))
        .containsExactly(
            new DomainShareEvent.SendsReserved(List.of(new DomainShareEvent.Reservation(B1, T0)), List.of(), T0),
            new DomainShareEvent.SendsReserved(List.of(new DomainShareEvent.Reservation(B2, at(1))), List.of(), at(1)),
            new DomainShareEvent.ReservationReleased(B2, at(1), at(2)),
            new DomainShareEvent.DomainDeferred(at(33), at(3)));
    assertThat(trail("t_charlie03")).containsExactly(new DomainShareEvent.DomainDeferred(at(33), at(3)));
  }

  @Test
  void settlementsWrittenWithReservationsAreCutToTheTenantToo() throws Exception {
    DomainEvent merged =
        new DomainEvent.SendsReserved(
            List.of(new DomainEvent.Reservation(BRAVO, B2, at(1))),
            List.of(new DomainEvent.Settlement(ALPHA, A1), new DomainEvent.Settlement(BRAVO, B1)),
            at(1));
    // Alpha had only a send settled in it: it sees that, not bravo's reservation.
    assertThat(DomainShares.event(ALPHA, merged)).contains(new DomainShareEvent.SendsSettled(List.of(A1), at(1)));
    assertThat(DomainShares.event(BRAVO, merged))
        .contains(new DomainShareEvent.SendsReserved(List.of(new DomainShareEvent.Reservation(B2, at(1))), List.of(B1), at(1)));
    assertThat(DomainShares.event("t_charlie03", merged)).isEmpty();
    assertThat(DomainShares.isOwn(ALPHA, merged)).isTrue();
    assertThat(DomainShares.isOwn("t_charlie03", merged)).isFalse();
    String alphaSees = JSON.writeValueAsString(DomainShares.event(ALPHA, merged).get());
    for (String foreign : List.of(BRAVO, B1, B2)) assertThat(alphaSees).doesNotContain(foreign);

    // Folded, alpha's send is no longer reserved and counts where it ended.
    DomainShare alpha = DomainShares.state(ALPHA, "shared.example", CAPS, List.of(JOURNAL.get(0), merged), at(2));
    assertThat(alpha.reservations()).isEmpty();
    assertThat(alpha.sentOnDay()).isEqualTo(1);
    DomainShare bravo = DomainShares.state(BRAVO, "shared.example", CAPS, List.of(JOURNAL.get(0), merged), at(2));
    assertThat(bravo.reservations()).isEqualTo(Map.of(B2, at(1)));
    assertThat(bravo.sentOnDay()).isEqualTo(2);
  }

  @Test
  void onlyReservationsAndReleasesAreATenantsOwnNotTheDeferralsItMeets() {
    assertThat(JOURNAL.stream().filter(e -> DomainShares.isOwn(ALPHA, e))).hasSize(3);
    assertThat(JOURNAL.stream().filter(e -> DomainShares.isOwn(BRAVO, e))).hasSize(3);
    assertThat(JOURNAL.stream().filter(e -> DomainShares.isOwn("t_charlie03", e))).isEmpty();
  }

  @Test
  void nothingThatNamesTheOtherTenantReachesTheJson() throws Exception {
    assertLeaksNothingOf(ALPHA, List.of(BRAVO, B1, B2, "bravo-sender", "203.0.113.9", "rate limited"));
    assertLeaksNothingOf(BRAVO, List.of(ALPHA, A1, A2, "bravo-sender", "203.0.113.9", "rate limited"));
  }

  private static void assertLeaksNothingOf(String tenant, List<String> foreign) throws Exception {
    List<String> documents = new ArrayList<>();
    for (DomainShareEvent e : trail(tenant)) documents.add(JSON.writeValueAsString(e));
    for (int minutes : new int[] {0, 2, 3, 40, 41, 60 * 24}) {
      documents.add(JSON.writeValueAsString(DomainShares.state(tenant, "shared.example", CAPS, upTo(minutes), at(minutes))));
    }
    for (String json : documents) {
      for (String text : foreign) assertThat(json).as(tenant + "'s view").doesNotContain(text);
      // Not even its own id: the caller knows it, and a field for it would invite the others'.
      assertThat(json).doesNotContain(tenant).doesNotContain("tenantId").doesNotContain("reason");
    }
  }

  @Test
  void theStateShowsTheTenantsPermitsAgainstItsCapButNotTheSystemsUsage() throws Exception {
    DomainShare alpha = DomainShares.state(ALPHA, "shared.example", CAPS, upTo(2), at(2));
    // Three sends were reserved system-wide by then and one given back; alpha's is one of them.
    assertThat(alpha.sentOnDay()).isEqualTo(1);
    assertThat(alpha.permits().grantedOnDay()).isEqualTo(1);
    assertThat(alpha.reservations()).isEqualTo(Map.of(A1, T0));
    assertThat(alpha.tenantLimits()).containsExactly(RateLimit.parse("5/1d"));
    assertThat(alpha.systemLimits()).containsExactly(RateLimit.parse("8/1d"));
    assertThat(alpha.policy()).isEqualTo("standard");
    assertThat(alpha.day()).isEqualTo(LocalDate.of(2026, 3, 2));
    JsonNode json = JSON.valueToTree(alpha);
    List<String> fields = new ArrayList<>();
    json.fieldNames().forEachRemaining(fields::add);
    assertThat(fields)
        .containsExactlyInAnyOrder(
            "domain", "policy", "tenantLimits", "systemLimits", "day", "sentOnDay", "permits", "reservations", "deferredUntil", "deferred");

    DomainShare bravo = DomainShares.state(BRAVO, "shared.example", CAPS, upTo(2), at(2));
    assertThat(bravo.sentOnDay()).isEqualTo(1);
    assertThat(bravo.reservations()).isEqualTo(Map.of(B1, T0));
  }

  @Test
  void aDeferralIsInForceUntilItEndsAndTheDayCountIsTheInstantsUtcDay() {
    DomainShare before = DomainShares.state(ALPHA, "shared.example", CAPS, upTo(2), at(2));
    assertThat(before.deferredUntil()).isEmpty();
    assertThat(before.deferred()).isFalse();
    DomainShare during = DomainShares.state(ALPHA, "shared.example", CAPS, upTo(10), at(10));
    assertThat(during.deferredUntil()).contains(at(33));
    assertThat(during.deferred()).isTrue();
    DomainShare after = DomainShares.state(ALPHA, "shared.example", CAPS, upTo(34), at(34));
    assertThat(after.deferredUntil()).contains(at(33));
    assertThat(after.deferred()).isFalse();

    DomainShare nextDay = DomainShares.state(ALPHA, "shared.example", CAPS, JOURNAL, Instant.parse("2026-03-03T00:00:01Z"));
    assertThat(nextDay.day()).isEqualTo(LocalDate.of(2026, 3, 3));
    assertThat(nextDay.sentOnDay()).isZero();
    assertThat(nextDay.reservations()).isEqualTo(Map.of(A1, T0));
  }

  @Test
  void theShareIsTheEntitysOwnStateCutToTheTenant() {
    ManualClock clock = new ManualClock(T0);
    DomainPolicy policy = new DomainPolicy(CAPS, Map.of(), Duration.ofMinutes(30), Duration.ofSeconds(1));
    var domain = testKit.spawn(RecipientDomain.create("system|share.example", clock, policy));
    TestProbe<DomainReply> replies = testKit.createTestProbe();
    domain.tell(new DomainCommand.Reserve(ALPHA, A1, replies.getRef()));
    domain.tell(new DomainCommand.Reserve(BRAVO, B1, replies.getRef()));
    domain.tell(new DomainCommand.Reserve(BRAVO, B2, replies.getRef()));
    assertThat(replies.receiveSeveralMessages(3)).allMatch(r -> r instanceof DomainReply.Reserved);
    clock.advance(Duration.ofMinutes(1));
    domain.tell(new DomainCommand.Release(BRAVO, B2));
    domain.tell(new DomainCommand.Defer(clock.instant().plus(Duration.ofMinutes(30)), BRAVO_REPLY));
    clock.advance(Duration.ofMinutes(1));
    TestProbe<DomainView> views = testKit.createTestProbe();
    domain.tell(new DomainCommand.Get(views.getRef()));
    DomainView view = views.receiveMessage();

    List<DomainEvent> written = journal.persistedInStorage("RecipientDomain|system|share.example").stream().map(DomainEvent.class::cast).toList();
    DomainState whole = DomainState.EMPTY;
    for (DomainEvent e : written) whole = RecipientDomain.apply(CAPS, whole, e);
    for (String tenant : List.of(ALPHA, BRAVO)) {
      DomainShare share = DomainShares.state(tenant, "share.example", CAPS, written, clock.instant());
      assertThat(share.sentOnDay()).as(tenant).isEqualTo(view.sentTodayByTenant().get(tenant));
      assertThat(share.permits()).as(tenant).isEqualTo(whole.tenants().get(tenant));
      assertThat(share.deferredUntil()).isEqualTo(view.deferredUntil());
      assertThat(share.deferred()).isTrue();
    }
    assertThat(view.sentTodayByTenant()).isEqualTo(Map.of(ALPHA, 1, BRAVO, 1));
    assertThat(DomainShares.state(ALPHA, "share.example", CAPS, written, clock.instant()).reservations()).containsOnlyKeys(A1);
    assertThat(DomainShares.state(BRAVO, "share.example", CAPS, written, clock.instant()).reservations()).containsOnlyKeys(B1);
    // The system-wide count, which neither share shows.
    assertThat(whole.system().grantedOnDay()).isEqualTo(2);
  }
}
