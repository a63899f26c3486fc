package outreach.mail.smtp;

/** What an SMTP outcome means for the recipient, the message and the account that sent it. */
public enum SmtpReplyClass {
  /** Accepted (2xx). */
  SUCCESS(false, false),
  /** The recipient does not exist or is disabled (5.1.x, 5.2.1, "user unknown"): suppress, never retry. */
  RECIPIENT_HARD(false, false),
  /** The mailbox is full or temporarily unavailable (4.2.2 and other mailbox 4xx): retry later. */
  RECIPIENT_SOFT(true, false),
  /** A temporary failure of the receiving system (other 4xx, greylisting): retry later. */
  TRANSIENT(true, false),
  /** Policy, reputation or throttling (421, 4.7.x, 5.7.x other than authentication). */
  POLICY(true, true),
  /** The account's credentials or TLS settings were refused (535, 5.7.8, 534 5.7.9, 530). */
  AUTHENTICATION(false, true),
  /** This message cannot be delivered as it is (size, content, syntax): fail it, no retry. */
  MESSAGE_REJECTED(false, false),
  /** No usable SMTP session: connection refused or cut, timeout, TLS handshake failure. */
  CONNECTION(true, true);

  private final boolean retryable;
  private final boolean accountLevel;

  SmtpReplyClass(boolean retryable, boolean accountLevel) {
    this.retryable = retryable;
    this.accountLevel = accountLevel;
  }

  /** Whether the same message may succeed if tried again later. */
  public boolean retryable() {
    return retryable;
  }

  /** Whether it says something about the sending account (counts toward its consecutive failures) rather than the recipient. */
  public boolean accountLevel() {
    return accountLevel;
  }
}
