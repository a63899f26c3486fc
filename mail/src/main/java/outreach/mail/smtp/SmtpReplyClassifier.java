package outreach.mail.smtp;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Classifies SMTP replies by their enhanced status code first (RFC 3463), then by their basic
 * code and the wording large providers use when they send no enhanced code.
 */
public final class SmtpReplyClassifier {

  private static final Pattern UNKNOWN_RECIPIENT =
      Pattern.compile(
          "user unknown|unknown user|no such user|no such (mailbox|recipient)|does not exist|doesn't exist"
              + "|doesn't have an? [\\w.-]+ account|not have an? [\\w.-]+ account|unrouteable address|unroutable address"
              + "|recipient not found|recipientnotfound|invalid recipient|unknown recipient|mailbox unavailable"
              + "|mailbox not found|address rejected|account (has been )?disabled|account is disabled|no mailbox here");
  private static final Pattern MAILBOX_FULL =
      Pattern.compile("over quota|quota exceeded|mailbox (is )?full|insufficient (user )?storage|mailbox size limit");
  private static final Pattern POLICY =
      Pattern.compile(
          "spam|unsolicited|blocked|block list|blocklist|blacklist|spamhaus|policy|reputation|rate limit|rate-limit"
              + "|too many (messages|connections|concurrent)|unexpected volume|deferred|prohibit|not authorized to send"
              + "|relay access denied|relaying denied|dmarc|spf|dkim|unauthenticated");
  private static final Pattern GREYLISTED = Pattern.compile("greylist|graylist|try again later");

  private SmtpReplyClassifier() {}

  public static SmtpReplyClass classify(SmtpReply reply) {
    int code = reply.code();
    if (code < 300) return SmtpReplyClass.SUCCESS;
    if (code < 400) return SmtpReplyClass.TRANSIENT;
    String text = reply.text().toLowerCase(Locale.ROOT);
    if (isAuthentication(reply)) return SmtpReplyClass.AUTHENTICATION;
    if (reply.enhanced().isPresent()) return byEnhancedCode(reply, text);
    return byCodeAndText(reply, text);
  }

  private static boolean isAuthentication(SmtpReply reply) {
    int code = reply.code();
    if (code == 535 || code == 534 || code == 530 || code == 454 && reply.subject() == 7) return true;
    if (reply.subject() == 7) {
      int detail = reply.detail();
      // 5.7.8 credentials invalid, 5.7.9 mechanism too weak / app password, 5.7.11 encryption required,
      // 5.7.0 with 530 handled above, 5.7.14 (Gmail) sign in through a browser.
      return reply.permanent() && (detail == 8 || detail == 9 || detail == 11 || detail == 14);
    }
    return false;
  }

  private static SmtpReplyClass byEnhancedCode(SmtpReply reply, String text) {
    boolean permanent = reply.permanent();
    int subject = reply.subject();
    int detail = reply.detail();
    if (reply.code() == 421) return SmtpReplyClass.POLICY;
    switch (subject) {
      case 1: // addressing
        if (detail == 7 || detail == 8) return SmtpReplyClass.POLICY; // the sender's address or domain
        return permanent ? SmtpReplyClass.RECIPIENT_HARD : SmtpReplyClass.RECIPIENT_SOFT;
      case 2: // mailbox
        if (detail == 2) return SmtpReplyClass.RECIPIENT_SOFT;
        if (GREYLISTED.matcher(text).find() && !permanent) return SmtpReplyClass.TRANSIENT;
        return permanent ? SmtpReplyClass.RECIPIENT_HARD : SmtpReplyClass.RECIPIENT_SOFT;
      case 3: // mail system
        if (!permanent) return SmtpReplyClass.TRANSIENT;
        return MAILBOX_FULL.matcher(text).find() ? SmtpReplyClass.RECIPIENT_SOFT : SmtpReplyClass.MESSAGE_REJECTED;
      case 4: // network and routing
        if (!permanent) return SmtpReplyClass.TRANSIENT;
        return detail == 1 || detail == 4 || UNKNOWN_RECIPIENT.matcher(text).find()
            ? SmtpReplyClass.RECIPIENT_HARD
            : SmtpReplyClass.MESSAGE_REJECTED;
      case 7: // security or policy
        return SmtpReplyClass.POLICY;
      default: // 5 protocol, 6 content, and anything else
        if (UNKNOWN_RECIPIENT.matcher(text).find() && permanent) return SmtpReplyClass.RECIPIENT_HARD;
        if (POLICY.matcher(text).find()) return SmtpReplyClass.POLICY;
        return permanent ? SmtpReplyClass.MESSAGE_REJECTED : SmtpReplyClass.TRANSIENT;
    }
  }

  private static SmtpReplyClass byCodeAndText(SmtpReply reply, String text) {
    if (reply.code() == 421) return SmtpReplyClass.POLICY;
    if (MAILBOX_FULL.matcher(text).find()) return SmtpReplyClass.RECIPIENT_SOFT;
    if (reply.permanent() && UNKNOWN_RECIPIENT.matcher(text).find()) return SmtpReplyClass.RECIPIENT_HARD;
    if (POLICY.matcher(text).find()) return SmtpReplyClass.POLICY;
    if (!reply.permanent()) return SmtpReplyClass.TRANSIENT;
    return SmtpReplyClass.MESSAGE_REJECTED;
  }
}
