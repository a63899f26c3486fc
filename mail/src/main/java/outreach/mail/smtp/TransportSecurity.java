package outreach.mail.smtp;

/** How the SMTP session is protected on the wire. */
public enum TransportSecurity {
  /** Plain connection upgraded with STARTTLS (usually port 587); a server that does not offer it is refused. */
  STARTTLS,
  /** TLS from the first byte (usually port 465). */
  TLS,
  /** No encryption: only for a relay on the same host or a test server. */
  NONE
}
