package outreach.actors.account;

import static org.assertj.core.api.Assertions.assertThat;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.persistence.testkit.javadsl.PersistenceTestKit;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import outreach.actors.ManualClock;
import outreach.actors.TestKits;
import outreach.actors.smtp.ScriptedSmtpGateway;
import outreach.actors.smtp.SmtpGateway;
import outreach.mail.secret.SecretCipher;
import outreach.protocol.account.AccountCommand;
import outreach.protocol.account.AccountEvent;
import outreach.protocol.account.AccountReply;
import outreach.protocol.account.AccountSettings;
import outreach.protocol.account.SendReply;
import outreach.protocol.account.WarmUp;
import outreach.protocol.delivery.DeliveryOutcome;
import outreach.protocol.delivery.RenderedMessage;

/**
 * Sharding stops an account to move it to another node (a rebalance) or to passivate it: an SMTP transaction
 * under way finishes and is written first, so moving an account never cuts a transaction off.
 */
class SmtpAccountHandOffTest {

  private static final Instant START = Instant.parse("2026-03-02T08:00:00Z");
  private static final String ENTITY = "t_1|acc-h";
  private static final AccountPolicy POLICY = new AccountPolicy(3, Duration.ofHours(24), Duration.ofMinutes(30), 100, Duration.ofMinutes(15));

  private static ActorTestKit testKit;
  private static SecretCipher cipher;

  @BeforeAll
  static void startKit() {
    testKit =
        TestKits.withPersistence();
    cipher = SecretCipher.fromBase64(SecretCipher.generateKey(), List.of());
  }

  @AfterAll
  static void stopKit() {
    testKit.shutdownTestKit();
  }

  /** A server that holds the first transaction until the test lets it go. */
  private static final class HeldGateway implements SmtpGateway {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    @Override
    public Session open(AccountSettings settings, String password) {
      return new Session() {
        @Override
        public DeliveryOutcome send(RenderedMessage message) {
          entered.countDown();
          try {
            if (!release.await(30, TimeUnit.SECONDS)) throw new IllegalStateException("never released");
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ScriptedSmtpGateway.reply(outreach.protocol.delivery.OutcomeClass.CONNECTION, 0, null, "interrupted");
          }
          return ScriptedSmtpGateway.OK;
        }

        @Override
        public DeliveryOutcome probe() {
          return ScriptedSmtpGateway.OK;
        }

        @Override
        public void close() {}
      };
    }
  }

  private static AccountSettings settings(String entity) {
    return SmtpAccountTest.settings(cipher, entity, AccountSettings.DEFAULT_LIMITS, WarmUp.DEFAULT);
  }

  private static RenderedMessage message(int n) {
    return new RenderedMessage(
        "<h" + n + "@example.com>", "t_1", "c1", "r" + n + "@example.org", "", "Hi", "Hello", Optional.empty(),
        "https://x.example/u/t", "mailto:u@x.example", "1 Main St");
  }

  @Test
  void aStopDuringATransactionWaitsForItsOutcomeToBeWritten() throws Exception {
    ManualClock clock = new ManualClock(START);
    HeldGateway smtp = new HeldGateway();
    ActorRef<AccountCommand> account = testKit.spawn(SmtpAccount.create(ENTITY, clock, POLICY, cipher, smtp));
    TestProbe<AccountReply> registered = testKit.createTestProbe();
    account.tell(new AccountCommand.Register(settings(ENTITY), "UTC", registered.getRef()));
    registered.expectMessageClass(AccountReply.Found.class);

    TestProbe<SendReply> replies = testKit.createTestProbe();
    account.tell(new AccountCommand.Send(message(1), START.plusSeconds(60), replies.getRef()));
    assertThat(smtp.entered.await(10, TimeUnit.SECONDS)).isTrue();

    account.tell(new SmtpAccount.Stop());
    // Still there, and taking no new send while it waits to stop.
    account.tell(new AccountCommand.Send(message(2), START.plusSeconds(60), replies.getRef()));
    SendReply refused = replies.receiveMessage();
    assertThat(refused).isInstanceOf(SendReply.Throttled.class);
    assertThat(((SendReply.Throttled) refused).limit()).contains("moving to another node");

    smtp.release.countDown();
    assertThat(replies.receiveMessage()).isEqualTo(new SendReply.Attempted("acc-h", "<h1@example.com>", ScriptedSmtpGateway.OK));
    replies.expectTerminated(account);

    List<Object> journal =
        PersistenceTestKit.create(testKit.system()).persistedInStorage("SmtpAccount|" + ENTITY);
    assertThat(journal).filteredOn(e -> e instanceof AccountEvent.SendFinished).hasSize(1);
  }

  @Test
  void anIdleAccountStopsAtOnce() {
    ActorRef<AccountCommand> account =
        testKit.spawn(SmtpAccount.create("t_1|acc-idle", new ManualClock(START), POLICY, cipher, new ScriptedSmtpGateway()));
    TestProbe<AccountReply> registered = testKit.createTestProbe();
    account.tell(new AccountCommand.Register(settings("t_1|acc-idle"), "UTC", registered.getRef()));
    registered.expectMessageClass(AccountReply.Found.class);
    account.tell(new SmtpAccount.Stop());
    registered.expectTerminated(account);
  }
}
