package outreach.mail.smtp;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import outreach.mail.HeaderText;

/**
 * How to reach and log in to one account's SMTP server. The password never appears in {@link #toString()}.
 *
 * @param username the login; without one the session does not authenticate
 * @param password the login's password; empty without a username
 * @param connectTimeout how long to wait for the TCP connection
 * @param readTimeout how long to wait for each reply, and for each write to go out
 * @param localHostName the name to announce in EHLO; the JVM's host name when empty
 * @param trustAllCertificates accept any certificate for any host name: only for tests against a local server
 *     with a self-signed certificate, never for an account
 */
public record SmtpSettings(
    String host,
    int port,
    TransportSecurity security,
    Optional<String> username,
    String password,
    Duration connectTimeout,
    Duration readTimeout,
    Optional<String> localHostName,
    boolean trustAllCertificates) {

  private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9_.:\\[\\]-]+");
  private static final int MAX_PORT = 65_535;

  public SmtpSettings {
    if (host == null || !HOST_NAME.matcher(host).matches()) {
      throw new IllegalArgumentException("not a host name: " + host);
    }
    if (port < 1 || port > MAX_PORT) throw new IllegalArgumentException("not a port: " + port);
    Objects.requireNonNull(security, "security");
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
    username.ifPresent(u -> {
      if (u.isEmpty() || HeaderText.problem(u, Integer.MAX_VALUE).isPresent()) {
        throw new IllegalArgumentException("the username is empty or holds control characters");
      }
    });
    if (username.isEmpty() && !password.isEmpty()) throw new IllegalArgumentException("a password needs a username");
    requirePositive("connectTimeout", connectTimeout);
    requirePositive("readTimeout", readTimeout);
    Objects.requireNonNull(localHostName, "localHostName");
    localHostName.ifPresent(name -> {
      if (!HOST_NAME.matcher(name).matches()) throw new IllegalArgumentException("not a host name for EHLO: " + name);
    });
  }

  /** Settings that check the server's certificate, as every real account must. */
  public SmtpSettings(
      String host,
      int port,
      TransportSecurity security,
      Optional<String> username,
      String password,
      Duration connectTimeout,
      Duration readTimeout,
      Optional<String> localHostName) {
    this(host, port, security, username, password, connectTimeout, readTimeout, localHostName, false);
  }

  private static void requirePositive(String what, Duration duration) {
    Objects.requireNonNull(duration, what);
    if (duration.isNegative() || duration.isZero() || duration.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(what + " must be positive and under 24 days: " + duration);
    }
  }

  @Override
  public String toString() {
    return "SmtpSettings[host=" + host + ", port=" + port + ", security=" + security
        + ", username=" + username.orElse("") + ", password=***"
        + ", connectTimeout=" + connectTimeout + ", readTimeout=" + readTimeout
        + ", localHostName=" + localHostName.orElse("") + ", trustAllCertificates=" + trustAllCertificates + "]";
  }
}
