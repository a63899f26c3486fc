package outreach.actors.smtp;

import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import outreach.mail.message.MessageComposer;
import outreach.mail.message.OutgoingMessage;
import outreach.mail.smtp.ProbeResult;
import outreach.mail.smtp.SendResult;
import outreach.mail.smtp.SmtpConnection;
import outreach.mail.smtp.SmtpReply;
import outreach.mail.smtp.SmtpSettings;
import outreach.mail.smtp.TransportSecurity;
import outreach.protocol.account.AccountSettings;
import outreach.protocol.delivery.DeliveryOutcome;
import outreach.protocol.delivery.OutcomeClass;
import outreach.protocol.delivery.RenderedMessage;

/** SMTP sessions over Jakarta Mail: one kept-open connection per account, messages composed by the mail library. */
public final class JakartaSmtpGateway implements SmtpGateway {

  private final Clock clock;
  private final Duration connectTimeout;
  private final Duration readTimeout;

  public JakartaSmtpGateway(Clock clock, Duration connectTimeout, Duration readTimeout) {
    this.clock = clock;
    this.connectTimeout = connectTimeout;
    this.readTimeout = readTimeout;
  }

  @Override
  public Session open(AccountSettings account, String password) {
    SmtpSettings settings =
        new SmtpSettings(
            account.host(),
            account.port(),
            TransportSecurity.valueOf(account.security().name()),
            account.username().isBlank() ? Optional.empty() : Optional.of(account.username()),
            password,
            connectTimeout,
            readTimeout,
            Optional.empty());
    return new JakartaSession(account, new SmtpConnection(settings));
  }

  private final class JakartaSession implements Session {
    private final AccountSettings account;
    private final SmtpConnection connection;

    JakartaSession(AccountSettings account, SmtpConnection connection) {
      this.account = account;
      this.connection = connection;
    }

    @Override
    public DeliveryOutcome send(RenderedMessage m) {
      MimeMessage mime;
      try {
        mime =
            MessageComposer.compose(
                new OutgoingMessage(
                    m.messageId(),
                    account.fromName().isBlank()
                        ? OutgoingMessage.Mailbox.of(account.fromAddress())
                        : OutgoingMessage.Mailbox.of(account.fromAddress(), account.fromName()),
                    m.recipientName().isBlank() ? OutgoingMessage.Mailbox.of(m.recipient()) : OutgoingMessage.Mailbox.of(m.recipient(), m.recipientName()),
                    m.subject(),
                    m.text(),
                    m.html(),
                    clock.instant(),
                    URI.create(m.unsubscribeUrl()),
                    m.unsubscribeMailto().isBlank() ? Optional.empty() : Optional.of(URI.create(m.unsubscribeMailto())),
                    m.physicalAddress(),
                    Map.of("X-Outreach-Campaign", m.campaignId())));
      } catch (IllegalArgumentException e) {
        return new DeliveryOutcome(OutcomeClass.MESSAGE_REJECTED, 0, Optional.empty(), "message could not be composed: " + e.getMessage(), false);
      }
      return outcome(connection.send(mime, account.fromAddress(), m.recipient()));
    }

    @Override
    public DeliveryOutcome probe() {
      ProbeResult r = connection.probe();
      return outcome(r.replyClass(), r.reply(), r.detail(), false);
    }

    @Override
    public void close() {
      connection.close();
    }
  }

  private static DeliveryOutcome outcome(SendResult r) {
    return outcome(r.replyClass(), r.reply(), r.detail(), r.uncertain());
  }

  private static DeliveryOutcome outcome(
      outreach.mail.smtp.SmtpReplyClass replyClass, Optional<SmtpReply> reply, String detail, boolean uncertain) {
    OutcomeClass c = OutcomeClass.valueOf(replyClass.name());
    return reply
        .map(rep -> new DeliveryOutcome(c, rep.code(), rep.enhanced(), rep.text(), uncertain))
        .orElseGet(() -> new DeliveryOutcome(c, 0, Optional.empty(), detail, uncertain));
  }
}
