package outreach.mail.smtp;

import java.util.Objects;
import java.util.Optional;

/**
 * What became of one message handed to {@link SmtpConnection#send}.
 *
 * @param reply the server's reply that decided the outcome; empty when the session failed without one
 * @param detail the reply's text, or what went wrong with the connection; for a success, the server's queue id text
 * @param uncertain the connection broke after the message content started to go out, so the server may or may not
 *     have taken it: re-send with the same Message-ID and count a possible duplicate. False whenever the failure came
 *     before the content (connect, login, MAIL FROM, RCPT TO) or a reply was received.
 */
public record SendResult(SmtpReplyClass replyClass, Optional<SmtpReply> reply, String detail, boolean uncertain) {

  public SendResult {
    Objects.requireNonNull(replyClass, "replyClass");
    Objects.requireNonNull(reply, "reply");
    Objects.requireNonNull(detail, "detail");
    if (uncertain && (replyClass != SmtpReplyClass.CONNECTION || reply.isPresent())) {
      throw new IllegalArgumentException("only a connection that broke without a reply leaves a send uncertain");
    }
  }

  public boolean accepted() {
    return replyClass == SmtpReplyClass.SUCCESS;
  }
}
