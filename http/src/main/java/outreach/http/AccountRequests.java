package outreach.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import outreach.mail.EmailAddresses;
import outreach.mail.HeaderText;
import outreach.protocol.EntityIds;
import outreach.protocol.RateLimit;
import outreach.protocol.account.AccountPool;
import outreach.protocol.account.SecurityMode;
import outreach.protocol.account.WarmUp;

/** Validation of account requests into checked values; every problem names its field. */
final class AccountRequests {

  /** Body of {@code POST /v1/accounts}; missing optional fields take their defaults. */
  record CreateAccount(
      String id,
      String host,
      Integer port,
      String security,
      String username,
      String password,
      String fromAddress,
      String fromName,
      String pool,
      List<String> limits,
      WarmUpBody warmUp) {}

  /** Body of {@code PATCH /v1/accounts/{id}}: the fields given replace the current ones. */
  record UpdateAccount(
      String host,
      Integer port,
      String security,
      String username,
      String password,
      String fromAddress,
      String fromName,
      String pool,
      List<String> limits,
      WarmUpBody warmUp) {}

  /** A validated change; the password is still clear text here and sealed by the caller. */
  record ValidChange(
      Optional<String> host,
      Optional<Integer> port,
      Optional<SecurityMode> security,
      Optional<String> username,
      Optional<String> password,
      Optional<String> fromAddress,
      Optional<String> fromName,
      Optional<AccountPool> pool,
      Optional<List<RateLimit>> limits,
      Optional<WarmUp> warmUp) {}

  /** The warm-up part of an account body. */
  record WarmUpBody(Boolean enabled, Integer startPerDay, Integer stepPerDay) {}

  /** A validated account request; the password is still clear text here and sealed by the caller. */
  record ValidAccount(
      String id,
      String host,
      int port,
      SecurityMode security,
      String username,
      String password,
      String fromAddress,
      String fromName,
      AccountPool pool,
      List<RateLimit> limits,
      WarmUp warmUp) {}

  /** Host names (RFC 1123 labels) and IPv4/IPv6 literals. */
  private static final Pattern HOST =
      Pattern.compile(
          "(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\\.?"
              + "|\\[?[0-9A-Fa-f:.]+]?");

  private static final int MAX_USERNAME = 255;
  private static final int MAX_PASSWORD = 1024;
  private static final int MAX_FROM_NAME = 200;
  private static final int MAX_LIMITS = 10;

  private AccountRequests() {}

  static ValidAccount validate(CreateAccount body, String generatedId) {
    String id = body.id() == null ? generatedId : body.id();
    if (!EntityIds.isValidLocalId(id)) {
      throw Problem.badRequest(
          "field 'id' must be 1-64 letters, digits, '.', '-' or '_', starting with a letter or digit");
    }
    String host = host(body.host());
    SecurityMode security = body.security() == null ? SecurityMode.STARTTLS : security(body.security());
    int port = port(body.port() == null ? defaultPort(security) : body.port());
    String username = username(body.username());
    String password = password(body.password());
    String fromAddress = fromAddress(body.fromAddress());
    String fromName = fromName(body.fromName());
    AccountPool pool = body.pool() == null ? AccountPool.PRIMARY : pool(body.pool());
    return new ValidAccount(
        id, host, port, security, username, password, fromAddress, fromName, pool, limits(body.limits()),
        warmUp(body.warmUp()));
  }

  /**
   * Checks the fields of a change with the rules of {@link #validate}; fields left out stay as they
   * are (the port too, when only the security mode changes).
   */
  static ValidChange validate(UpdateAccount body) {
    return new ValidChange(
        Optional.ofNullable(body.host()).map(AccountRequests::host),
        Optional.ofNullable(body.port()).map(AccountRequests::port),
        Optional.ofNullable(body.security()).map(AccountRequests::security),
        Optional.ofNullable(body.username()).map(AccountRequests::username),
        Optional.ofNullable(body.password()).map(AccountRequests::password),
        Optional.ofNullable(body.fromAddress()).map(AccountRequests::fromAddress),
        Optional.ofNullable(body.fromName()).map(AccountRequests::fromName),
        Optional.ofNullable(body.pool()).map(AccountRequests::pool),
        Optional.ofNullable(body.limits()).map(AccountRequests::limits),
        Optional.ofNullable(body.warmUp()).map(AccountRequests::warmUp));
  }

  private static String host(String value) {
    String host = required(value, "host");
    if (!HOST.matcher(host).matches()) throw Problem.badRequest("field 'host' is not a host name or IP address");
    return host.toLowerCase(Locale.ROOT);
  }

  private static SecurityMode security(String value) {
    try {
      return SecurityMode.fromWireName(value);
    } catch (IllegalArgumentException e) {
      throw Problem.badRequest("field 'security': " + e.getMessage());
    }
  }

  private static int port(int port) {
    if (port < 1 || port > 65_535) throw Problem.badRequest("field 'port' must be between 1 and 65535, got " + port);
    return port;
  }

  private static String username(String value) {
    String username = required(value, "username");
    headerSafe(username, "username", MAX_USERNAME);
    return username;
  }

  private static String password(String password) {
    if (password == null || password.isEmpty()) throw Problem.badRequest("field 'password' is required");
    if (password.length() > MAX_PASSWORD) {
      throw Problem.badRequest("field 'password' is longer than " + MAX_PASSWORD + " characters");
    }
    return password;
  }

  private static String fromAddress(String value) {
    String fromAddress = required(value, "fromAddress");
    EmailAddresses.problem(fromAddress)
        .ifPresent(p -> {
          throw Problem.badRequest("field 'fromAddress': " + p);
        });
    return fromAddress;
  }

  private static String fromName(String value) {
    String fromName = value == null ? "" : value.strip();
    headerSafe(fromName, "fromName", MAX_FROM_NAME);
    return fromName;
  }

  private static AccountPool pool(String value) {
    try {
      return AccountPool.fromWireName(value);
    } catch (IllegalArgumentException e) {
      throw Problem.badRequest("field 'pool': " + e.getMessage());
    }
  }

  private static List<RateLimit> limits(List<String> limits) {
    if (limits == null) return outreach.protocol.account.AccountSettings.DEFAULT_LIMITS;
    if (limits.isEmpty()) throw Problem.badRequest("field 'limits' must name at least one limit, such as 500/1d");
    if (limits.size() > MAX_LIMITS) throw Problem.badRequest("field 'limits' holds at most " + MAX_LIMITS + " limits");
    List<RateLimit> parsed = new ArrayList<>();
    for (int i = 0; i < limits.size(); i++) {
      try {
        RateLimit limit = RateLimit.parse(limits.get(i));
        if (parsed.stream().anyMatch(l -> l.window().equals(limit.window()))) {
          throw Problem.badRequest("field 'limits[" + i + "]' repeats the window of another limit");
        }
        parsed.add(limit);
      } catch (IllegalArgumentException e) {
        throw Problem.badRequest("field 'limits[" + i + "]': " + e.getMessage());
      }
    }
    return List.copyOf(parsed);
  }

  private static WarmUp warmUp(WarmUpBody body) {
    if (body == null) return WarmUp.DEFAULT;
    boolean enabled = body.enabled() == null ? WarmUp.DEFAULT.enabled() : body.enabled();
    int start = body.startPerDay() == null ? WarmUp.DEFAULT.startPerDay() : body.startPerDay();
    int step = body.stepPerDay() == null ? WarmUp.DEFAULT.stepPerDay() : body.stepPerDay();
    if (start < 1) throw Problem.badRequest("field 'warmUp.startPerDay' must be at least 1");
    if (step < 0) throw Problem.badRequest("field 'warmUp.stepPerDay' must not be negative");
    return new WarmUp(enabled, start, step);
  }

  private static int defaultPort(SecurityMode security) {
    return switch (security) {
      case STARTTLS -> 587;
      case TLS -> 465;
      case NONE -> 25;
    };
  }

  private static String required(String value, String field) {
    if (value == null || value.isBlank()) throw Problem.badRequest("field '" + field + "' is required");
    return value.strip();
  }

  private static void headerSafe(String value, String field, int max) {
    HeaderText.problem(value, max)
        .ifPresent(p -> {
          throw Problem.badRequest("field '" + field + "' " + p);
        });
  }
}
