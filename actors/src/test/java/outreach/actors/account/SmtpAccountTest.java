package outreach.actors.account;

import static org.assertj.core.api.Assertions.assertThat;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import outreach.actors.ManualClock;
import outreach.actors.smtp.ScriptedSmtpGateway;
import outreach.mail.secret.SecretCipher;
import outreach.protocol.RateLimit;
import outreach.protocol.account.AccountCommand;
import outreach.protocol.account.AccountEvent;
import outreach.protocol.account.AccountPool;
import outreach.protocol.account.AccountReply;
import outreach.protocol.account.AccountSettings;
import outreach.protocol.account.AccountState;
import outreach.protocol.account.AccountStatus;
import outreach.protocol.account.SealedSecret;
import outreach.protocol.account.SecurityMode;
import outreach.protocol.account.SendReply;
import outreach.protocol.account.SendStatus;
import outreach.protocol.account.WarmUp;
import outreach.protocol.delivery.OutcomeClass;
import outreach.protocol.delivery.RenderedMessage;

class SmtpAccountTest {

  private static final Instant START = Instant.parse("2026-03-02T08:00:00Z");
  private static final String ENTITY = "t_1|acc-1";
  private static final AccountPolicy POLICY = new AccountPolicy(3, Duration.ofHours(24), Duration.ofMinutes(30), 100, Duration.ofMinutes(15));

  private static ActorTestKit testKit;
  private static SecretCipher cipher;
  private ManualClock clock;
  private ScriptedSmtpGateway smtp;
  private EventSourcedBehaviorTestKit<AccountCommand, AccountEvent, AccountState> account;

  @BeforeAll
  static void startKit() {
    testKit =
        ActorTestKit.create(
            EventSourcedBehaviorTestKit.config()
                .withFallback(
                    ConfigFactory.parseString(
                        "akka.actor.serialization-bindings { \"outreach.protocol.CborSerializable\" = jackson-cbor }")));
    cipher = SecretCipher.fromBase64(SecretCipher.generateKey(), List.of());
  }

  @AfterAll
  static void stopKit() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void newAccount() {
    clock = new ManualClock(START);
    smtp = new ScriptedSmtpGateway();
    account = EventSourcedBehaviorTestKit.create(testKit.system(), SmtpAccount.create(ENTITY, clock, POLICY, cipher, smtp));
    account.clear();
  }

  static AccountSettings settings(List<RateLimit> limits, WarmUp warmUp) {
    return settings(cipher, ENTITY, limits, warmUp);
  }

  /** An account's settings with its password sealed for {@code entity}. */
  static AccountSettings settings(SecretCipher keys, String entity, List<RateLimit> limits, WarmUp warmUp) {
    SecretCipher.Sealed sealed = keys.seal("smtp-password", entity);
    return new AccountSettings(
        "smtp.example.com", 587, SecurityMode.STARTTLS, "u", new SealedSecret(sealed.keyId(), sealed.sealed()),
        "sales@example.com", "Sales", AccountPool.PRIMARY, limits, warmUp);
  }

  private void register(List<RateLimit> limits, WarmUp warmUp) {
    account.<AccountReply>runCommand(r -> new AccountCommand.Register(settings(limits, warmUp), "UTC", r));
  }

  private static RenderedMessage message(int n) {
    return new RenderedMessage(
        "<m" + n + "@example.com>", "t_1", "c1", "r" + n + "@example.org", "", "Hi", "Hello", Optional.empty(),
        "https://x.example/u/t", "mailto:u@x.example", "1 Main St");
  }

  private SendReply send(int n) {
    return account.<SendReply>runCommand(r -> new AccountCommand.Send(message(n), clock.instant().plusSeconds(60), r)).reply();
  }

  @Test
  void unknownAccountIsNotFoundAndSendsNothing() {
    assertThat(account.<AccountReply>runCommand(AccountCommand.Get::new).reply()).isEqualTo(new AccountReply.NotFound("acc-1"));
    assertThat(send(1)).isInstanceOf(SendReply.Unavailable.class);
    assertThat(smtp.sent()).isEmpty();
  }

  @Test
  void registersOnceOnTheInjectedClock() {
    clock.advance(Duration.ofMinutes(5));
    var result = account.<AccountReply>runCommand(r -> new AccountCommand.Register(settings(AccountSettings.DEFAULT_LIMITS, WarmUp.DEFAULT), "Europe/Berlin", r));
    AccountEvent.AccountRegistered event = result.eventOfType(AccountEvent.AccountRegistered.class);
    assertThat(event.at()).isEqualTo(START.plus(Duration.ofMinutes(5)));
    assertThat(event.timeZone()).isEqualTo("Europe/Berlin");
    var found = (AccountReply.Found) result.reply();
    assertThat(found.account().status()).isEqualTo(AccountStatus.ACTIVE);
    assertThat(found.account().dailyCap()).isEqualTo(50);
    var again = account.<AccountReply>runCommand(r -> new AccountCommand.Register(settings(AccountSettings.DEFAULT_LIMITS, WarmUp.DEFAULT), "UTC", r));
    assertThat(again.reply()).isEqualTo(new AccountReply.AlreadyExists("acc-1"));
    assertThat(again.hasNoEvents()).isTrue();
  }

  @Test
  void sendsWithTheOpenedPasswordAndWritesThePermitFirst() {
    register(AccountSettings.DEFAULT_LIMITS, WarmUp.DEFAULT);
    var result = account.<SendReply>runCommand(r -> new AccountCommand.Send(message(1), clock.instant().plusSeconds(60), r));
    assertThat(result.reply()).isEqualTo(new SendReply.Attempted("acc-1", "<m1@example.com>", ScriptedSmtpGateway.OK));
    assertThat(smtp.passwords()).containsExactly("smtp-password");
    assertThat(smtp.sent()).extracting(RenderedMessage::messageId).containsExactly("<m1@example.com>");
    // SendStarted precedes the transaction, SendFinished follows it.
    assertThat(result.events()).hasSize(2);
    assertThat(result.events().get(0)).isInstanceOf(AccountEvent.SendStarted.class);
    assertThat(result.events().get(1)).isInstanceOf(AccountEvent.SendFinished.class);
  }

  @Test
  void tenPerMinuteThenThrottledUntilTheWindowMoves() {
    register(List.of(RateLimit.parse("10/1m"), RateLimit.parse("500/1d")), new WarmUp(false, 50, 50));
    for (int i = 0; i < 10; i++) assertThat(send(i)).isInstanceOf(SendReply.Attempted.class);
    assertThat(send(10)).isEqualTo(new SendReply.Throttled("acc-1", START.plusSeconds(60), "10/1m"));
    clock.advance(Duration.ofSeconds(60));
    assertThat(send(10)).isInstanceOf(SendReply.Attempted.class);
    assertThat(smtp.sent()).hasSize(11);
  }

  @Test
  void warmUpCapsTheFirstDaysAndGrows() {
    register(List.of(RateLimit.parse("500/1d")), new WarmUp(true, 3, 2));
    for (int i = 0; i < 3; i++) assertThat(send(i)).isInstanceOf(SendReply.Attempted.class);
    SendReply refused = send(3);
    assertThat(refused).isInstanceOf(SendReply.Throttled.class);
    assertThat(((SendReply.Throttled) refused).limit()).isEqualTo("3/1d (warm-up)");
    clock.advance(Duration.ofDays(1));
    for (int i = 10; i < 15; i++) assertThat(send(i)).isInstanceOf(SendReply.Attempted.class);
    assertThat(send(15)).isInstanceOf(SendReply.Throttled.class);
    var view = ((AccountReply.Found) account.<AccountReply>runCommand(AccountCommand.Get::new).reply()).account();
    assertThat(view.sentToday()).isEqualTo(5);
    assertThat(view.dailyCap()).isEqualTo(5);
  }

  @Test
  void threeAccountLevelFailuresPauseForADayButBouncesDoNot() {
    register(AccountSettings.DEFAULT_LIMITS, new WarmUp(false, 50, 50));
    var bounce = ScriptedSmtpGateway.reply(OutcomeClass.RECIPIENT_HARD, 550, "5.1.1", "User unknown");
    var refused = ScriptedSmtpGateway.reply(OutcomeClass.CONNECTION, 0, null, "connection refused");
    smtp.then(bounce, bounce, bounce, refused, refused, refused);
    for (int i = 0; i < 6; i++) send(i);
    var view = ((AccountReply.Found) account.<AccountReply>runCommand(AccountCommand.Get::new).reply()).account();
    assertThat(view.status()).isEqualTo(AccountStatus.PAUSED);
    assertThat(view.pausedUntil()).contains(START.plus(Duration.ofHours(24)));
    assertThat(view.disabledReason().orElseThrow()).contains("3 consecutive failures");
    SendReply unavailable = send(7);
    assertThat(unavailable).isInstanceOf(SendReply.Unavailable.class);
    assertThat(smtp.sent()).hasSize(6);
  }

  @Test
  void aSuccessResetsTheFailureCount() {
    register(AccountSettings.DEFAULT_LIMITS, new WarmUp(false, 50, 50));
    var refused = ScriptedSmtpGateway.reply(OutcomeClass.CONNECTION, 0, null, "timeout");
    smtp.then(refused, refused, ScriptedSmtpGateway.OK, refused, refused);
    for (int i = 0; i < 5; i++) send(i);
    var view = ((AccountReply.Found) account.<AccountReply>runCommand(AccountCommand.Get::new).reply()).account();
    assertThat(view.status()).isEqualTo(AccountStatus.ACTIVE);
    assertThat(view.consecutiveFailures()).isEqualTo(2);
  }

  @Test
  void refusedCredentialsDisableTheAccountUntilResumed() {
    register(AccountSettings.DEFAULT_LIMITS, new WarmUp(false, 50, 50));
    smtp.then(ScriptedSmtpGateway.reply(OutcomeClass.AUTHENTICATION, 535, "5.7.8", "Username and Password not accepted"));
    send(1);
    var view = ((AccountReply.Found) account.<AccountReply>runCommand(AccountCommand.Get::new).reply()).account();
    assertThat(view.status()).isEqualTo(AccountStatus.DISABLED);
    assertThat(view.disabledReason().orElseThrow()).contains("535 5.7.8");
    assertThat(send(2)).isInstanceOf(SendReply.Unavailable.class);
    var resumed = ((AccountReply.Found) account.<AccountReply>runCommand(AccountCommand.Resume::new).reply()).account();
    assertThat(resumed.status()).isEqualTo(AccountStatus.ACTIVE);
    assertThat(send(2)).isInstanceOf(SendReply.Attempted.class);
  }

  @Test
  void pausedAccountComesBackAfterItsPauseWhenTheHealthCheckPasses() {
    register(AccountSettings.DEFAULT_LIMITS, new WarmUp(false, 50, 50));
    account.<AccountReply>runCommand(r -> new AccountCommand.Pause(Optional.of(START.plus(Duration.ofHours(1))), "maintenance", r));
    smtp.probesAnswer(ScriptedSmtpGateway.reply(OutcomeClass.CONNECTION, 0, null, "refused"), ScriptedSmtpGateway.OK);

    // Before the pause ends a check changes nothing.
    account.runCommand(new SmtpAccount.HealthTick());
    assertThat(status()).isEqualTo(AccountStatus.PAUSED);

    clock.advance(Duration.ofHours(1));
    account.runCommand(new SmtpAccount.HealthTick());
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> account.getState() instanceof AccountState.Registered r
        && r.status() == AccountStatus.PAUSED && smtp.opened() == 1);
    clock.advance(Duration.ofMinutes(30));
    account.runCommand(new SmtpAccount.HealthTick());
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> status() == AccountStatus.ACTIVE);
    assertThat(send(1)).isInstanceOf(SendReply.Attempted.class);
  }

  @Test
  void anAcceptedMessageIsNeverSentTwice() {
    register(AccountSettings.DEFAULT_LIMITS, new WarmUp(false, 50, 50));
    send(1);
    SendReply again = send(1);
    assertThat(again).isEqualTo(new SendReply.Attempted("acc-1", "<m1@example.com>", ScriptedSmtpGateway.OK));
    assertThat(smtp.sent()).hasSize(1);
  }

  @Test
  void tellsWhatBecameOfAMessageAcrossARestart() {
    register(AccountSettings.DEFAULT_LIMITS, new WarmUp(false, 50, 50));
    send(1);
    // A send whose outcome was never written: the entity stopped mid-transaction.
    account
        .persistenceTestKit()
        .persistForRecovery(
            "SmtpAccount|" + ENTITY, List.of(new AccountEvent.SendStarted("<m2@example.com>", "c1", "example.org", START)));
    account.restart();
    assertThat(query("<m1@example.com>")).isEqualTo(new SendStatus.Finished("<m1@example.com>", ScriptedSmtpGateway.OK));
    assertThat(query("<m2@example.com>")).isEqualTo(new SendStatus.Interrupted("<m2@example.com>"));
    assertThat(query("<never@example.com>")).isEqualTo(new SendStatus.NeverStarted("<never@example.com>"));
    // The interrupted send still counts in its window.
    var view = ((AccountReply.Found) account.<AccountReply>runCommand(AccountCommand.Get::new).reply()).account();
    assertThat(view.sentToday()).isEqualTo(2);
  }

  private SendStatus query(String id) {
    return account.<SendStatus>runCommand(r -> new AccountCommand.QuerySend(id, clock.instant().plusSeconds(60), r)).reply();
  }

  @Test
  void aSendAskedAboutBeforeItArrivedIsWithdrawnAndRefusedWhenItComes() {
    register(AccountSettings.DEFAULT_LIMITS, new WarmUp(false, 50, 50));
    Instant heldStartBy = clock.instant().plusSeconds(60);
    // The campaign asks about a send the account never received (held up in a hand-off).
    var asked = account.<SendStatus>runCommand(r -> new AccountCommand.QuerySend("<m1@example.com>", heldStartBy, r));
    assertThat(asked.reply()).isEqualTo(new SendStatus.NeverStarted("<m1@example.com>"));
    assertThat(asked.eventOfType(AccountEvent.SendWithdrawn.class))
        .isEqualTo(new AccountEvent.SendWithdrawn("<m1@example.com>", heldStartBy, START));
    assertThat(SmtpAccount.listed(asked.eventOfType(AccountEvent.SendWithdrawn.class))).isFalse();

    // The held send arrives after all, even after a restart: it does not start.
    account.restart();
    clock.advance(Duration.ofSeconds(2));
    SendReply late =
        account.<SendReply>runCommand(r -> new AccountCommand.Send(message(1), heldStartBy, r)).reply();
    assertThat(late).isEqualTo(new SendReply.Throttled("acc-1", clock.instant(), "the send was withdrawn by its campaign"));
    assertThat(smtp.sent()).isEmpty();
    // Asking again records nothing more.
    var again = account.<SendStatus>runCommand(r -> new AccountCommand.QuerySend("<m1@example.com>", heldStartBy, r));
    assertThat(again.reply()).isEqualTo(new SendStatus.NeverStarted("<m1@example.com>"));
    assertThat(again.hasNoEvents()).isTrue();

    // The campaign's next try of the message is asked for later, so it is due later, and is sent.
    assertThat(send(1)).isEqualTo(new SendReply.Attempted("acc-1", "<m1@example.com>", ScriptedSmtpGateway.OK));
    assertThat(smtp.sent()).extracting(RenderedMessage::messageId).containsExactly("<m1@example.com>");

    // A withdrawal is kept only until its sends would be too late anyway.
    clock.advance(Duration.ofMinutes(2));
    account.<SendStatus>runCommand(r -> new AccountCommand.QuerySend("<m9@example.com>", clock.instant().plusSeconds(60), r));
    assertThat(((AccountState.Registered) account.getState()).withdrawn()).containsOnlyKeys("<m9@example.com>");
  }

  @Test
  void aSendStartedOrFinishedIsNotWithdrawn() {
    register(AccountSettings.DEFAULT_LIMITS, new WarmUp(false, 50, 50));
    send(1);
    var asked = account.<SendStatus>runCommand(r -> new AccountCommand.QuerySend("<m1@example.com>", clock.instant().plusSeconds(60), r));
    assertThat(asked.reply()).isEqualTo(new SendStatus.Finished("<m1@example.com>", ScriptedSmtpGateway.OK));
    assertThat(asked.hasNoEvents()).isTrue();
    // Asked about once its sends are due already: nothing can start any more, nothing to record.
    var past = account.<SendStatus>runCommand(r -> new AccountCommand.QuerySend("<m2@example.com>", clock.instant(), r));
    assertThat(past.reply()).isEqualTo(new SendStatus.NeverStarted("<m2@example.com>"));
    assertThat(past.hasNoEvents()).isTrue();
  }

  private AccountStatus status() {
    return ((AccountState.Registered) account.getState()).status();
  }
}
