package outreach.protocol.account;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;
import outreach.protocol.CborSerializable;

/** State of an SmtpAccount entity: not yet registered, or registered with its settings and health. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
  @JsonSubTypes.Type(value = AccountState.Unregistered.class, name = "unregistered"),
  @JsonSubTypes.Type(value = AccountState.Registered.class, name = "registered")
})
public sealed interface AccountState extends CborSerializable {

  record Unregistered() implements AccountState {}

  record Registered(
      String tenantId, String accountId, AccountSettings settings, AccountStatus status, Instant createdAt)
      implements AccountState {

    public AccountView view() {
      return new AccountView(
          tenantId,
          accountId,
          settings.host(),
          settings.port(),
          settings.security(),
          settings.username(),
          settings.fromAddress(),
          settings.fromName(),
          settings.pool(),
          settings.limits(),
          settings.warmUp(),
          status,
          createdAt);
    }
  }
}
