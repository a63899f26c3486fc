package outreach.actors.campaign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import akka.persistence.testkit.PersistenceTestKitPlugin;
import akka.persistence.testkit.PersistenceTestKitSnapshotPlugin;
import com.typesafe.config.ConfigFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import outreach.actors.account.AccountPolicy;
import outreach.actors.account.SmtpAccount;
import outreach.actors.domain.DomainPolicy;
import outreach.actors.domain.RecipientDomain;
import outreach.actors.quota.Quota;
import outreach.actors.quota.QuotaPolicy;
import outreach.actors.smtp.ScriptedSmtpGateway;
import akka.persistence.testkit.javadsl.PersistenceTestKit;
import outreach.mail.message.MessageIds;
import outreach.mail.message.UnsubscribeToken;
import outreach.protocol.campaign.CampaignEvent;
import outreach.mail.secret.SecretCipher;
import outreach.protocol.EntityIds;
import outreach.protocol.RateLimit;
import outreach.protocol.account.AccountCommand;
import outreach.protocol.account.AccountPool;
import outreach.protocol.account.AccountReply;
import outreach.protocol.account.AccountSettings;
import outreach.protocol.account.SealedSecret;
import outreach.protocol.account.SendReply;
import outreach.protocol.account.SecurityMode;
import outreach.protocol.account.SmtpAccountKeys;
import outreach.protocol.account.WarmUp;
import outreach.protocol.campaign.CampaignCommand;
import outreach.protocol.campaign.CampaignKeys;
import outreach.protocol.campaign.CampaignReply;
import outreach.protocol.campaign.CampaignSpec;
import outreach.protocol.campaign.CampaignState;
import java.time.Instant;
import outreach.protocol.campaign.CampaignStatus;
import outreach.protocol.campaign.CampaignView;
import outreach.protocol.campaign.DelayRange;
import outreach.protocol.campaign.Recipient;
import outreach.protocol.campaign.SendSchedule;
import outreach.protocol.delivery.OutcomeClass;
import outreach.protocol.delivery.RenderedMessage;

/**
 * Campaigns, accounts, recipient domains and the quota together on a one-node cluster with the
 * in-memory journal; the SMTP servers are scripted. Retry delays are shortened to milliseconds.
 */
class CampaignFlowTest {

  private static final String TENANT = "t_flow";
  private static ActorTestKit testKit;
  private static SecretCipher cipher;
  private static CampaignSettings settings;
  private static final Map<String, ScriptedSmtpGateway> servers = new ConcurrentHashMap<>();
  private static final Map<String, List<Recipient>> tables = new ConcurrentHashMap<>();

  @BeforeAll
  static void start() {
    testKit =
        ActorTestKit.create(
            "CampaignFlowTest",
            PersistenceTestKitPlugin.getInstance().config()
                .withFallback(PersistenceTestKitSnapshotPlugin.config())
                .withFallback(
                    ConfigFactory.parseString(
                        """
                        akka.actor.provider = cluster
                        akka.remote.artery.canonical.port = 0
                        akka.remote.artery.canonical.hostname = 127.0.0.1
                        akka.actor.serialization-bindings { "outreach.protocol.CborSerializable" = jackson-cbor }
                        akka.cluster.jmx.multi-mbeans-in-same-jvm = on
                        outreach.deep-stack-dispatcher {
                          type = Dispatcher
                          executor = "outreach.actors.dispatch.DeepStackExecutor"
                          pool-size-min = 2
                          pool-size-factor = 1.0
                          stack-size = 64m
                        }
                        """)));
    Cluster cluster = Cluster.get(testKit.system());
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    cipher = SecretCipher.fromBase64(SecretCipher.generateKey(), List.of());
    Clock clock = Clock.systemUTC();
    // Each account gets its own scripted server, found by the account's host name.
    SmtpAccount.init(
        testKit.system(), clock, new AccountPolicy(3, Duration.ofHours(24), Duration.ofMinutes(30), 1000, Duration.ofMinutes(15)), cipher,
        (settings, password) -> servers.computeIfAbsent(settings.host(), h -> new ScriptedSmtpGateway()).open(settings, password));
    RecipientDomain.init(
        testKit.system(), clock,
        new DomainPolicy(new DomainPolicy.Caps("standard", List.of(RateLimit.parse("1000/1d")), List.of(RateLimit.parse("1000/1d")), Duration.ofMinutes(15)), Map.of(), Duration.ofMinutes(30), Duration.ofSeconds(1)));
    QuotaPolicy quotas =
        new QuotaPolicy(Optional.of(List.of(RateLimit.parse("1000/1m"))), Optional.empty(), Map.of("t_capped", List.of(RateLimit.parse("2/1h"))));
    Quota.init(testKit.system(), clock, quotas, Duration.ofMinutes(15));
    settings =
        new CampaignSettings(
            List.of(Duration.ofMillis(50), Duration.ofMillis(50), Duration.ofMillis(50)), 0.10, 20, Duration.ofMillis(200), 7,
            Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofMillis(500), Duration.ofMillis(200),
            Duration.ofMillis(200), quotas, true);
    ClusterSharding.get(testKit.system())
        .init(
            akka.cluster.sharding.typed.javadsl.Entity.of(
                CampaignKeys.ENTITY_KEY,
                ctx ->
                    Campaign.create(
                        // A campaign whose id ends in "-unbatched" runs as during a rolling upgrade: journal-batches off.
                        ctx.getEntityId(), clock, ctx.getEntityId().endsWith(UNBATCHED) ? unbatched(settings) : settings,
                        (tenant, campaign, after, limit) ->
                            CompletableFuture.completedFuture(
                                tables.getOrDefault(campaign, List.of()).stream().filter(r -> r.seq() > after).limit(limit).toList()),
                        new TemplateRenderer(new UnsubscribeToken(cipher.deriveKey("links")), "https://o.example", "unsubscribe@o.example", "o.example"),
                        RandomGenerator.getDefault())));
  }

  private static final String UNBATCHED = "-unbatched";

  private static CampaignSettings unbatched(CampaignSettings s) {
    return new CampaignSettings(
        s.retryDelays(), s.bounceRateLimit(), s.bounceGuardMinimumSends(), s.domainDeferral(), s.fetchSize(), s.permitTimeout(),
        s.sendTimeout(), s.sendStartWithin(), s.sendCheckAfter(), s.recheckInterval(), s.permitRetry(), s.quotas(), false);
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static void account(String id, List<RateLimit> limits) {
    account(TENANT, id, limits);
  }

  private static void account(String tenant, String id, List<RateLimit> limits) {
    SecretCipher.Sealed sealed = cipher.seal("pw-" + id, EntityIds.of(tenant, id));
    AccountSettings settings =
        new AccountSettings(id + ".smtp.test", 587, SecurityMode.STARTTLS, "u", new SealedSecret(sealed.keyId(), sealed.sealed()),
            id + "@sender.example", "Sales", AccountPool.PRIMARY, limits, new WarmUp(false, 50, 50));
    AccountReply reply =
        ClusterSharding.get(testKit.system())
            .entityRefFor(SmtpAccountKeys.ENTITY_KEY, EntityIds.of(tenant, id))
            .<AccountReply>ask(r -> new AccountCommand.Register(settings, "UTC", r), Duration.ofSeconds(10))
            .toCompletableFuture().join();
    assertThat(reply).isInstanceOf(AccountReply.Found.class);
  }

  private static CampaignReply ask(String campaign, akka.japi.function.Function<akka.actor.typed.ActorRef<CampaignReply>, CampaignCommand> cmd) {
    return ask(TENANT, campaign, cmd);
  }

  private static CampaignReply ask(
      String tenant, String campaign, akka.japi.function.Function<akka.actor.typed.ActorRef<CampaignReply>, CampaignCommand> cmd) {
    return ClusterSharding.get(testKit.system())
        .entityRefFor(CampaignKeys.ENTITY_KEY, EntityIds.of(tenant, campaign))
        .ask(cmd, Duration.ofSeconds(10))
        .toCompletableFuture().join();
  }

  private static CampaignView view(String campaign) {
    return ((CampaignReply.Found) ask(campaign, CampaignCommand.Get::new)).campaign();
  }

  private static void startCampaign(String campaign, List<String> accounts, List<Recipient> recipients) {
    tables.put(campaign, recipients);
    CampaignSpec spec =
        new CampaignSpec("Test", "Hi {name}", "Hello {name} at {company}", Optional.empty(), accounts, "1 Main St, Springfield",
            SendSchedule.ALWAYS, DelayRange.NONE);
    assertThat(ask(campaign, r -> new CampaignCommand.Create(spec, r))).isInstanceOf(CampaignReply.Found.class);
    assertThat(ask(campaign, r -> new CampaignCommand.RecipientsAdded(recipients.size(), recipients.size(), r))).isInstanceOf(CampaignReply.Found.class);
    assertThat(ask(campaign, CampaignCommand.Start::new)).isInstanceOf(CampaignReply.Found.class);
  }

  private static List<Recipient> recipients(String prefix, int n) {
    List<Recipient> list = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      list.add(new Recipient(i, prefix + i + "@dest" + (i % 3) + ".example", Map.of("name", "R" + i, "company", "Co" + i), false));
    }
    return list;
  }

  private static List<RenderedMessage> sentBy(String... accounts) {
    List<RenderedMessage> all = new ArrayList<>();
    for (String a : accounts) all.addAll(servers.getOrDefault(a + ".smtp.test", new ScriptedSmtpGateway()).sent());
    return all;
  }

  @Test
  void sendsEveryRecipientOnceOverTheAccountsAndCompletes() {
    account("a1", AccountSettings.DEFAULT_LIMITS);
    account("a2", AccountSettings.DEFAULT_LIMITS);
    account("a3", AccountSettings.DEFAULT_LIMITS);
    startCampaign("c-basic", List.of("a1", "a2", "a3"), recipients("basic", 30));
    await().atMost(Duration.ofSeconds(30)).until(() -> view("c-basic").status() == CampaignStatus.COMPLETED);

    CampaignView v = view("c-basic");
    assertThat(v.counts().sent()).isEqualTo(30);
    assertThat(v.counts().pending()).isZero();
    List<RenderedMessage> sent = sentBy("a1", "a2", "a3");
    assertThat(sent).extracting(RenderedMessage::recipient).doesNotHaveDuplicates().hasSize(30);
    assertThat(sent).extracting(RenderedMessage::messageId).doesNotHaveDuplicates();
    // Round-robin spreads the work over all three accounts.
    for (String a : List.of("a1", "a2", "a3")) assertThat(sentBy(a)).isNotEmpty();
    RenderedMessage first = sent.stream().filter(m -> m.recipient().startsWith("basic1@")).findFirst().orElseThrow();
    assertThat(first.subject()).isEqualTo("Hi R1");
    assertThat(first.text()).isEqualTo("Hello R1 at Co1");
    assertThat(first.unsubscribeUrl()).startsWith("https://o.example/u/");

    // A round's dispatches, and the outcomes heard while a write was under way, are one journal entry each.
    List<Object> journal = PersistenceTestKit.create(testKit.system()).persistedInStorage("Campaign|" + EntityIds.of(TENANT, "c-basic"));
    List<CampaignEvent> events = journal.stream().flatMap(e -> CampaignEvent.each((CampaignEvent) e).stream()).toList();
    assertThat(events).filteredOn(CampaignEvent.RecipientDispatched.class::isInstance).hasSize(30);
    assertThat(events).filteredOn(CampaignEvent.RecipientSent.class::isInstance).hasSize(30);
    assertThat(journal).hasAtLeastOneElementOfType(CampaignEvent.Batch.class).hasSizeLessThan(events.size());
    // The audit's fold of the entries ends where the campaign is.
    CampaignState folded = new CampaignState.Empty();
    for (Object entry : journal) folded = Campaign.apply(folded, (CampaignEvent) entry);
    assertThat(((CampaignState.Defined) folded).tally().sent()).isEqualTo(30);
    assertThat(((CampaignState.Defined) folded).status()).isEqualTo(CampaignStatus.COMPLETED);
  }

  @Test
  void withJournalBatchesOffEveryEventIsAnEntryOfItsOwn() {
    account("u1", AccountSettings.DEFAULT_LIMITS);
    account("u2", AccountSettings.DEFAULT_LIMITS);
    account("u3", AccountSettings.DEFAULT_LIMITS);
    String campaign = "c" + UNBATCHED;
    startCampaign(campaign, List.of("u1", "u2", "u3"), recipients("unbatched", 12));
    await().atMost(Duration.ofSeconds(30)).until(() -> view(campaign).status() == CampaignStatus.COMPLETED);

    assertThat(view(campaign).counts().sent()).isEqualTo(12);
    assertThat(sentBy("u1", "u2", "u3")).extracting(RenderedMessage::recipient).doesNotHaveDuplicates().hasSize(12);
    List<Object> journal = PersistenceTestKit.create(testKit.system()).persistedInStorage("Campaign|" + EntityIds.of(TENANT, campaign));
    assertThat(journal).noneMatch(CampaignEvent.Batch.class::isInstance);
    assertThat(journal).filteredOn(CampaignEvent.RecipientDispatched.class::isInstance).hasSize(12);
    assertThat(journal).filteredOn(CampaignEvent.RecipientSent.class::isInstance).hasSize(12);
  }

  @Test
  void hardBouncesAreNotRetriedTemporaryFailuresAreAndSuppressedAreSkipped() {
    account("b1", AccountSettings.DEFAULT_LIMITS);
    ScriptedSmtpGateway server = servers.computeIfAbsent("b1.smtp.test", h -> new ScriptedSmtpGateway());
    server.then(
        ScriptedSmtpGateway.reply(OutcomeClass.RECIPIENT_HARD, 550, "5.1.1", "User unknown"),
        ScriptedSmtpGateway.reply(OutcomeClass.RECIPIENT_SOFT, 452, "4.2.2", "Mailbox full"));
    List<Recipient> list = new ArrayList<>(recipients("mixed", 4));
    list.set(3, new Recipient(4, "mixed4@dest1.example", Map.of(), true));
    startCampaign("c-mixed", List.of("b1"), list);
    await().atMost(Duration.ofSeconds(30)).until(() -> view("c-mixed").status() == CampaignStatus.COMPLETED);

    CampaignView v = view("c-mixed");
    assertThat(v.counts().bounced()).isEqualTo(1);
    assertThat(v.counts().suppressed()).isEqualTo(1);
    assertThat(v.counts().sent()).isEqualTo(2);
    List<String> tried = server.sent().stream().map(RenderedMessage::recipient).toList();
    // mixed1 bounced once and was never tried again; mixed2 failed softly and was retried; mixed4 never sent.
    assertThat(tried).filteredOn(r -> r.startsWith("mixed1@")).hasSize(1);
    assertThat(tried).filteredOn(r -> r.startsWith("mixed2@")).hasSize(2);
    assertThat(tried).noneMatch(r -> r.startsWith("mixed4@"));
    // The retry kept its Message-ID.
    assertThat(server.sent().stream().filter(m -> m.recipient().startsWith("mixed2@")).map(RenderedMessage::messageId).distinct()).hasSize(1);
  }

  @Test
  void temporaryFailuresAreRetriedThenFailed() {
    account("f1", AccountSettings.DEFAULT_LIMITS);
    ScriptedSmtpGateway server = servers.computeIfAbsent("f1.smtp.test", h -> new ScriptedSmtpGateway());
    var deferred = ScriptedSmtpGateway.reply(OutcomeClass.TRANSIENT, 451, "4.3.0", "try later");
    server.then(deferred, deferred, deferred, deferred);
    startCampaign("c-fail", List.of("f1"), recipients("fail", 1));
    await().atMost(Duration.ofSeconds(30)).until(() -> view("c-fail").status() == CampaignStatus.COMPLETED);
    assertThat(view("c-fail").counts().failed()).isEqualTo(1);
    assertThat(server.sent()).hasSize(4);
  }

  @Test
  void theBounceGuardPausesTheCampaignWithItsReason() {
    account("g1", List.of(RateLimit.parse("1000/1m")));
    ScriptedSmtpGateway server = servers.computeIfAbsent("g1.smtp.test", h -> new ScriptedSmtpGateway());
    var bounce = ScriptedSmtpGateway.reply(OutcomeClass.RECIPIENT_HARD, 550, "5.1.1", "User unknown");
    for (int i = 0; i < 40; i++) server.then(bounce);
    startCampaign("c-guard", List.of("g1"), recipients("guard", 40));
    await().atMost(Duration.ofSeconds(30)).until(() -> view("c-guard").status() == CampaignStatus.PAUSED);
    CampaignView v = view("c-guard");
    assertThat(v.pausedReason().orElseThrow()).contains("bounce guard").contains("20 of 20");
    assertThat(v.counts().bounced()).isLessThan(40);
    // Resuming is the tenant's decision; a paused campaign does not send.
    int sentWhenPaused = server.sent().size();
    assertThat(ask("c-guard", CampaignCommand.Pause::new)).isInstanceOf(CampaignReply.NotAllowed.class);
    assertThat(server.sent().size()).isEqualTo(sentWhenPaused);
  }

  @Test
  void aThrottledAccountHandsItsWorkToTheNext() {
    account("t1", List.of(RateLimit.parse("1/1h")));
    account("t2", List.of(RateLimit.parse("100/1m")));
    startCampaign("c-throttle", List.of("t1", "t2"), recipients("thr", 6));
    await().atMost(Duration.ofSeconds(30)).until(() -> view("c-throttle").status() == CampaignStatus.COMPLETED);
    assertThat(sentBy("t1")).hasSize(1);
    assertThat(sentBy("t2")).hasSize(5);
  }

  @Test
  void afterACrashItAsksTheAccountsAndLosesNoRecipient() {
    account("r1", AccountSettings.DEFAULT_LIMITS);
    String campaign = "c-recover";
    List<Recipient> list = recipients("rec", 3);
    tables.put(campaign, list);
    String delivered = MessageIds.of(TENANT, campaign, list.get(0).email(), "o.example");
    String lost = MessageIds.of(TENANT, campaign, list.get(1).email(), "o.example");
    // Before the crash the account had delivered the first message; the second never reached it.
    RenderedMessage first =
        new TemplateRenderer(new UnsubscribeToken(cipher.deriveKey("links")), "https://o.example", "unsubscribe@o.example", "o.example")
            .render(TENANT, campaign, spec(List.of("r1")), list.get(0).email(), list.get(0).variables());
    ClusterSharding.get(testKit.system())
        .entityRefFor(SmtpAccountKeys.ENTITY_KEY, EntityIds.of(TENANT, "r1"))
        .<outreach.protocol.account.SendReply>ask(r -> new AccountCommand.Send(first, java.time.Instant.now().plusSeconds(60), r), Duration.ofSeconds(10))
        .toCompletableFuture().join();
    java.time.Instant t = java.time.Instant.now();
    PersistenceTestKit.create(testKit.system())
        .persistForRecovery(
            "Campaign|" + EntityIds.of(TENANT, campaign),
            List.of(
                new CampaignEvent.CampaignCreated(TENANT, campaign, spec(List.of("r1")), t),
                new CampaignEvent.RecipientsAdded(3, 3, t),
                new CampaignEvent.CampaignStarted(t),
                new CampaignEvent.Batch(
                    List.of(
                        new CampaignEvent.RecipientDispatched(1, list.get(0).email(), list.get(0).variables(), delivered, "r1", 1, false, t, t),
                        new CampaignEvent.RecipientDispatched(2, list.get(1).email(), list.get(1).variables(), lost, "r1", 1, false, t, t)),
                    t)));

    ClusterSharding.get(testKit.system())
        .entityRefFor(CampaignKeys.ENTITY_KEY, EntityIds.of(TENANT, campaign))
        .tell(new CampaignCommand.KeepAlive());
    await().atMost(Duration.ofSeconds(30)).until(() -> view(campaign).status() == CampaignStatus.COMPLETED);

    assertThat(view(campaign).counts().sent()).isEqualTo(3);
    assertThat(view(campaign).counts().duplicates()).isZero();
    // Each recipient reached the server exactly once: the first was not sent again.
    assertThat(sentBy("r1")).extracting(RenderedMessage::recipient).containsExactlyInAnyOrder(
        list.get(0).email(), list.get(1).email(), list.get(2).email());
  }

  @Test
  void aSendTheAccountNeverReceivedIsHandedBackAndCannotStartLate() {
    account("h1", AccountSettings.DEFAULT_LIMITS);
    String campaign = "c-held";
    Recipient to = recipients("held", 1).get(0);
    RenderedMessage message =
        new TemplateRenderer(new UnsubscribeToken(cipher.deriveKey("links")), "https://o.example", "unsubscribe@o.example", "o.example")
            .render(TENANT, campaign, spec(List.of("h1")), to.email(), to.variables());
    var real = ClusterSharding.get(testKit.system()).entityRefFor(SmtpAccountKeys.ENTITY_KEY, EntityIds.of(TENANT, "h1"));
    // Between the campaign and the account, the way a shard hand-off does: the send is held up, queries pass.
    TestProbe<AccountCommand.Send> held = testKit.createTestProbe();
    ActorRef<AccountCommand> holdingSends =
        testKit.spawn(
            Behaviors.receiveMessage(
                cmd -> {
                  if (cmd instanceof AccountCommand.Send send) held.getRef().tell(send);
                  else real.tell(cmd);
                  return Behaviors.same();
                }));
    Clock clock = Clock.systemUTC();

    SendAttempt.Result first =
        new SendAttempt(testKit.system(), id -> holdingSends, settings, clock)
            .run("h1", message, message.messageId() + " 1").toCompletableFuture().join();

    // Handed back on the query after send-check-after, not as unanswered after send-timeout.
    assertThat(first).isInstanceOf(SendAttempt.Returned.class);
    assertThat(((SendAttempt.Returned) first).reason()).isEqualTo("account h1 never received the send");
    assertThat(((SendAttempt.Returned) first).blocker()).isEqualTo(SendAttempt.Blocker.ACCOUNT);
    // The held send arrives after all: the account refuses it, nothing reaches the server.
    AccountCommand.Send late = held.receiveMessage();
    TestProbe<SendReply> lateReply = testKit.createTestProbe();
    real.tell(new AccountCommand.Send(late.message(), late.startBy(), lateReply.getRef()));
    assertThat(lateReply.receiveMessage()).isInstanceOf(SendReply.Throttled.class);
    assertThat(sentBy("h1")).isEmpty();

    // The next try goes through (its permits were given back, the account sends it once).
    SendAttempt.Result second =
        new SendAttempt(testKit.system(), settings, clock).run("h1", message, message.messageId() + " 2").toCompletableFuture().join();
    assertThat(second).isInstanceOf(SendAttempt.Attempted.class);
    assertThat(sentBy("h1")).extracting(RenderedMessage::messageId).containsExactly(message.messageId());
  }

  private static CampaignSpec spec(List<String> accounts) {
    return new CampaignSpec("Test", "Hi {name}", "Hello {name} at {company}", Optional.empty(), accounts, "1 Main St, Springfield",
        SendSchedule.ALWAYS, DelayRange.NONE);
  }

  @Test
  void aTenantsOwnQuotaHoldsItsCampaignsBack() {
    account("t_capped", "q1", AccountSettings.DEFAULT_LIMITS);
    tables.put("c-capped", recipients("capped", 4));
    assertThat(ask("t_capped", "c-capped", r -> new CampaignCommand.Create(spec(List.of("q1")), r))).isInstanceOf(CampaignReply.Found.class);
    ask("t_capped", "c-capped", r -> new CampaignCommand.RecipientsAdded(4, 4, r));
    ask("t_capped", "c-capped", CampaignCommand.Start::new);
    await().atMost(Duration.ofSeconds(20)).until(() -> sentBy("q1").size() == 2);
    // The third waits for the quota's hour; the fourth is not even taken from the table meanwhile.
    await().atMost(Duration.ofSeconds(20)).until(() -> {
      CampaignView v = ((CampaignReply.Found) ask("t_capped", "c-capped", CampaignCommand.Get::new)).campaign();
      return v.counts().deferred() == 1 && v.counts().inFlight() == 0;
    });
    CampaignView v = ((CampaignReply.Found) ask("t_capped", "c-capped", CampaignCommand.Get::new)).campaign();
    assertThat(v.status()).isEqualTo(CampaignStatus.RUNNING);
    assertThat(v.counts().sent()).isEqualTo(2);
    assertThat(v.counts().pending()).isEqualTo(2);
    assertThat(sentBy("q1")).hasSize(2);
  }

  @Test
  void aCampaignWhoseAccountsAreAllDisabledPausesAndResumesOnceOneIsFixed() {
    account("d1", AccountSettings.DEFAULT_LIMITS);
    servers.computeIfAbsent("d1.smtp.test", h -> new ScriptedSmtpGateway())
        .then(ScriptedSmtpGateway.reply(OutcomeClass.AUTHENTICATION, 535, "5.7.8", "Username and Password not accepted"));
    startCampaign("c-disabled", List.of("d1"), recipients("dis", 2));
    await().atMost(Duration.ofSeconds(20)).until(() -> view("c-disabled").status() == CampaignStatus.PAUSED);
    assertThat(view("c-disabled").pausedReason().orElseThrow()).contains("no usable account");
    assertThat(view("c-disabled").counts().failed()).isZero();

    ClusterSharding.get(testKit.system())
        .entityRefFor(SmtpAccountKeys.ENTITY_KEY, EntityIds.of(TENANT, "d1"))
        .<AccountReply>ask(AccountCommand.Resume::new, Duration.ofSeconds(10))
        .toCompletableFuture().join();
    assertThat(ask("c-disabled", CampaignCommand.Resume::new)).isInstanceOf(CampaignReply.Found.class);
    await().atMost(Duration.ofSeconds(20)).until(() -> view("c-disabled").status() == CampaignStatus.COMPLETED);
    assertThat(view("c-disabled").counts().sent()).isEqualTo(2);
  }

  @Test
  void transitionsThatDoNotApplyAreRefused() {
    CampaignSpec spec =
        new CampaignSpec("T", "s", "t", Optional.empty(), List.of("x"), "addr", SendSchedule.ALWAYS, DelayRange.NONE);
    ask("c-states", r -> new CampaignCommand.Create(spec, r));
    assertThat(ask("c-states", CampaignCommand.Start::new)).isInstanceOf(CampaignReply.NotAllowed.class);
    assertThat(ask("c-states", CampaignCommand.Resume::new)).isInstanceOf(CampaignReply.NotAllowed.class);
    assertThat(ask("c-states", CampaignCommand.Cancel::new)).isInstanceOf(CampaignReply.Found.class);
    assertThat(ask("c-states", CampaignCommand.Cancel::new)).isInstanceOf(CampaignReply.NotAllowed.class);
    assertThat(ask("c-states", r -> new CampaignCommand.RecipientsAdded(1, 1, r))).isInstanceOf(CampaignReply.NotAllowed.class);
    assertThat(ask("c-nothing", CampaignCommand.Get::new)).isInstanceOf(CampaignReply.NotFound.class);
    assertThat(Set.of(CampaignStatus.values())).contains(view("c-states").status());
  }

  @Test
  void aDraftCanBeChangedAndDeletedOnlyWhileItIsADraft() {
    ask("c-edit", r -> new CampaignCommand.Create(spec(List.of("x")), r));
    CampaignSpec changed =
        new CampaignSpec("Renamed", "New subject", "New text", Optional.empty(), List.of("x", "y"), "2 Main St",
            SendSchedule.ALWAYS, DelayRange.NONE);
    CampaignReply updated = ask("c-edit", r -> new CampaignCommand.UpdateSpec(changed, r));
    assertThat(((CampaignReply.Found) updated).campaign().spec()).isEqualTo(changed);
    assertThat(view("c-edit").spec()).isEqualTo(changed);
    assertThat(ask("c-edit", CampaignCommand.Delete::new)).isEqualTo(new CampaignReply.Deleted("c-edit"));
    assertThat(ask("c-edit", CampaignCommand.Get::new)).isEqualTo(new CampaignReply.NotFound("c-edit"));
    assertThat(ask("c-edit", r -> new CampaignCommand.UpdateSpec(changed, r))).isEqualTo(new CampaignReply.NotFound("c-edit"));
    assertThat(ask("c-edit", CampaignCommand.Delete::new)).isEqualTo(new CampaignReply.NotFound("c-edit"));
    assertThat(ask("c-edit", CampaignCommand.Start::new)).isEqualTo(new CampaignReply.NotFound("c-edit"));
    // The id stays taken: the journal is kept for audit.
    assertThat(ask("c-edit", r -> new CampaignCommand.Create(changed, r))).isEqualTo(new CampaignReply.AlreadyExists("c-edit"));

    ask("c-edit-cancelled", r -> new CampaignCommand.Create(spec(List.of("x")), r));
    ask("c-edit-cancelled", CampaignCommand.Cancel::new);
    assertThat(ask("c-edit-cancelled", r -> new CampaignCommand.UpdateSpec(changed, r))).isInstanceOf(CampaignReply.NotAllowed.class);
    assertThat(ask("c-edit-cancelled", CampaignCommand.Delete::new)).isInstanceOf(CampaignReply.NotAllowed.class);
    assertThat(view("c-edit-cancelled").spec()).isEqualTo(spec(List.of("x")));
  }

  @Test
  void theAuditFoldAppliesSpecChangesAndDeletion() {
    Instant at = Instant.parse("2026-03-02T08:00:00Z");
    CampaignSpec changed =
        new CampaignSpec("Renamed", "s", "t", Optional.empty(), List.of("y"), "addr", SendSchedule.ALWAYS, DelayRange.NONE);
    CampaignState state = Campaign.apply(new CampaignState.Empty(), new CampaignEvent.CampaignCreated(TENANT, "c-fold", spec(List.of("x")), at));
    state = Campaign.apply(state, new CampaignEvent.CampaignSpecChanged(changed, at.plusSeconds(1)));
    assertThat(((CampaignState.Defined) state).spec()).isEqualTo(changed);
    assertThat(((CampaignState.Defined) state).status()).isEqualTo(CampaignStatus.DRAFT);
    state = Campaign.apply(state, new CampaignEvent.CampaignDeleted(at.plusSeconds(2)));
    assertThat(state).isEqualTo(new CampaignState.Deleted(TENANT, "c-fold", at.plusSeconds(2)));
  }
}
