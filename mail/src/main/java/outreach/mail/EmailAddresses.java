package outreach.mail;

import java.util.Locale;
import java.util.Optional;
import org.apache.commons.validator.routines.EmailValidator;

/** Syntax checks for email addresses that will end up in headers and SMTP envelopes. */
public final class EmailAddresses {

  /** RFC 5321 limit on a path: 256 including the angle brackets. */
  private static final int MAX_LENGTH = 254;

  private static final EmailValidator VALIDATOR = EmailValidator.getInstance(false, false);

  private EmailAddresses() {}

  /**
   * The last addresses this thread found valid. Sending one message checks its sender and recipient when
   * the message is built and again for the SMTP envelope, and an account's sender stays the same: the full
   * check (a regular expression and IDN conversion of the domain) is the costly part.
   */
  private static final ThreadLocal<String[]> RECENTLY_VALID = ThreadLocal.withInitial(() -> new String[4]);

  /** Why this address cannot be used, or empty when it can. */
  public static Optional<String> problem(String address) {
    if (address != null) {
      for (String valid : RECENTLY_VALID.get()) if (address.equals(valid)) return Optional.empty();
    }
    Optional<String> problem = check(address);
    if (problem.isEmpty()) {
      String[] recent = RECENTLY_VALID.get();
      System.arraycopy(recent, 0, recent, 1, recent.length - 1);
      recent[0] = address;
    }
    return problem;
  }

  private static Optional<String> check(String address) {
    if (address == null || address.isBlank()) return Optional.of("address is missing");
    if (HeaderText.hasLineBreak(address)) return Optional.of("address contains a line break");
    if (address.length() > MAX_LENGTH) return Optional.of("address is longer than " + MAX_LENGTH + " characters");
    if (!VALIDATOR.isValid(address)) return Optional.of("'" + address + "' is not a valid email address");
    return Optional.empty();
  }

  public static boolean isValid(String address) {
    return problem(address).isEmpty();
  }

  /** The domain part, lower-cased. */
  public static String domainOf(String address) {
    int at = address.lastIndexOf('@');
    if (at < 0) throw new IllegalArgumentException("not an address: " + address);
    return address.substring(at + 1).toLowerCase(Locale.ROOT);
  }
}
