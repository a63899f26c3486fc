package outreach.mail.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static outreach.mail.message.SampleMessage.sample;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimePart;
import jakarta.mail.internet.MimeUtility;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import outreach.mail.message.MessageComposer;
import outreach.mail.message.MessageIds;
import outreach.mail.message.OutgoingMessage;

/** Sends through GreenMail, a real SMTP server in this JVM. */
class SmtpConnectionGreenMailTest {

  private static final String USER = "ann@acme.com";
  private static final String PASSWORD = "s3cret";
  private static final String BOUNCE = "bounce@acme.com";

  @RegisterExtension
  static final GreenMailExtension GREEN_MAIL =
      new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
          .withConfiguration(GreenMailConfiguration.aConfig().withUser(USER, USER, PASSWORD));

  private static SmtpSettings settings(
      String host, int port, TransportSecurity security, Optional<String> username, String password, boolean trustAll) {
    return new SmtpSettings(
        host,
        port,
        security,
        username,
        password,
        Duration.ofSeconds(2),
        Duration.ofSeconds(5),
        Optional.of("client.test"),
        trustAll);
  }

  private static SmtpSettings anonymous(String host, int port, TransportSecurity security, boolean trustAll) {
    return settings(host, port, security, Optional.empty(), "", trustAll);
  }

  private static SmtpSettings login(TransportSecurity security, String password) {
    return settings(
        GREEN_MAIL.getSmtp().getBindTo(), GREEN_MAIL.getSmtp().getPort(), security, Optional.of(USER), password, false);
  }

  private static SmtpSettings login(String password) {
    return login(TransportSecurity.NONE, password);
  }

  private static SendResult sendTo(SmtpConnection smtp, String recipient, String subject) {
    return smtp.send(MessageComposer.compose(messageTo(recipient, subject)), BOUNCE, recipient);
  }

  private static OutgoingMessage messageTo(String recipient, String subject) {
    return sample()
        .messageId(MessageIds.of("tenant-1", "campaign-9", recipient, "mail.acme.com"))
        .to(OutgoingMessage.Mailbox.of(recipient, "Reader " + subject))
        .subject(subject)
        .build();
  }

  @Test
  void twentyFiveMessagesGoThroughOneSession() throws Exception {
    try (SmtpConnection smtp = new SmtpConnection(login(PASSWORD))) {
      for (int i = 0; i < 25; i++) {
        String recipient = "reader" + i + "@example.com";
        SendResult result = sendTo(smtp, recipient, "Hello " + i);
        assertThat(result.accepted()).as("message %d: %s", i, result).isTrue();
        assertThat(result.uncertain()).isFalse();
      }
      assertThat(smtp.connects()).isEqualTo(1);
      assertThat(smtp.isOpen()).isTrue();
    }

    Map<String, MimeMessage> received = byMessageId(GREEN_MAIL.getReceivedMessages());
    assertThat(received).hasSize(25);
    for (int i = 0; i < 25; i++) {
      String recipient = "reader" + i + "@example.com";
      MimeMessage m = received.get(MessageIds.of("tenant-1", "campaign-9", recipient, "mail.acme.com"));
      assertThat(m).as("message to %s", recipient).isNotNull();
      assertThat(m.getSubject()).isEqualTo("Hello " + i);
      assertThat(m.getRecipients(Message.RecipientType.TO)).containsExactly(new InternetAddress(recipient));
      assertThat(m.getFrom()).containsExactly(new InternetAddress("ann@acme.com"));
      assertThat(m.getHeader("Return-Path", null)).isEqualTo("<" + BOUNCE + ">");
      assertThat(m.getHeader("X-Outreach-Campaign", null)).isEqualTo("campaign-42");
      assertThat(m.getHeader("List-Unsubscribe-Post", null)).isEqualTo("List-Unsubscribe=One-Click");
    }
  }

  @Test
  void aWrongPasswordIsAnAuthenticationFailureAndNothingIsSent() throws Exception {
    try (SmtpConnection smtp = new SmtpConnection(login("wrong-password"))) {
      SendResult result = sendTo(smtp, "bob@example.com", "Hi");

      assertThat(result.replyClass()).isEqualTo(SmtpReplyClass.AUTHENTICATION);
      assertThat(result.uncertain()).isFalse();
      assertThat(result.reply().map(SmtpReply::code)).contains(535);
      assertThat(result.detail()).doesNotContain("wrong-password");
      assertThat(smtp.isOpen()).isFalse();
      assertThat(smtp.connects()).isZero();
    }
    assertThat(GREEN_MAIL.getReceivedMessages()).isEmpty();
  }

  @Test
  void aClosedPortIsAConnectionFailure() throws Exception {
    int port = freePort();
    try (SmtpConnection smtp = new SmtpConnection(anonymous("127.0.0.1", port, TransportSecurity.NONE, false))) {
      SendResult result = sendTo(smtp, "bob@example.com", "Hi");

      assertThat(result.replyClass()).isEqualTo(SmtpReplyClass.CONNECTION);
      assertThat(result.reply()).isEmpty();
      assertThat(result.uncertain()).isFalse();
      assertThat(result.detail()).contains("127.0.0.1:" + port);
      assertThat(smtp.connect().replyClass()).isEqualTo(SmtpReplyClass.CONNECTION);
    }
  }

  @Test
  void afterTheServerRestartsTheNextSendReconnectsAndSucceeds() throws Exception {
    ServerSetup setup = new ServerSetup(freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP);
    GreenMail before = new GreenMail(setup);
    before.start();
    try (SmtpConnection smtp = new SmtpConnection(anonymous("127.0.0.1", setup.getPort(), TransportSecurity.NONE, false))) {
      assertThat(sendTo(smtp, "bob@example.com", "Before").accepted()).isTrue();
      before.stop();
      GreenMail after = new GreenMail(setup);
      after.start();
      try {
        SendResult result = sendTo(smtp, "carol@example.com", "After");

        assertThat(result.accepted()).as(result.toString()).isTrue();
        assertThat(result.uncertain()).isFalse();
        assertThat(smtp.connects()).isEqualTo(2);
        assertThat(after.getReceivedMessages()).extracting(MimeMessage::getSubject).containsExactly("After");
      } finally {
        after.stop();
      }
    } finally {
      before.stop();
    }
  }

  @Test
  void theDeterministicMessageIdIsWhatArrivesAlsoWhenTheMessageIsSentAgain() throws Exception {
    OutgoingMessage message = messageTo("bob@example.com", "Twice");
    String id = MessageIds.of("tenant-1", "campaign-9", "bob@example.com", "mail.acme.com");
    try (SmtpConnection smtp = new SmtpConnection(login(PASSWORD))) {
      MimeMessage first = MessageComposer.compose(message);
      assertThat(smtp.send(first, BOUNCE, "bob@example.com").accepted()).isTrue();
      assertThat(smtp.send(first, BOUNCE, "bob@example.com").accepted()).isTrue();
      assertThat(smtp.send(MessageComposer.compose(message), BOUNCE, "bob@example.com").accepted()).isTrue();
    }

    assertThat(GREEN_MAIL.getReceivedMessages()).extracting(MimeMessage::getMessageID).containsExactly(id, id, id);
  }

  @Test
  void theMessageIdSurvivesSaveChangesAndJakartaMailsOwnTransport() throws Exception {
    MimeMessage message = MessageComposer.compose(messageTo("bob@example.com", "Via Transport"));
    Properties props = new Properties();
    props.setProperty("mail.smtp.localhost", "client.test");
    Session session = Session.getInstance(props);

    // What Transport.send(message) does: save the changes, then hand the message to a transport.
    message.saveChanges();
    try (Transport transport = session.getTransport("smtp")) {
      transport.connect(GREEN_MAIL.getSmtp().getBindTo(), GREEN_MAIL.getSmtp().getPort(), USER, PASSWORD);
      transport.sendMessage(message, message.getAllRecipients());
    }

    assertThat(GREEN_MAIL.getReceivedMessages())
        .extracting(MimeMessage::getMessageID)
        .containsExactly(MessageIds.of("tenant-1", "campaign-9", "bob@example.com", "mail.acme.com"));
  }

  @Test
  void theUnsubscribeHeadersAndFooterArriveIntact() throws Exception {
    OutgoingMessage message =
        sample()
            .html("<html><body><p>Hi Bob</p></body></html>")
            .physicalAddress("Acme Ltd\n1 Main Street\nSpringfield 12345, USA")
            .build();
    try (SmtpConnection smtp = new SmtpConnection(login(PASSWORD))) {
      assertThat(smtp.send(MessageComposer.compose(message), BOUNCE, "bob@example.com").accepted()).isTrue();
    }

    MimeMessage received = GREEN_MAIL.getReceivedMessages()[0];
    assertThat(MimeUtility.unfold(received.getHeader("List-Unsubscribe", null)))
        .isEqualTo("<mailto:unsubscribe@acme.com?subject=TOKEN123>, <https://links.acme.example/u/TOKEN123>");
    assertThat(received.getHeader("List-Unsubscribe-Post", null)).isEqualTo("List-Unsubscribe=One-Click");
    MimeMultipart parts = (MimeMultipart) received.getContent();
    String text = ((String) ((MimePart) parts.getBodyPart(0)).getContent()).replace("\r\n", "\n");
    String html = (String) ((MimePart) parts.getBodyPart(1)).getContent();
    assertThat(text)
        .endsWith("-- \nAcme Ltd\n1 Main Street\nSpringfield 12345, USA\nUnsubscribe: https://links.acme.example/u/TOKEN123\n");
    assertThat(html)
        .contains("Acme Ltd<br>1 Main Street<br>Springfield 12345, USA")
        .contains("<a href=\"https://links.acme.example/u/TOKEN123\">Unsubscribe</a>")
        .endsWith("</div></body></html>");
  }

  @Test
  void startTlsIsRequiredSoAServerWithoutItIsRefused() throws Exception {
    try (SmtpConnection smtp = new SmtpConnection(login(TransportSecurity.STARTTLS, PASSWORD))) {
      SendResult result = sendTo(smtp, "bob@example.com", "Hi");

      assertThat(result.replyClass()).isEqualTo(SmtpReplyClass.CONNECTION);
      assertThat(result.detail()).contains("STARTTLS is required");
      assertThat(result.uncertain()).isFalse();
      assertThat(smtp.isOpen()).isFalse();
    }
    assertThat(GREEN_MAIL.getReceivedMessages()).isEmpty();
  }

  @Test
  void aSelfSignedCertificateIsRefusedUnlessTheTestFlagTrustsIt() throws Exception {
    GreenMail tls = new GreenMail(ServerSetupTest.SMTPS.dynamicPort());
    tls.start();
    try {
      String host = tls.getSmtps().getBindTo();
      int port = tls.getSmtps().getPort();

      try (SmtpConnection checked = new SmtpConnection(anonymous(host, port, TransportSecurity.TLS, false))) {
        SendResult refused = sendTo(checked, "bob@example.com", "Over TLS");
        assertThat(refused.replyClass()).isEqualTo(SmtpReplyClass.CONNECTION);
        assertThat(refused.detail()).contains("certification path");
        assertThat(refused.uncertain()).isFalse();
        assertThat(tls.getReceivedMessages()).isEmpty();
      }
      try (SmtpConnection trusting = new SmtpConnection(anonymous(host, port, TransportSecurity.TLS, true))) {
        SendResult accepted = sendTo(trusting, "bob@example.com", "Over TLS");
        assertThat(accepted.accepted()).as(accepted.toString()).isTrue();
        assertThat(tls.getReceivedMessages()).extracting(MimeMessage::getSubject).containsExactly("Over TLS");
      }
    } finally {
      tls.stop();
    }
  }

  @Test
  void aProbeLogsInAndAsksForNoop() {
    try (SmtpConnection good = new SmtpConnection(login(PASSWORD));
        SmtpConnection bad = new SmtpConnection(login("wrong-password"))) {
      ProbeResult healthy = good.probe();
      ProbeResult refused = bad.probe();

      assertThat(healthy.healthy()).as(healthy.toString()).isTrue();
      assertThat(healthy.reply().map(SmtpReply::code)).contains(250);
      assertThat(good.isOpen()).isTrue();
      assertThat(good.probe().healthy()).isTrue();
      assertThat(good.connects()).isEqualTo(1);
      assertThat(refused.replyClass()).isEqualTo(SmtpReplyClass.AUTHENTICATION);
      assertThat(bad.isOpen()).isFalse();
    }
  }

  @Test
  void aMessageThatIsNotAnSmtpMessageIsSentWithTheGivenEnvelopeAndItsOwnId() throws Exception {
    MimeMessage plain = new MimeMessage(Session.getInstance(new Properties()));
    plain.setFrom(new InternetAddress("ann@acme.com"));
    plain.setRecipient(Message.RecipientType.TO, new InternetAddress("bob@example.com"));
    plain.setSubject("Plain");
    plain.setText("Hello");
    plain.saveChanges();
    String id = plain.getMessageID();

    try (SmtpConnection smtp = new SmtpConnection(login(PASSWORD))) {
      assertThat(smtp.send(plain, BOUNCE, "bob@example.com").accepted()).isTrue();
    }

    MimeMessage received = GREEN_MAIL.getReceivedMessages()[0];
    assertThat(received.getMessageID()).isEqualTo(id);
    assertThat(received.getHeader("Return-Path", null)).isEqualTo("<" + BOUNCE + ">");
  }

  @Test
  void afterCloseTheNextSendOpensANewSession() throws Exception {
    SmtpConnection smtp = new SmtpConnection(login(PASSWORD));
    try {
      assertThat(smtp.connect().healthy()).isTrue();
      smtp.close();
      assertThat(smtp.isOpen()).isFalse();

      assertThat(sendTo(smtp, "bob@example.com", "Again").accepted()).isTrue();
      assertThat(smtp.connects()).isEqualTo(2);
    } finally {
      smtp.close();
    }
  }

  private static Map<String, MimeMessage> byMessageId(MimeMessage[] messages) {
    return Arrays.stream(messages).collect(Collectors.toMap(SmtpConnectionGreenMailTest::messageId, Function.identity()));
  }

  private static String messageId(MimeMessage message) {
    try {
      return message.getMessageID();
    } catch (MessagingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
