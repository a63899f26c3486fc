package outreach.protocol.account;

import java.time.Instant;
import outreach.protocol.CborSerializable;

/** Facts recorded in an SmtpAccount's journal. */
public sealed interface AccountEvent extends CborSerializable {

  String tenantId();

  String accountId();

  Instant at();

  record AccountRegistered(String tenantId, String accountId, AccountSettings settings, Instant at)
      implements AccountEvent {}
}
