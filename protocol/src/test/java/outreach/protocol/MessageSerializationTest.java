package outreach.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.javadsl.Adapter;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializers;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import outreach.protocol.account.AccountView;
import outreach.protocol.account.SendReply;
import outreach.protocol.account.SendStatus;
import outreach.protocol.campaign.CampaignCommand;
import outreach.protocol.campaign.CampaignCounts;
import outreach.protocol.campaign.CampaignEvent;
import outreach.protocol.campaign.CampaignReply;
import outreach.protocol.campaign.CampaignSpec;
import outreach.protocol.campaign.CampaignState;
import outreach.protocol.campaign.CampaignStatus;
import outreach.protocol.campaign.CampaignView;
import outreach.protocol.campaign.DelayRange;
import outreach.protocol.campaign.SendSchedule;
import outreach.protocol.delivery.DeliveryOutcome;
import outreach.protocol.delivery.OutcomeClass;
import outreach.protocol.delivery.RenderedMessage;
import outreach.protocol.domain.DomainCommand;
import outreach.protocol.domain.DomainEvent;
import outreach.protocol.domain.DomainReply;
import outreach.protocol.domain.DomainState;
import outreach.protocol.domain.DomainView;
import outreach.protocol.limit.PermitLog;
import outreach.protocol.quota.QuotaCommand;
import outreach.protocol.quota.QuotaEvent;
import outreach.protocol.quota.QuotaState;
import outreach.protocol.sending.DnsRecord;
import outreach.protocol.sending.SendingDomainCommand;
import outreach.protocol.sending.SendingDomainEvent;
import outreach.protocol.sending.SendingDomainReply;
import outreach.protocol.sending.SendingDomainState;
import outreach.protocol.sending.SendingDomainView;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import outreach.protocol.account.AccountCommand;
import outreach.protocol.account.AccountEvent;
import outreach.protocol.account.AccountPool;
import outreach.protocol.account.AccountReply;
import outreach.protocol.account.AccountSettings;
import outreach.protocol.account.AccountSettingsChange;
import outreach.protocol.account.AccountState;
import outreach.protocol.account.AccountStatus;
import outreach.protocol.account.SealedSecret;
import outreach.protocol.account.SecurityMode;
import outreach.protocol.account.WarmUp;

/** Every message, event, reply and state survives the cluster's serializer unchanged. */
class MessageSerializationTest {

  private static ActorTestKit testKit;
  private static TestProbe<AccountReply> replies;
  private static TestProbe<SendReply> sendReplies;
  private static TestProbe<SendStatus> statuses;
  private static TestProbe<DomainReply> domainReplies;
  private static TestProbe<DomainView> domainViews;
  private static TestProbe<QuotaCommand.QuotaReply> quotaReplies;
  private static TestProbe<CampaignReply> campaignReplies;
  private static TestProbe<SendingDomainReply> sendingReplies;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create();
    replies = testKit.createTestProbe(AccountReply.class);
    sendReplies = testKit.createTestProbe(SendReply.class);
    statuses = testKit.createTestProbe(SendStatus.class);
    domainReplies = testKit.createTestProbe(DomainReply.class);
    domainViews = testKit.createTestProbe(DomainView.class);
    quotaReplies = testKit.createTestProbe(QuotaCommand.QuotaReply.class);
    campaignReplies = testKit.createTestProbe(CampaignReply.class);
    sendingReplies = testKit.createTestProbe(SendingDomainReply.class);
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  static AccountSettings settings() {
    return new AccountSettings(
        "smtp.example.com",
        587,
        SecurityMode.STARTTLS,
        "user@example.com",
        new SealedSecret("0011223344556677", "bm9uY2VjaXBoZXJ0ZXh0"),
        "sales@example.com",
        "Sales Team",
        AccountPool.RESERVE,
        List.of(RateLimit.parse("10/1m"), RateLimit.parse("500/1d")),
        new WarmUp(true, 50, 50));
  }

  static SendingDomainView sendingView() {
    return new SendingDomainView(
        "t_1",
        "mail.example.com",
        List.of(
            new DnsRecord("spf", "TXT", "mail.example.com", Optional.of("v=spf1 include:_spf.o.example ~all")),
            new DnsRecord("dkim", "TXT", "outreach1._domainkey.mail.example.com", Optional.empty())),
        Instant.parse("2026-01-02T03:04:05Z"));
  }

  static Stream<Object> messages() {
    Instant at = Instant.parse("2026-01-02T03:04:05.123456Z");
    DeliveryOutcome hard = new DeliveryOutcome(OutcomeClass.RECIPIENT_HARD, 550, Optional.of("5.1.1"), "User unknown", false);
    DeliveryOutcome ok = DeliveryOutcome.success(250, "2.0.0 queued as ABC");
    PermitLog permits = new PermitLog(List.of(at, at.plusSeconds(1)), Map.of("m-1", at), LocalDate.of(2026, 1, 2), 2);
    AccountState.Registered registered =
        new AccountState.Registered(
            "t_1", "acc-1", settings(), "Europe/Berlin", LocalDate.of(2026, 1, 2), at, AccountStatus.PAUSED,
            Optional.of(at.plusSeconds(86_400)), Optional.of("3 consecutive failures"), 3, permits,
            Map.of("<m1@x>", "c1"), Map.of("<m0@x>", ok), Map.of("<m2@x>", at.plusSeconds(60)));
    AccountView view =
        new AccountView(
            "t_1", "acc-1", "smtp.example.com", 587, SecurityMode.STARTTLS, "u", "a@example.com", "A", AccountPool.PRIMARY,
            List.of(RateLimit.parse("10/1m")), WarmUp.DEFAULT, AccountStatus.ACTIVE, at, 3, 50,
            List.of(new AccountView.WindowUsage(RateLimit.parse("10/1m"), 2)), 0, Optional.empty(), Optional.empty());
    RenderedMessage message =
        new RenderedMessage(
            "<abc@example.com>", "t_1", "c1", "bob@example.org", "Bob", "Hi Bob", "Hello", Optional.of("<p>Hello</p>"),
            "https://o.example.com/u/tok", "mailto:unsubscribe@example.com?subject=tok", "1 Main St, Springfield");
    CampaignSpec spec =
        new CampaignSpec(
            "Launch", "Hi {name}", "Hello {name}", Optional.empty(), List.of("acc-1", "acc-2"), "1 Main St",
            new SendSchedule("Europe/Berlin", Set.of(DayOfWeek.MONDAY, DayOfWeek.FRIDAY), LocalTime.of(9, 0), LocalTime.of(17, 0)),
            new DelayRange(Duration.ofSeconds(60), Duration.ofSeconds(180)));
    CampaignCounts counts = new CampaignCounts(10, 5, 1, 3, 1, 1, 1, 0, 0);
    CampaignView campaignView = new CampaignView("t_1", "c1", spec, CampaignStatus.PAUSED, Optional.of("bounce rate 12%"), counts, at);
    CampaignState.Defined campaignState =
        new CampaignState.Defined(
            "t_1", "c1", spec, CampaignStatus.RUNNING, Optional.empty(), at, 10, 10, 4,
            Map.of(4L, new CampaignState.Dispatch("d@x.org", Map.of("name", "D"), "<m4@x>", "acc-1", 1, false, at)),
            Map.of(2L, new CampaignState.Due("b@x.org", Map.of(), 2, at.plusSeconds(300), true)),
            Map.of("acc-1", at.plusSeconds(90)),
            new CampaignState.Tally(1, 0, 1, 1, 0));
    return Stream.of(
        new AccountCommand.Register(settings(), "Europe/Berlin", replies.getRef()),
        new AccountCommand.Get(replies.getRef()),
        new AccountCommand.Send(message, at.plusSeconds(60), sendReplies.getRef()),
        new AccountCommand.QuerySend("<m1@x>", at.plusSeconds(60), statuses.getRef()),
        new AccountCommand.Pause(Optional.of(at), "maintenance", replies.getRef()),
        new AccountCommand.Resume(replies.getRef()),
        new AccountCommand.UpdateSettings(
            new AccountSettingsChange(
                Optional.of("smtp.example.org"), Optional.of(465), Optional.of(SecurityMode.TLS), Optional.empty(),
                Optional.of(new SealedSecret("k1", "c2VhbGVk")), Optional.empty(), Optional.of("Ann"),
                Optional.of(AccountPool.RESERVE), Optional.of(List.of(RateLimit.parse("100/1d"))),
                Optional.of(new WarmUp(false, 10, 5))),
            replies.getRef()),
        new AccountCommand.Disable("disabled by the tenant", replies.getRef()),
        new AccountCommand.Delete(replies.getRef()),
        new AccountEvent.AccountDeleted(at),
        new AccountEvent.AccountSettingsChanged(settings(), at),
        new AccountReply.Deleted("acc-1"),
        new AccountEvent.AccountRegistered("t_1", "acc-1", settings(), "UTC", LocalDate.of(2026, 1, 2), at),
        new AccountEvent.SendStarted("<m1@x>", "c1", "x.org", at),
        new AccountEvent.SendFinished("<m1@x>", hard, at),
        new AccountEvent.SendWithdrawn("<m2@x>", at.plusSeconds(60), at),
        new AccountEvent.AccountPaused(Optional.of(at), "3 consecutive failures", at),
        new AccountEvent.AccountResumed(at),
        new AccountEvent.AccountDisabled("535 5.7.8 bad credentials", at),
        new AccountEvent.HealthChecked(true, "250 OK", at),
        new AccountReply.Found(view),
        new AccountReply.NotFound("acc-1"),
        new AccountReply.AlreadyExists("acc-1"),
        new SendReply.Attempted("acc-1", "<m1@x>", hard),
        new SendReply.Throttled("acc-1", at, "10/1m"),
        new SendReply.Unavailable("acc-1", AccountStatus.PAUSED, Optional.of(at), "paused"),
        new SendStatus.NeverStarted("<m1@x>"),
        new SendStatus.InProgress("<m1@x>"),
        new SendStatus.Finished("<m1@x>", ok),
        new SendStatus.Interrupted("<m1@x>"),
        new AccountState.Unregistered(),
        registered,
        new DomainCommand.Reserve("t_1", "<m1@x>", domainReplies.getRef()),
        new DomainCommand.Release("t_1", "<m1@x>"),
        new DomainCommand.Settle("t_1", "<m1@x>"),
        new DomainCommand.Defer(at, "421 4.7.0 slow down"),
        new DomainCommand.Get(domainViews.getRef()),
        new DomainReply.Reserved("<m1@x>"),
        new DomainReply.Throttled("<m1@x>", at, "20/1d"),
        new DomainView("gmail.com", "large-providers", 12, Map.of("t_1", 12), Optional.of(at)),
        new DomainEvent.SendsReserved(List.of(new DomainEvent.Reservation("t_1", "<m1@x>", at)), at),
        new DomainEvent.SendsReserved(
            List.of(new DomainEvent.Reservation("t_1", "<m2@x>", at)), List.of(new DomainEvent.Settlement("t_1", "<m1@x>")), at),
        new DomainEvent.ReservationReleased("t_1", "<m1@x>", at, at),
        new DomainEvent.SendsSettled(List.of(new DomainEvent.Settlement("t_1", "<m1@x>")), at),
        new DomainEvent.DomainDeferred(at, "421", at),
        new DomainState(permits, Map.of("t_1", permits), Map.of("<m1@x>", at), Optional.of(at)),
        new QuotaCommand.Acquire("t_1", "<m1@x>", quotaReplies.getRef()),
        new QuotaCommand.Release("<m1@x>"),
        new QuotaCommand.Settle("<m1@x>"),
        new QuotaCommand.Granted("<m1@x>"),
        new QuotaCommand.Throttled("<m1@x>", at, "100/1m"),
        new QuotaEvent.PermitsGranted(List.of(new QuotaEvent.Grant("t_1", "<m1@x>", at)), at),
        new QuotaEvent.PermitReleased("<m1@x>", at, at),
        new QuotaEvent.PermitsSettled(List.of("<m1@x>"), at),
        new QuotaState(permits, Map.of("<m1@x>", at)),
        new CampaignCommand.Create(spec, campaignReplies.getRef()),
        new CampaignCommand.RecipientsAdded(10, 10L, campaignReplies.getRef()),
        new CampaignCommand.Start(campaignReplies.getRef()),
        new CampaignCommand.Pause(campaignReplies.getRef()),
        new CampaignCommand.Resume(campaignReplies.getRef()),
        new CampaignCommand.Cancel(campaignReplies.getRef()),
        new CampaignCommand.Delete(campaignReplies.getRef()),
        new CampaignEvent.CampaignDeleted(at),
        new CampaignCommand.UpdateSpec(spec, campaignReplies.getRef()),
        new CampaignEvent.CampaignSpecChanged(spec, at),
        new CampaignState.Deleted("t_1", "c1", at),
        new CampaignReply.Deleted("cmp-1"),
        new CampaignCommand.Get(campaignReplies.getRef()),
        new CampaignCommand.KeepAlive(),
        new CampaignReply.Found(campaignView),
        new CampaignReply.NotFound("c1"),
        new CampaignReply.AlreadyExists("c1"),
        new CampaignReply.NotAllowed(CampaignStatus.COMPLETED, "the campaign is completed"),
        new CampaignEvent.CampaignCreated("t_1", "c1", spec, at),
        new CampaignEvent.RecipientsAdded(10, 10L, at),
        new CampaignEvent.CampaignStarted(at),
        new CampaignEvent.CampaignPaused(Optional.of("bounce rate 12%"), at),
        new CampaignEvent.CampaignResumed(at),
        new CampaignEvent.CampaignCancelled(at),
        new CampaignEvent.CampaignCompleted(at),
        new CampaignEvent.RecipientSuppressed(3L, "c@x.org", at),
        new CampaignEvent.RecipientDispatched(4L, "d@x.org", Map.of("name", "D"), "<m4@x>", "acc-1", 1, false, at, at),
        new CampaignEvent.DispatchReturned(4L, at, "10/1m", true, at),
        new CampaignEvent.RecipientPostponed(5L, "e@x.org", Map.of("name", "E"), at, "x.org rests", at),
        new CampaignEvent.RecipientSent(4L, "acc-1", ok, at),
        new CampaignEvent.RecipientRetryScheduled(4L, 2, at, hard, at),
        new CampaignEvent.RecipientFailed(4L, "d@x.org", hard, at),
        new CampaignEvent.RecipientBounced(4L, "d@x.org", hard, at),
        new CampaignEvent.Batch(
            List.of(
                new CampaignEvent.RecipientSent(4L, "acc-1", ok, at),
                new CampaignEvent.RecipientDispatched(6L, "f@x.org", Map.of("name", "F"), "<m6@x>", "acc-1", 1, false, at, at),
                new CampaignEvent.RecipientSuppressed(7L, "g@x.org", at),
                new CampaignEvent.RecipientPostponed(8L, "h@x.org", Map.of(), at, "x.org rests", at),
                new CampaignEvent.DispatchReturned(9L, at, "10/1m", false, at),
                new CampaignEvent.RecipientRetryScheduled(10L, 2, at, hard, at),
                new CampaignEvent.RecipientFailed(11L, "k@x.org", hard, at),
                new CampaignEvent.RecipientBounced(12L, "l@x.org", hard, at),
                new CampaignEvent.CampaignPaused(Optional.of("bounce guard"), at),
                new CampaignEvent.CampaignCompleted(at)),
            at),
        new SendingDomainCommand.Register(sendingReplies.getRef()),
        new SendingDomainCommand.Get(sendingReplies.getRef()),
        new SendingDomainCommand.Delete(sendingReplies.getRef()),
        new SendingDomainReply.Found(sendingView()),
        new SendingDomainReply.NotFound("mail.example.com"),
        new SendingDomainReply.AlreadyExists("mail.example.com"),
        new SendingDomainEvent.SendingDomainRegistered("t_1", "mail.example.com", sendingView().records(), at),
        new SendingDomainEvent.SendingDomainDeleted(at),
        new SendingDomainState.Absent(),
        new SendingDomainState.Registered(sendingView()),
        new CampaignState.Empty(),
        campaignState);
  }

  @ParameterizedTest
  @MethodSource("messages")
  void roundTrips(Object message) {
    Serialization serialization = SerializationExtension.get(Adapter.toClassic(testKit.system()));
    var serializer = serialization.findSerializerFor(message);
    assertThat(serializer.getClass().getSimpleName()).isEqualTo("JacksonCborSerializer");
    byte[] bytes = serialization.serialize(message).get();
    String manifest = Serializers.manifestFor(serializer, message);
    Object back = serialization.deserialize(bytes, serializer.identifier(), manifest).get();
    assertThat(back).isEqualTo(message);
  }

  @Test
  void timesAreWrittenAsNumbersAndTimesWrittenAsTextStillRead() throws Exception {
    Instant at = Instant.parse("2026-03-01T09:15:30.123456789Z");
    CampaignEvent.RecipientDispatched event =
        new CampaignEvent.RecipientDispatched(7, "ann@example.com", Map.of("first", "Ann"), "<m@x>", "t1|a1", 1, false, at.plusMillis(250), at);
    Serialization serialization = SerializationExtension.get(Adapter.toClassic(testKit.system()));
    var serializer = serialization.findSerializerFor(event);
    String manifest = Serializers.manifestFor(serializer, event);
    ObjectMapper cbor = new ObjectMapper(new CBORFactory());

    byte[] now = serialization.serialize(event).get();
    assertThat(cbor.readTree(now).get("at").isNumber()).isTrue();

    // Events and snapshots journalled before wrote ISO-8601 text; a node not yet upgraded still does.
    ActorTestKit textual =
        ActorTestKit.create(
            "textual",
            com.typesafe.config.ConfigFactory.parseString(
                    "akka.serialization.jackson.jackson-cbor.serialization-features {"
                        + " WRITE_DATES_AS_TIMESTAMPS = off, WRITE_DURATIONS_AS_TIMESTAMPS = off }")
                .withFallback(testKit.system().settings().config()));
    try {
      Serialization old = SerializationExtension.get(Adapter.toClassic(textual.system()));
      byte[] before = old.serialize(event).get();
      assertThat(cbor.readTree(before).get("at").isTextual()).isTrue();

      assertThat(serialization.deserialize(before, serializer.identifier(), manifest).get()).isEqualTo(event);
      assertThat(old.deserialize(now, serializer.identifier(), manifest).get()).isEqualTo(event);
    } finally {
      textual.shutdownTestKit();
    }
  }

  @Test
  void anAccountSnapshotFromBeforeWithdrawalsReadsWithNone() throws Exception {
    AccountState.Registered registered = (AccountState.Registered) messages().filter(AccountState.Registered.class::isInstance).findFirst().get();
    Object back = readWithout(registered, "withdrawn");

    assertThat(((AccountState.Registered) back).withdrawn()).isEmpty();
    assertThat(((AccountState.Registered) back).outcomes()).isEqualTo(registered.outcomes());
  }

  @Test
  void reservationsWrittenBeforeSettlementsCameWithThemReadWithNone() throws Exception {
    Instant at = Instant.parse("2026-03-02T08:00:00Z");
    DomainEvent.SendsReserved merged =
        new DomainEvent.SendsReserved(
            List.of(new DomainEvent.Reservation("t_1", "<m2@x>", at)), List.of(new DomainEvent.Settlement("t_1", "<m1@x>")), at);
    Object back = readWithout(merged, "settled");

    assertThat(back).isEqualTo(new DomainEvent.SendsReserved(merged.reservations(), at));
    assertThat(((DomainEvent.SendsReserved) back).settled()).isEmpty();
  }

  /** The message as a node that wrote it before {@code field} existed would have: serialized without it, read back. */
  private static Object readWithout(Object message, String field) throws Exception {
    Serialization serialization = SerializationExtension.get(Adapter.toClassic(testKit.system()));
    var serializer = serialization.findSerializerFor(message);
    ObjectMapper cbor = new ObjectMapper(new CBORFactory());
    ObjectNode tree = (ObjectNode) cbor.readTree(serialization.serialize(message).get());
    assertThat(tree.remove(field)).as(field + " was written").isNotNull();
    byte[] old = cbor.writeValueAsBytes(tree);
    return serialization.deserialize(old, serializer.identifier(), Serializers.manifestFor(serializer, message)).get();
  }
}
