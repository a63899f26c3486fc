package outreach.mail.smtp;

import java.util.Objects;
import java.util.Optional;

/**
 * Whether an account's SMTP session can be opened and used: the health check of a paused account.
 *
 * @param reply the server's reply that decided the outcome; empty when the session failed without one
 * @param detail the reply's text, or what went wrong with the connection
 */
public record ProbeResult(SmtpReplyClass replyClass, Optional<SmtpReply> reply, String detail) {

  public ProbeResult {
    Objects.requireNonNull(replyClass, "replyClass");
    Objects.requireNonNull(reply, "reply");
    Objects.requireNonNull(detail, "detail");
  }

  public boolean healthy() {
    return replyClass == SmtpReplyClass.SUCCESS;
  }
}
