package outreach.protocol.account;

import outreach.protocol.CborSerializable;

/** What the SmtpAccount entity answers to Register, Get, Pause, Resume, UpdateSettings, Disable and Delete. */
public sealed interface AccountReply extends CborSerializable {

  record Found(AccountView account) implements AccountReply {}

  record NotFound(String accountId) implements AccountReply {}

  record AlreadyExists(String accountId) implements AccountReply {}

  /** The account was deleted (or already was). */
  record Deleted(String accountId) implements AccountReply {}
}
