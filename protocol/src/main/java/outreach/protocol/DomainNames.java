package outreach.protocol;

import java.util.regex.Pattern;

/** What the system takes for a domain name: a lower-case host name of at least two labels, no IP literal. */
public final class DomainNames {

  /** Letters, digits and hyphens per label (no hyphen at either end), a top-level label starting with a letter. */
  private static final Pattern DOMAIN =
      Pattern.compile("(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?");

  private DomainNames() {}

  /** Whether {@code name}, already lower-cased, is a domain name such as {@code mail.example.com}. */
  public static boolean isDomainName(String name) {
    return name != null && DOMAIN.matcher(name).matches();
  }
}
