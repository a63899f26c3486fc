package outreach.protocol.delivery;

/** What an SMTP outcome means; the cluster's copy of the mail library's reply classes. */
public enum OutcomeClass {
  SUCCESS,
  RECIPIENT_HARD,
  RECIPIENT_SOFT,
  TRANSIENT,
  POLICY,
  AUTHENTICATION,
  MESSAGE_REJECTED,
  CONNECTION
}
