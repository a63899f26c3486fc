package outreach.mail.message;

import com.samskivert.mustache.Escapers;
import jakarta.mail.Header;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MailDateFormat;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimeUtility;
import java.io.UnsupportedEncodingException;
import java.time.Instant;
import java.util.Collections;
import java.util.Date;
import java.util.Map;
import java.util.Properties;
import java.util.TimeZone;
import org.eclipse.angus.mail.smtp.SMTPMessage;
import outreach.mail.HeaderText;

/**
 * Builds the MIME message for one {@link OutgoingMessage}: headers, a text/plain body or text and HTML
 * alternatives, and the footer with the physical address and the unsubscribe link. The result is saved and
 * checked: no header of it carries a line break that could start another header.
 */
public final class MessageComposer {

  static {
    outreach.mail.MailRuntime.configure();
  }

  private static final String UTF_8 = "UTF-8";
  private static final Session SESSION = Session.getInstance(new Properties());

  private MessageComposer() {}

  /** The message, ready for {@code Transport.send} or {@code SmtpConnection.send}; its Message-ID survives both. */
  public static MimeMessage compose(OutgoingMessage m) {
    try {
      ComposedMessage message = new ComposedMessage(SESSION, m.messageId());
      message.setFrom(address(m.from()));
      message.setRecipient(Message.RecipientType.TO, address(m.to()));
      message.setSubject(m.subject(), UTF_8);
      message.setHeader("Date", dateHeader(m.date()));
      message.setHeader("List-Unsubscribe", folded("List-Unsubscribe", listUnsubscribe(m)));
      message.setHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
      for (Map.Entry<String, String> h : m.extraHeaders().entrySet()) {
        message.setHeader(h.getKey(), folded(h.getKey(), MimeUtility.encodeText(h.getValue(), UTF_8, null)));
      }
      String text = m.text().stripTrailing() + textFooter(m);
      if (m.html().isEmpty()) {
        message.setText(text, UTF_8);
      } else {
        MimeBodyPart plain = new MimeBodyPart();
        plain.setText(text, UTF_8);
        MimeBodyPart html = new MimeBodyPart();
        html.setText(withHtmlFooter(m.html().get(), m), UTF_8, "html");
        message.setContent(new MimeMultipart("alternative", plain, html));
      }
      message.saveChanges();
      requireNoLineBreakInHeaders(message);
      return message;
    } catch (MessagingException | UnsupportedEncodingException e) {
      throw new IllegalStateException("cannot compose message " + m.messageId(), e);
    }
  }

  private static InternetAddress address(OutgoingMessage.Mailbox mailbox) throws UnsupportedEncodingException {
    return new InternetAddress(mailbox.address(), mailbox.name().orElse(null), UTF_8);
  }

  /** In UTC, so the same instant gives the same header on every node. */
  /** MailDateFormat is costly to build and not thread-safe: one per composing thread. */
  private static final ThreadLocal<MailDateFormat> DATE_FORMAT =
      ThreadLocal.withInitial(
          () -> {
            MailDateFormat format = new MailDateFormat();
            format.setTimeZone(TimeZone.getTimeZone("UTC"));
            return format;
          });

  private static String dateHeader(Instant date) {
    return DATE_FORMAT.get().format(Date.from(date));
  }

  private static String listUnsubscribe(OutgoingMessage m) {
    String link = "<" + m.unsubscribeUrl().toASCIIString() + ">";
    return m.unsubscribeMailto().map(mailto -> "<" + mailto.toASCIIString() + ">, " + link).orElse(link);
  }

  private static String folded(String name, String value) {
    return MimeUtility.fold(name.length() + 2, value);
  }

  private static String textFooter(OutgoingMessage m) {
    return "\n\n-- \n" + m.physicalAddress().strip() + "\nUnsubscribe: " + m.unsubscribeUrl().toASCIIString() + "\n";
  }

  private static String withHtmlFooter(String html, OutgoingMessage m) {
    String footer =
        "<div style=\"margin-top:24px;font-size:12px;color:#666666\">"
            + Escapers.HTML.escape(m.physicalAddress().strip()).replaceAll("\\R", "<br>")
            + "<br><a href=\""
            + Escapers.HTML.escape(m.unsubscribeUrl().toASCIIString())
            + "\">Unsubscribe</a></div>";
    int bodyEnd = lastIndexOfIgnoreCase(html, "</body>");
    return bodyEnd < 0 ? html + footer : html.substring(0, bodyEnd) + footer + html.substring(bodyEnd);
  }

  private static int lastIndexOfIgnoreCase(String text, String part) {
    for (int i = text.length() - part.length(); i >= 0; i--) {
      if (text.regionMatches(true, i, part, 0, part.length())) return i;
    }
    return -1;
  }

  /**
   * Looks at the message as it will be written, after encoding and folding: a line break that is not folding
   * whitespace, raw or inside an encoded word, would let user data add headers (CVE-2025-7962 was one such path).
   */
  static void requireNoLineBreakInHeaders(MimeMessage message) throws MessagingException {
    for (Header header : Collections.list(message.getAllHeaders())) {
      String unfolded = MimeUtility.unfold(header.getValue());
      if (HeaderText.hasLineBreak(unfolded) || HeaderText.hasLineBreak(decoded(unfolded))) {
        throw new IllegalArgumentException(header.getName() + " would carry a line break into the message");
      }
    }
  }

  private static String decoded(String value) {
    try {
      return MimeUtility.decodeText(value);
    } catch (UnsupportedEncodingException e) {
      return value;
    }
  }

  /**
   * Keeps the caller's Message-ID through {@code saveChanges()}, which would otherwise put a random one in its
   * place. An {@link SMTPMessage}, so that the envelope sender can be set on it without copying the message.
   */
  private static final class ComposedMessage extends SMTPMessage {
    private final String messageId;

    ComposedMessage(Session session, String messageId) {
      super(session);
      this.messageId = messageId;
    }

    @Override
    protected void updateMessageID() throws MessagingException {
      setHeader("Message-ID", messageId);
    }
  }
}
