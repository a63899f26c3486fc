package outreach.mail;

import java.util.Optional;

/** Guards text from users that will be written into a mail header: no CR, LF or other control characters. */
public final class HeaderText {

  private HeaderText() {}

  public static boolean hasLineBreak(String text) {
    return text != null && (text.indexOf('\r') >= 0 || text.indexOf('\n') >= 0);
  }

  /** Why this text cannot go into a header, or empty when it can. */
  public static Optional<String> problem(String text, int maxLength) {
    if (text == null) return Optional.empty();
    if (text.length() > maxLength) return Optional.of("is longer than " + maxLength + " characters");
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\r' || c == '\n') return Optional.of("contains a line break");
      if (Character.isISOControl(c) && c != '\t') return Optional.of("contains a control character");
    }
    return Optional.empty();
  }
}
