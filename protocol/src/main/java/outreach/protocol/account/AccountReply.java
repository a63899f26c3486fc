package outreach.protocol.account;

import outreach.protocol.CborSerializable;

/** What the SmtpAccount entity answers to Register, Get, Pause and Resume. */
public sealed interface AccountReply extends CborSerializable {

  record Found(AccountView account) implements AccountReply {}

  record NotFound(String accountId) implements AccountReply {}

  record AlreadyExists(String accountId) implements AccountReply {}
}
