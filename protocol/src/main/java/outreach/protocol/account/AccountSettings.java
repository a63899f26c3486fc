package outreach.protocol.account;

import java.util.List;
import outreach.protocol.RateLimit;

/** What a tenant configures for one SMTP account. The password is sealed before it gets here. */
public record AccountSettings(
    String host,
    int port,
    SecurityMode security,
    String username,
    SealedSecret password,
    String fromAddress,
    String fromName,
    AccountPool pool,
    List<RateLimit> limits,
    WarmUp warmUp) {

  public static final List<RateLimit> DEFAULT_LIMITS =
      List.of(RateLimit.parse("10/1m"), RateLimit.parse("500/1d"));

  public AccountSettings {
    limits = List.copyOf(limits);
  }
}
