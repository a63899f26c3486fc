package outreach.protocol.account;

import java.util.List;
import java.util.Optional;
import outreach.protocol.RateLimit;

/** A change to an account's settings: each present field replaces the current one. The password is sealed before it gets here. */
public record AccountSettingsChange(
    Optional<String> host,
    Optional<Integer> port,
    Optional<SecurityMode> security,
    Optional<String> username,
    Optional<SealedSecret> password,
    Optional<String> fromAddress,
    Optional<String> fromName,
    Optional<AccountPool> pool,
    Optional<List<RateLimit>> limits,
    Optional<WarmUp> warmUp) {

  /** The settings after this change. */
  public AccountSettings applyTo(AccountSettings current) {
    return new AccountSettings(
        host.orElse(current.host()),
        port.orElse(current.port()),
        security.orElse(current.security()),
        username.orElse(current.username()),
        password.orElse(current.password()),
        fromAddress.orElse(current.fromAddress()),
        fromName.orElse(current.fromName()),
        pool.orElse(current.pool()),
        limits.orElse(current.limits()),
        warmUp.orElse(current.warmUp()));
  }

  /** Whether going from {@code before} to {@code after} changes where or as whom the account logs in, which is what disables an account. */
  public static boolean changesConnection(AccountSettings before, AccountSettings after) {
    return !before.host().equals(after.host())
        || before.port() != after.port()
        || before.security() != after.security()
        || !before.username().equals(after.username())
        || !before.password().equals(after.password());
  }
}
