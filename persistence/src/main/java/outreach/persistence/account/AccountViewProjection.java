package outreach.persistence.account;

import akka.actor.typed.ActorSystem;
import javax.sql.DataSource;
import outreach.persistence.TaggedProjection;
import outreach.protocol.account.AccountEvent;
import outreach.protocol.account.SmtpAccountKeys;

/** Runs one exactly-once projection per account tag, spread over the cluster, that keeps {@code account_view}. */
public final class AccountViewProjection {

  public static final String NAME = "account-view";

  private AccountViewProjection() {}

  public static void init(ActorSystem<?> system, DataSource dataSource) {
    TaggedProjection.<AccountEvent>init(system, NAME, SmtpAccountKeys.TAGS, dataSource, AccountViewHandler::new);
  }
}
