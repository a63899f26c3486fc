package outreach.actors.account;

import static org.assertj.core.api.Assertions.assertThat;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import outreach.protocol.account.AccountSettingsChange;
import outreach.protocol.account.AccountState;
import outreach.protocol.account.AccountStatus;
import outreach.protocol.account.AccountView;
import outreach.protocol.account.SealedSecret;
import outreach.protocol.account.SecurityMode;
import outreach.protocol.account.SendReply;
import outreach.protocol.account.WarmUp;
import outreach.protocol.delivery.DeliveryOutcome;
import outreach.protocol.delivery.OutcomeClass;
import outreach.protocol.delivery.RenderedMessage;

/** Changing, disabling and deleting an SMTP account. */
class SmtpAccountEditTest {

  private static final Instant START = Instant.parse("2026-03-02T08:00:00Z");
  private static final String ENTITY = "t_1|acc-1";
  private static final AccountPolicy POLICY = new AccountPolicy(3, Duration.ofHours(24), Duration.ofMinutes(30), 100, Duration.ofMinutes(15));
  private static final AccountSettingsChange NO_CHANGE =
      new AccountSettingsChange(
          Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
          Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

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
    account.<AccountReply>runCommand(
        r -> new AccountCommand.Register(settings(List.of(RateLimit.parse("500/1d")), "smtp-password"), "UTC", r));
  }

  private static AccountSettings settings(List<RateLimit> limits, String password) {
    return new AccountSettings(
        "smtp.example.com", 587, SecurityMode.STARTTLS, "u", seal(password), "sales@example.com", "Sales",
        AccountPool.PRIMARY, limits, new WarmUp(false, 50, 50));
  }

  private static SealedSecret seal(String password) {
    SecretCipher.Sealed sealed = cipher.seal(password, ENTITY);
    return new SealedSecret(sealed.keyId(), sealed.sealed());
  }

  private SendReply send(int n) {
    RenderedMessage message =
        new RenderedMessage(
            "<m" + n + "@example.com>", "t_1", "c1", "r" + n + "@example.org", "", "Hi", "Hello", Optional.empty(),
            "https://x.example/u/t", "mailto:u@x.example", "1 Main St");
    return account.<SendReply>runCommand(r -> new AccountCommand.Send(message, clock.instant().plusSeconds(60), r)).reply();
  }

  private AccountReply update(AccountSettingsChange change) {
    return account.<AccountReply>runCommand(r -> new AccountCommand.UpdateSettings(change, r)).reply();
  }

  private AccountReply get() {
    return account.<AccountReply>runCommand(AccountCommand.Get::new).reply();
  }

  private static AccountSettingsChange password(String password) {
    return new AccountSettingsChange(
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(seal(password)),
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
  }

  @Test
  void changedFieldsReplaceTheOldOnesAndTheRestStays() {
    var change =
        new AccountSettingsChange(
            Optional.of("mail.example.net"), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.of("New Sales"), Optional.of(AccountPool.RESERVE), Optional.empty(), Optional.empty());
    var result = account.<AccountReply>runCommand(r -> new AccountCommand.UpdateSettings(change, r));
    AccountView view = ((AccountReply.Found) result.reply()).account();
    assertThat(view.host()).isEqualTo("mail.example.net");
    assertThat(view.fromName()).isEqualTo("New Sales");
    assertThat(view.pool()).isEqualTo(AccountPool.RESERVE);
    assertThat(view.port()).isEqualTo(587);
    assertThat(view.username()).isEqualTo("u");
    assertThat(result.eventOfType(AccountEvent.AccountSettingsChanged.class).settings().host()).isEqualTo("mail.example.net");
    account.restart();
    assertThat(((AccountReply.Found) get()).account().host()).isEqualTo("mail.example.net");
  }

  @Test
  void aNewPasswordIsUsedForTheNextConnection() {
    assertThat(send(1)).isInstanceOf(SendReply.Attempted.class);
    update(password("new-password"));
    assertThat(send(2)).isInstanceOf(SendReply.Attempted.class);
    assertThat(smtp.passwords()).containsExactly("smtp-password", "new-password");
  }

  @Test
  void aDisabledAccountComesBackWhenItsCredentialsChange() {
    smtp.then(ScriptedSmtpGateway.reply(OutcomeClass.AUTHENTICATION, 535, "5.7.8", "Username and Password not accepted"));
    send(1);
    assertThat(((AccountReply.Found) get()).account().status()).isEqualTo(AccountStatus.DISABLED);
    // A change that leaves the login alone does not clear the refusal.
    var limitsOnly =
        new AccountSettingsChange(
            Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), Optional.of(List.of(RateLimit.parse("300/1d"))), Optional.empty());
    assertThat(((AccountReply.Found) update(limitsOnly)).account().status()).isEqualTo(AccountStatus.DISABLED);
    var result = account.<AccountReply>runCommand(r -> new AccountCommand.UpdateSettings(password("fixed"), r));
    assertThat(result.events()).hasSize(2).last().isInstanceOf(AccountEvent.AccountResumed.class);
    assertThat(((AccountReply.Found) result.reply()).account().status()).isEqualTo(AccountStatus.ACTIVE);
    assertThat(send(2)).isInstanceOf(SendReply.Attempted.class);
  }

  @Test
  void newLimitsJudgeTheNextPermits() {
    for (int i = 0; i < 3; i++) assertThat(send(i)).isInstanceOf(SendReply.Attempted.class);
    var lower =
        new AccountSettingsChange(
            Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), Optional.of(List.of(RateLimit.parse("3/1d"))), Optional.empty());
    AccountView view = ((AccountReply.Found) update(lower)).account();
    assertThat(view.sentToday()).isEqualTo(3);
    assertThat(view.dailyCap()).isEqualTo(3);
    assertThat(send(3)).isInstanceOf(SendReply.Throttled.class);
  }

  @Test
  void theTenantDisablesTheAccountUntilResumed() {
    var disabled = account.<AccountReply>runCommand(r -> new AccountCommand.Disable("mailbox migration", r));
    assertThat(disabled.eventOfType(AccountEvent.AccountDisabled.class).reason()).isEqualTo("mailbox migration");
    AccountView view = ((AccountReply.Found) disabled.reply()).account();
    assertThat(view.status()).isEqualTo(AccountStatus.DISABLED);
    assertThat(view.disabledReason()).contains("mailbox migration");
    assertThat(send(1)).isInstanceOf(SendReply.Unavailable.class);
    assertThat(smtp.sent()).isEmpty();
  }

  @Test
  void aDeletedAccountSendsNothingAndIsNotFoundButKeepsItsJournal() {
    send(1);
    var deleted = account.<AccountReply>runCommand(AccountCommand.Delete::new);
    assertThat(deleted.reply()).isEqualTo(new AccountReply.Deleted("acc-1"));
    assertThat(deleted.eventOfType(AccountEvent.AccountDeleted.class).at()).isEqualTo(START);
    account.restart();
    assertThat(get()).isEqualTo(new AccountReply.NotFound("acc-1"));
    assertThat(update(NO_CHANGE)).isEqualTo(new AccountReply.NotFound("acc-1"));
    assertThat(account.<AccountReply>runCommand(r -> new AccountCommand.Disable("x", r)).reply())
        .isEqualTo(new AccountReply.NotFound("acc-1"));
    assertThat(account.<AccountReply>runCommand(AccountCommand.Delete::new).reply()).isEqualTo(new AccountReply.NotFound("acc-1"));
    SendReply refused = send(2);
    assertThat(refused).isInstanceOf(SendReply.Unavailable.class);
    assertThat(((SendReply.Unavailable) refused).status()).isEqualTo(AccountStatus.DELETED);
    assertThat(smtp.sent()).hasSize(1);
    assertThat(account.persistenceTestKit().persistedInStorage("SmtpAccount|" + ENTITY)).hasSize(4);
  }

  @Test
  void theAuditFoldAppliesSettingsChangesAndDeletion() {
    AccountSettings before = settings(List.of(RateLimit.parse("500/1d")), "p");
    AccountSettings after = settings(List.of(RateLimit.parse("100/1d")), "q");
    AccountState state =
        SmtpAccount.apply(
            POLICY,
            new AccountState.Unregistered(),
            new AccountEvent.AccountRegistered("t_1", "acc-1", before, "UTC", LocalDate.of(2026, 3, 2), START));
    state = SmtpAccount.apply(POLICY, state, new AccountEvent.AccountSettingsChanged(after, START));
    assertThat(((AccountState.Registered) state).settings()).isEqualTo(after);
    state = SmtpAccount.apply(POLICY, state, new AccountEvent.AccountDeleted(START));
    assertThat(((AccountState.Registered) state).status()).isEqualTo(AccountStatus.DELETED);
    assertThat(((AccountState.Registered) state).settings()).isEqualTo(after);
  }

  @Test
  void theFoldRemembersTheLatestOutcomesInTheOrderTheSendsFinished() {
    AccountPolicy threeRemembered = new AccountPolicy(3, Duration.ofHours(24), Duration.ofMinutes(30), 3, Duration.ofMinutes(15));
    AccountState state =
        SmtpAccount.apply(
            threeRemembered,
            new AccountState.Unregistered(),
            new AccountEvent.AccountRegistered("t_1", "acc-1", settings(List.of(RateLimit.parse("500/1d")), "p"), "UTC",
                LocalDate.of(2026, 3, 2), START));
    for (String id : List.of("m1", "m2", "m3", "m4", "m2", "m5")) {
      state = SmtpAccount.apply(threeRemembered, state, new AccountEvent.SendStarted(id, "c1", "example.com", START));
      state = SmtpAccount.apply(
          threeRemembered, state, new AccountEvent.SendFinished(id, DeliveryOutcome.success(250, id + " ok"), START));
    }
    AccountState.Registered registered = (AccountState.Registered) state;
    // m2 finished again after m4 and moved last; m1 and then m3 were forgotten.
    assertThat(registered.outcomes().keySet()).containsExactly("m4", "m2", "m5");
    assertThat(registered.outcomes().get("m2").text()).isEqualTo("m2 ok");
    assertThat(registered.inFlight()).isEmpty();
    // A state read back from a snapshot (a plain map) keeps that order.
    Map<String, DeliveryOutcome> read = new LinkedHashMap<>(registered.outcomes());
    AccountState.Registered restored = new AccountState.Registered(
        registered.tenantId(), registered.accountId(), registered.settings(), registered.timeZone(), registered.firstDay(),
        registered.createdAt(), registered.status(), registered.pausedUntil(), registered.statusReason(),
        registered.consecutiveFailures(), registered.permits(), registered.inFlight(), read, registered.withdrawn());
    state = SmtpAccount.apply(
        threeRemembered, restored, new AccountEvent.SendFinished("m6", DeliveryOutcome.success(250, "m6 ok"), START));
    assertThat(((AccountState.Registered) state).outcomes().keySet()).containsExactly("m2", "m5", "m6");
  }
}
