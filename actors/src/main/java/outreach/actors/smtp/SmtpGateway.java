package outreach.actors.smtp;

import outreach.protocol.account.AccountSettings;
import outreach.protocol.delivery.DeliveryOutcome;
import outreach.protocol.delivery.RenderedMessage;

/** Opens SMTP sessions for accounts: the one door from the entities to the outside mail world. */
public interface SmtpGateway {

  /** A session for one account, with its password in clear (opened by the account, never stored). */
  Session open(AccountSettings settings, String password);

  /**
   * One account's SMTP session. Blocking; used by one actor on a blocking dispatcher, so it needs
   * no locking. Implementations keep the connection open between sends and reconnect as needed.
   */
  interface Session extends AutoCloseable {

    /** Composes the message with the account's From and sends it; never throws for SMTP failures. */
    DeliveryOutcome send(RenderedMessage message);

    /** An authenticated session check (connect, authenticate, NOOP). */
    DeliveryOutcome probe();

    @Override
    void close();
  }
}
