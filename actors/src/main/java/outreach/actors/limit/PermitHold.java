package outreach.actors.limit;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * How long after its grant a permit can still turn into a message at the receiving server, derived from
 * the timeouts that bound every step in between, so the limits can count an open permit for as long as
 * its send may still happen ({@link SendWindows}).
 */
public final class PermitHold {

  /**
   * Replies an SMTP transaction can wait for, each at most the read timeout: greeting, EHLO, STARTTLS,
   * EHLO again, two AUTH steps, a check of a reused connection, MAIL, RCPT, DATA, the end of DATA, and
   * one to spare.
   */
  static final int REPLIES_PER_TRANSACTION = 12;

  private PermitHold() {}

  /** The longest an account's own permit (granted just before its transaction) can take to reach the server. */
  public static Duration ofTransaction(Config config) {
    Config smtp = config.getConfig("outreach.smtp");
    return smtp.getDuration("connect-timeout").plus(smtp.getDuration("read-timeout").multipliedBy(REPLIES_PER_TRANSACTION));
  }

  /**
   * The longest a quota's or a domain's permit can take to reach the server: the answer to the next ask
   * (permit-timeout), the deadline within which the account must start the send (send-start-within),
   * then the transaction.
   */
  public static Duration ofReservation(Config config) {
    Config campaign = config.getConfig("outreach.campaign");
    return campaign.getDuration("permit-timeout").plus(campaign.getDuration("send-start-within")).plus(ofTransaction(config));
  }
}
