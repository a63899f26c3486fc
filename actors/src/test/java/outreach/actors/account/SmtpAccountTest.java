package outreach.actors.account;

import static org.assertj.core.api.Assertions.assertThat;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import outreach.actors.ManualClock;
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
import outreach.protocol.account.WarmUp;

class SmtpAccountTest {

  private static final Instant START = Instant.parse("2026-03-02T08:00:00Z");

  private static ActorTestKit testKit;
  private static ManualClock clock;
  private EventSourcedBehaviorTestKit<AccountCommand, AccountEvent, AccountState> account;

  @BeforeAll
  static void startKit() {
    testKit =
        ActorTestKit.create(
            EventSourcedBehaviorTestKit.config()
                .withFallback(
                    ConfigFactory.parseString(
                        "akka.actor.serialization-bindings { \"outreach.protocol.CborSerializable\" = jackson-cbor }")));
    clock = new ManualClock(START);
  }

  @AfterAll
  static void stopKit() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void newAccount() {
    account = EventSourcedBehaviorTestKit.create(testKit.system(), SmtpAccount.create("t_1|acc-1", clock));
    account.clear();
  }

  static AccountSettings settings() {
    return new AccountSettings(
        "smtp.example.com", 587, SecurityMode.STARTTLS, "u", new SealedSecret("k1", "c2VhbGVk"),
        "sales@example.com", "Sales", AccountPool.PRIMARY,
        List.of(RateLimit.parse("10/1m"), RateLimit.parse("500/1d")), WarmUp.DEFAULT);
  }

  @Test
  void unknownAccountIsNotFound() {
    var result = account.<AccountReply>runCommand(AccountCommand.Get::new);
    assertThat(result.reply()).isEqualTo(new AccountReply.NotFound("acc-1"));
    assertThat(result.hasNoEvents()).isTrue();
  }

  @Test
  void registersOnceWithTheTimeOfTheInjectedClock() {
    clock.advance(Duration.ofMinutes(5));
    var result = account.<AccountReply>runCommand(r -> new AccountCommand.Register(settings(), r));

    AccountEvent.AccountRegistered event = result.eventOfType(AccountEvent.AccountRegistered.class);
    assertThat(event.tenantId()).isEqualTo("t_1");
    assertThat(event.accountId()).isEqualTo("acc-1");
    assertThat(event.at()).isEqualTo(START.plus(Duration.ofMinutes(5)));
    AccountReply.Found found = (AccountReply.Found) result.reply();
    assertThat(found.account().status()).isEqualTo(AccountStatus.ACTIVE);
    assertThat(found.account().host()).isEqualTo("smtp.example.com");

    var again = account.<AccountReply>runCommand(r -> new AccountCommand.Register(settings(), r));
    assertThat(again.reply()).isEqualTo(new AccountReply.AlreadyExists("acc-1"));
    assertThat(again.hasNoEvents()).isTrue();
  }

  @Test
  void stateIsRecoveredFromTheJournal() {
    var created = account.<AccountReply>runCommand(r -> new AccountCommand.Register(settings(), r));
    account.restart();
    var read = account.<AccountReply>runCommand(AccountCommand.Get::new);
    assertThat(read.reply()).isEqualTo(created.reply());
    assertThat(((AccountState.Registered) read.state()).settings().password()).isEqualTo(settings().password());
  }
}
