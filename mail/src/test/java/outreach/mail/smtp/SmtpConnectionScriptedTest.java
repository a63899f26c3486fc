package outreach.mail.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static outreach.mail.message.SampleMessage.sample;

import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import outreach.mail.message.MessageComposer;
import outreach.mail.smtp.ScriptedSmtpServer.Answer;

/** Failures a real server causes only now and then, brought about on purpose by {@link ScriptedSmtpServer}. */
class SmtpConnectionScriptedTest {

  private static final String BOUNCE = "bounce@acme.com";
  private static final String BOB = "bob@example.com";

  private static SmtpSettings settings(int port, Duration readTimeout) {
    return new SmtpSettings(
        "127.0.0.1",
        port,
        TransportSecurity.NONE,
        Optional.empty(),
        "",
        Duration.ofSeconds(2),
        readTimeout,
        Optional.of("client.test"));
  }

  private static SmtpSettings settings(int port) {
    return settings(port, Duration.ofSeconds(5));
  }

  private static MimeMessage message() {
    return MessageComposer.compose(sample().build());
  }

  /** Large enough that the cut comes while the client is still writing the content. */
  private static MimeMessage largeMessage() {
    return MessageComposer.compose(sample().text("A line of a long message body.\n".repeat(20_000)).build());
  }

  @Test
  void aConnectionCutDuringTheContentLeavesTheSendUncertain() throws Exception {
    try (ScriptedSmtpServer server = ScriptedSmtpServer.start((c, n, m) -> c.equals("DATA") ? Answer.cutDuringContent() : null);
        SmtpConnection smtp = new SmtpConnection(settings(server.port()))) {

      SendResult result = smtp.send(largeMessage(), BOUNCE, BOB);

      assertThat(result.replyClass()).isEqualTo(SmtpReplyClass.CONNECTION);
      assertThat(result.uncertain()).isTrue();
      assertThat(result.reply()).isEmpty();
      assertThat(result.detail()).isNotBlank();
      assertThat(smtp.isOpen()).isFalse();
      assertThat(server.connections()).as("an uncertain send is never repeated by the connection").isEqualTo(1);
    }
  }

  @Test
  void aSmallMessageCutBeforeTheFinalReplyIsUncertainToo() throws Exception {
    try (ScriptedSmtpServer server = ScriptedSmtpServer.start((c, n, m) -> c.equals("DATA") ? Answer.cutDuringContent() : null);
        SmtpConnection smtp = new SmtpConnection(settings(server.port()))) {

      SendResult result = smtp.send(message(), BOUNCE, BOB);

      assertThat(result.replyClass()).isEqualTo(SmtpReplyClass.CONNECTION);
      assertThat(result.uncertain()).isTrue();
      assertThat(server.connections()).isEqualTo(1);
    }
  }

  @Test
  void noReplyAfterTheContentIsUncertainOnceTheReadTimesOut() throws Exception {
    try (ScriptedSmtpServer server = ScriptedSmtpServer.start((c, n, m) -> c.equals(".") ? Answer.silence() : null);
        SmtpConnection smtp = new SmtpConnection(settings(server.port(), Duration.ofMillis(500)))) {

      SendResult result = smtp.send(message(), BOUNCE, BOB);

      assertThat(result.replyClass()).isEqualTo(SmtpReplyClass.CONNECTION);
      assertThat(result.uncertain()).isTrue();
      assertThat(result.detail()).containsIgnoringCase("timed out");
      assertThat(server.messages()).as("the server did get the whole message").hasSize(1);
    }
  }

  @Test
  @Timeout(60)
  void aServerThatStopsReadingTheContentEndsTheSendOnceTheWriteTimesOut() throws Exception {
    try (ScriptedSmtpServer server =
            ScriptedSmtpServer.start((c, n, m) -> c.equals("DATA") ? Answer.stopReadingContent() : null);
        SmtpConnection smtp = new SmtpConnection(settings(server.port(), Duration.ofMillis(500)))) {
      // Far more than the socket buffers of both sides hold, so the client blocks in a write.
      MimeMessage huge = MessageComposer.compose(sample().text("A line of a long message body.\n".repeat(600_000)).build());

      SendResult result = smtp.send(huge, BOUNCE, BOB);

      assertThat(result.replyClass()).isEqualTo(SmtpReplyClass.CONNECTION);
      assertThat(result.uncertain()).as("part of the content went out").isTrue();
      assertThat(smtp.isOpen()).isFalse();
      assertThat(server.messages()).isEmpty();
    }
  }

  @Test
  void everySessionTimesItsWritesOnOneSharedThreadNotOneOfItsOwn() throws Exception {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    List<SmtpConnection> sessions = new ArrayList<>();
    try (ScriptedSmtpServer server = ScriptedSmtpServer.start((c, n, m) -> null)) {
      for (int i = 0; i < 10; i++) {
        SmtpConnection smtp = new SmtpConnection(settings(server.port()));
        sessions.add(smtp);
        assertThat(smtp.send(message(), BOUNCE, BOB).accepted()).isTrue();
      }

      List<String> started =
          Thread.getAllStackTraces().keySet().stream()
              .filter(t -> !before.contains(t))
              .map(Thread::getName)
              .filter(name -> !name.equals("scripted-smtp"))
              .distinct()
              .toList();
      assertThat(started).as("threads started by 10 open sessions").isSubsetOf(SmtpConnection.WRITE_TIMEOUT_THREAD);
      assertThat(server.messages()).hasSize(10);
    } finally {
      sessions.forEach(SmtpConnection::close);
    }
  }

  /**
   * The timeout thread is woken only by a task queued at the head of its queue. A write's timeout (the read
   * timeout, longer than the tick) queues behind the tick, so writes that end in time never wake it; a shorter
   * one still fires on time (the blocked write above, with 500 ms).
   */
  @Test
  void aWritesTimeoutQueuesBehindTheTickSoTheTimeoutThreadSleepsThroughIt() {
    var timeouts = SmtpConnection.WRITE_TIMEOUTS;
    ScheduledFuture<?> timeout = timeouts.schedule(() -> { }, Duration.ofSeconds(10).toMillis(), TimeUnit.MILLISECONDS);
    try {
      Delayed head = (Delayed) timeouts.getQueue().peek();
      assertThat(head).isNotSameAs(timeout);
      assertThat(head.getDelay(TimeUnit.MILLISECONDS)).isLessThanOrEqualTo(SmtpConnection.WRITE_TIMEOUT_TICK.toMillis());
    } finally {
      timeout.cancel(false);
    }
    assertThat(timeouts.getQueue()).as("a cancelled timeout leaves the queue").doesNotContain((Runnable) timeout);
  }

  @Test
  void aCutOnAReusedSessionDuringTheContentIsUncertainAndNotRepeated() throws Exception {
    try (ScriptedSmtpServer server =
            ScriptedSmtpServer.start((c, n, m) -> c.equals("DATA") && m == 1 ? Answer.cutDuringContent() : null);
        SmtpConnection smtp = new SmtpConnection(settings(server.port()))) {

      assertThat(smtp.send(message(), BOUNCE, BOB).accepted()).isTrue();
      SendResult second = smtp.send(largeMessage(), BOUNCE, BOB);

      assertThat(second.uncertain()).isTrue();
      assertThat(server.connections()).isEqualTo(1);
      assertThat(smtp.connects()).isEqualTo(1);
    }
  }

  @Test
  void anUnknownRecipientIsAHardBounceAndTheSessionGoesOn() throws Exception {
    try (ScriptedSmtpServer server =
            ScriptedSmtpServer.start(
                (c, n, m) ->
                    c.startsWith("RCPT TO:<nobody@")
                        ? Answer.reply("550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown in virtual mailbox table")
                        : null);
        SmtpConnection smtp = new SmtpConnection(settings(server.port()))) {

      SendResult rejected = smtp.send(message(), BOUNCE, "nobody@example.com");
      SendResult next = smtp.send(message(), BOUNCE, BOB);

      assertThat(rejected.replyClass()).isEqualTo(SmtpReplyClass.RECIPIENT_HARD);
      assertThat(rejected.uncertain()).isFalse();
      assertThat(rejected.reply()).hasValueSatisfying(r -> {
        assertThat(r.code()).isEqualTo(550);
        assertThat(r.enhanced()).contains("5.1.1");
      });
      assertThat(rejected.detail()).contains("User unknown");
      assertThat(next.accepted()).isTrue();
      assertThat(server.messages()).hasSize(1);
      assertThat(server.connections()).isEqualTo(1);
      assertThat(smtp.connects()).isEqualTo(1);
    }
  }

  @Test
  void a421AtMailFromIsPolicy() throws Exception {
    try (ScriptedSmtpServer server =
            ScriptedSmtpServer.start(
                (c, n, m) ->
                    c.startsWith("MAIL FROM")
                        ? Answer.replyAndClose("421 4.7.0 mx.example.com Too many messages from your IP, closing connection")
                        : null);
        SmtpConnection smtp = new SmtpConnection(settings(server.port()))) {

      SendResult result = smtp.send(message(), BOUNCE, BOB);

      assertThat(result.replyClass()).isEqualTo(SmtpReplyClass.POLICY);
      assertThat(result.uncertain()).isFalse();
      assertThat(result.reply().map(SmtpReply::code)).contains(421);
      assertThat(smtp.isOpen()).isFalse();
      assertThat(server.messages()).isEmpty();
    }
  }

  @Test
  void a421ThatEndsAnIdleReusedSessionIsTriedOnceOnAFreshOne() throws Exception {
    try (ScriptedSmtpServer server =
            ScriptedSmtpServer.start(
                (c, n, m) ->
                    c.startsWith("MAIL FROM") && n == 1 && m == 1
                        ? Answer.replyAndClose("421 4.4.2 mx.example.com Error: timeout exceeded")
                        : null);
        SmtpConnection smtp = new SmtpConnection(settings(server.port()))) {

      assertThat(smtp.send(message(), BOUNCE, BOB).accepted()).isTrue();
      SendResult second = smtp.send(message(), BOUNCE, BOB);

      assertThat(second.accepted()).isTrue();
      assertThat(smtp.connects()).isEqualTo(2);
      assertThat(server.messages()).hasSize(2);
    }
  }

  @Test
  void aThrottling421IsPolicyWithoutAnotherTryOnAFreshSession() throws Exception {
    try (ScriptedSmtpServer server =
            ScriptedSmtpServer.start(
                (c, n, m) ->
                    c.startsWith("MAIL FROM") && (n > 1 || m > 0) ? Answer.replyAndClose("421 4.7.0 Try again later") : null);
        SmtpConnection smtp = new SmtpConnection(settings(server.port()))) {

      smtp.send(message(), BOUNCE, BOB);
      SendResult second = smtp.send(message(), BOUNCE, BOB);

      assertThat(second.replyClass()).isEqualTo(SmtpReplyClass.POLICY);
      // 4.7.0 "try again later" is about us: a second try at once would only add to the pressure.
      assertThat(server.connections()).isEqualTo(1);
    }
  }

  @Test
  void aSessionTheServerDroppedSilentlyIsReopenedBeforeTheNextMessage() throws Exception {
    try (ScriptedSmtpServer server =
            ScriptedSmtpServer.start(
                (c, n, m) -> c.startsWith("MAIL FROM") && n == 1 && m == 1 ? Answer.closeWithoutReply() : null);
        SmtpConnection smtp = new SmtpConnection(settings(server.port()))) {

      assertThat(smtp.send(message(), BOUNCE, BOB).accepted()).isTrue();
      SendResult second = smtp.send(message(), BOUNCE, BOB);

      assertThat(second.accepted()).isTrue();
      assertThat(second.uncertain()).isFalse();
      assertThat(smtp.connects()).isEqualTo(2);
      assertThat(server.messages()).hasSize(2);
    }
  }

  @Test
  void aCutBeforeTheContentIsNotUncertain() throws Exception {
    try (ScriptedSmtpServer server =
            ScriptedSmtpServer.start((c, n, m) -> c.startsWith("RCPT") ? Answer.closeWithoutReply() : null);
        SmtpConnection smtp = new SmtpConnection(settings(server.port()))) {

      SendResult result = smtp.send(message(), BOUNCE, BOB);

      assertThat(result.replyClass()).isEqualTo(SmtpReplyClass.CONNECTION);
      assertThat(result.uncertain()).isFalse();
      assertThat(result.reply()).isEmpty();
      assertThat(server.connections()).as("a fresh session is not retried").isEqualTo(1);
    }
  }

  @Test
  void aCutBeforeTheContentOnAReusedSessionIsTriedOnceMoreThenReported() throws Exception {
    try (ScriptedSmtpServer server =
            ScriptedSmtpServer.start((c, n, m) -> c.startsWith("RCPT") && (n > 1 || m > 0) ? Answer.closeWithoutReply() : null);
        SmtpConnection smtp = new SmtpConnection(settings(server.port()))) {

      smtp.send(message(), BOUNCE, BOB);
      SendResult second = smtp.send(message(), BOUNCE, BOB);

      assertThat(second.replyClass()).isEqualTo(SmtpReplyClass.CONNECTION);
      assertThat(second.uncertain()).isFalse();
      assertThat(server.connections()).isEqualTo(2);
    }
  }

  @Test
  void aRejectionAfterTheContentIsADefiniteAnswer() throws Exception {
    try (ScriptedSmtpServer server =
            ScriptedSmtpServer.start(
                (c, n, m) -> c.equals(".") ? Answer.reply("554 5.7.1 Message rejected: looks like spam") : null);
        SmtpConnection smtp = new SmtpConnection(settings(server.port()))) {

      SendResult result = smtp.send(message(), BOUNCE, BOB);

      assertThat(result.replyClass()).isEqualTo(SmtpReplyClass.POLICY);
      assertThat(result.uncertain()).isFalse();
      assertThat(result.reply().map(SmtpReply::code)).contains(554);
      assertThat(smtp.isOpen()).isTrue();
    }
  }

  @Test
  void aSizeRejectionAfterTheContentRejectsTheMessage() throws Exception {
    try (ScriptedSmtpServer server =
            ScriptedSmtpServer.start(
                (c, n, m) -> c.equals(".") ? Answer.reply("552 5.3.4 Message size exceeds fixed limit") : null);
        SmtpConnection smtp = new SmtpConnection(settings(server.port()))) {

      assertThat(smtp.send(message(), BOUNCE, BOB).replyClass()).isEqualTo(SmtpReplyClass.MESSAGE_REJECTED);
    }
  }

  @Test
  void aRefusedSenderIsReportedWithTheServersReply() throws Exception {
    try (ScriptedSmtpServer server =
            ScriptedSmtpServer.start(
                (c, n, m) ->
                    c.startsWith("MAIL FROM")
                        ? Answer.reply("553 5.1.8 <bounce@acme.com>: Sender address rejected: Domain not found")
                        : null);
        SmtpConnection smtp = new SmtpConnection(settings(server.port()))) {

      SendResult result = smtp.send(message(), BOUNCE, BOB);

      assertThat(result.replyClass()).isEqualTo(SmtpReplyClass.POLICY);
      assertThat(result.reply().flatMap(SmtpReply::enhanced)).contains("5.1.8");
      assertThat(result.uncertain()).isFalse();
    }
  }

  @Test
  void aBlockedClientIsToldAtTheGreeting() throws Exception {
    try (ScriptedSmtpServer server =
            ScriptedSmtpServer.start(
                (c, n, m) ->
                    c.equals("CONNECT")
                        ? Answer.replyAndClose("554 5.7.1 Service unavailable; Client host [127.0.0.1] blocked using zen.spamhaus.org")
                        : null);
        SmtpConnection smtp = new SmtpConnection(settings(server.port()))) {

      SendResult result = smtp.send(message(), BOUNCE, BOB);

      assertThat(result.replyClass()).isEqualTo(SmtpReplyClass.POLICY);
      assertThat(result.reply().map(SmtpReply::code)).contains(554);
      assertThat(result.detail()).contains("spamhaus");
      assertThat(result.uncertain()).isFalse();
      assertThat(smtp.connects()).isZero();
    }
  }

  @Test
  void aSuccessCarriesTheServersQueueId() throws Exception {
    try (ScriptedSmtpServer server = ScriptedSmtpServer.start((c, n, m) -> null);
        SmtpConnection smtp = new SmtpConnection(settings(server.port()))) {

      SendResult result = smtp.send(message(), BOUNCE, BOB);

      assertThat(result.replyClass()).isEqualTo(SmtpReplyClass.SUCCESS);
      assertThat(result.reply()).hasValueSatisfying(r -> {
        assertThat(r.code()).isEqualTo(250);
        assertThat(r.enhanced()).contains("2.0.0");
      });
      assertThat(result.detail()).contains("queued as Q1x1");
    }
  }

  @Test
  void theEnvelopeSenderAndRecipientAreTheOnesGiven() throws Exception {
    try (ScriptedSmtpServer server = ScriptedSmtpServer.start((c, n, m) -> null);
        SmtpConnection smtp = new SmtpConnection(settings(server.port()))) {

      smtp.send(message(), BOUNCE, "carol@example.org");

      assertThat(server.commands()).contains("EHLO client.test", "MAIL FROM:<bounce@acme.com>", "RCPT TO:<carol@example.org>");
      assertThat(server.commands()).filteredOn(c -> c.startsWith("RCPT")).hasSize(1);
      assertThat(server.messages().get(0)).contains("To: Bob Jones <bob@example.com>");
    }
  }

  @Test
  void aLoginCutOffSaysNothingAboutTheCredentials() throws Exception {
    try (ScriptedSmtpServer server =
            ScriptedSmtpServer.start(
                (c, n, m) -> {
                  if (c.startsWith("EHLO")) return Answer.reply("250-scripted.test\r\n250 AUTH PLAIN LOGIN");
                  if (c.startsWith("AUTH")) return Answer.closeWithoutReply();
                  return null;
                });
        SmtpConnection smtp = new SmtpConnection(withLogin(settings(server.port()), "s3cret"))) {

      ProbeResult result = smtp.connect();

      assertThat(result.replyClass()).isEqualTo(SmtpReplyClass.CONNECTION);
      assertThat(smtp.isOpen()).isFalse();
    }
  }

  @Test
  void refusedCredentialsAreAnAuthenticationFailure() throws Exception {
    try (ScriptedSmtpServer server =
            ScriptedSmtpServer.start(
                (c, n, m) -> {
                  if (c.startsWith("EHLO")) return Answer.reply("250-scripted.test\r\n250 AUTH PLAIN LOGIN");
                  if (c.startsWith("AUTH")) return Answer.reply("535 5.7.8 Error: authentication failed: authentication failure");
                  return null;
                });
        SmtpConnection smtp = new SmtpConnection(withLogin(settings(server.port()), "wrong"))) {

      SendResult result = smtp.send(message(), BOUNCE, BOB);

      assertThat(result.replyClass()).isEqualTo(SmtpReplyClass.AUTHENTICATION);
      assertThat(result.reply().map(SmtpReply::code)).contains(535);
      assertThat(result.detail()).doesNotContain("wrong");
      assertThat(result.uncertain()).isFalse();
      assertThat(server.commands()).noneMatch(c -> c.startsWith("MAIL"));
    }
  }

  @Test
  void aServerClosingDuringLoginIsNotBlamedOnTheCredentials() throws Exception {
    try (ScriptedSmtpServer server =
            ScriptedSmtpServer.start(
                (c, n, m) -> {
                  if (c.startsWith("EHLO")) return Answer.reply("250-scripted.test\r\n250 AUTH PLAIN LOGIN");
                  if (c.startsWith("AUTH")) return Answer.replyAndClose("421 4.7.0 Too many concurrent connections");
                  return null;
                });
        SmtpConnection smtp = new SmtpConnection(withLogin(settings(server.port()), "s3cret"))) {

      ProbeResult result = smtp.connect();

      assertThat(result.replyClass()).isEqualTo(SmtpReplyClass.POLICY);
      assertThat(result.reply().map(SmtpReply::code)).contains(421);
    }
  }

  @Test
  void aProbeOnASessionTheServerIsClosingReopensIt() throws Exception {
    try (ScriptedSmtpServer server =
            ScriptedSmtpServer.start((c, n, m) -> c.equals("NOOP") && n == 1 ? Answer.replyAndClose("421 4.4.2 Timeout") : null);
        SmtpConnection smtp = new SmtpConnection(settings(server.port()))) {
      assertThat(smtp.connect().healthy()).isTrue();

      ProbeResult probe = smtp.probe();

      assertThat(probe.healthy()).isTrue();
      assertThat(probe.reply().map(SmtpReply::code)).contains(250);
      assertThat(smtp.connects()).isEqualTo(2);
    }
  }

  @Test
  void aProbeOfABlockedAccountSaysWhy() throws Exception {
    try (ScriptedSmtpServer server =
            ScriptedSmtpServer.start(
                (c, n, m) -> c.equals("NOOP") ? Answer.reply("554 5.7.1 Your account is suspended for sending spam") : null);
        SmtpConnection smtp = new SmtpConnection(settings(server.port()))) {

      ProbeResult probe = smtp.probe();

      assertThat(probe.replyClass()).isEqualTo(SmtpReplyClass.POLICY);
      assertThat(probe.detail()).contains("suspended");
    }
  }

  @Test
  void addressesThatAreNotAddressesNeverReachTheServer() throws Exception {
    try (ScriptedSmtpServer server = ScriptedSmtpServer.start((c, n, m) -> null);
        SmtpConnection smtp = new SmtpConnection(settings(server.port()))) {

      assertThatThrownBy(() -> smtp.send(message(), BOUNCE, "bob@example.com>\r\nRCPT TO:<victim@example.com"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("recipient:");
      assertThatThrownBy(() -> smtp.send(message(), "not an address", BOB))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("envelope sender:");
      assertThat(server.connections()).isZero();
    }
  }

  private static SmtpSettings withLogin(SmtpSettings s, String password) {
    return new SmtpSettings(
        s.host(),
        s.port(),
        s.security(),
        Optional.of("ann@acme.com"),
        password,
        s.connectTimeout(),
        s.readTimeout(),
        s.localHostName());
  }
}
