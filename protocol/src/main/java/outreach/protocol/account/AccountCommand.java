package outreach.protocol.account;

import akka.actor.typed.ActorRef;
import outreach.protocol.CborSerializable;

/** Commands to the SmtpAccount entity. */
public sealed interface AccountCommand extends CborSerializable {

  /** Create the account with these settings; answered {@link AccountReply.Found} or {@link AccountReply.AlreadyExists}. */
  record Register(AccountSettings settings, ActorRef<AccountReply> replyTo) implements AccountCommand {}

  /** Show the account; answered {@link AccountReply.Found} or {@link AccountReply.NotFound}. */
  record Get(ActorRef<AccountReply> replyTo) implements AccountCommand {}
}
