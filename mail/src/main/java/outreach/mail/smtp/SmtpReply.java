package outreach.mail.smtp;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One SMTP reply: the basic code (RFC 5321), the enhanced status code when the server sent one
 * (RFC 3463, e.g. {@code 5.1.1}), and the text with continuation prefixes removed.
 */
public record SmtpReply(int code, Optional<String> enhanced, String text) {

  private static final Pattern FIRST = Pattern.compile("^\\s*([2-5]\\d\\d)(?:[ -]|$)(.*)$", Pattern.DOTALL);
  private static final Pattern ENHANCED = Pattern.compile("^([245])\\.(\\d{1,3})\\.(\\d{1,3})\\b\\s*");
  private static final Pattern LINE_BREAKS = Pattern.compile("\\s*[\\r\\n]+\\s*");
  private static final Pattern CONTINUATION = Pattern.compile("(?m)^[2-5]\\d\\d[ -](?:[245]\\.\\d{1,3}\\.\\d{1,3}\\s+)?");

  public SmtpReply {
    if (code < 200 || code > 599) throw new IllegalArgumentException("not an SMTP reply code: " + code);
    text = text == null ? "" : text.strip();
  }

  public static SmtpReply of(int code, String enhanced, String text) {
    return new SmtpReply(code, Optional.ofNullable(enhanced), text);
  }

  /**
   * Parses a reply as servers send it, single or multi-line ({@code 550-5.1.1 ...\r\n550 5.1.1 ...}).
   * Empty when the text does not start with a reply code.
   */
  public static Optional<SmtpReply> parse(String raw) {
    if (raw == null) return Optional.empty();
    Matcher m = FIRST.matcher(raw);
    if (!m.matches()) return Optional.empty();
    int code = Integer.parseInt(m.group(1));
    String rest = m.group(2);
    Optional<String> enhanced = Optional.empty();
    Matcher e = ENHANCED.matcher(rest);
    if (e.find() && e.group(1).charAt(0) == m.group(1).charAt(0)) {
      enhanced = Optional.of(e.group(1) + "." + e.group(2) + "." + e.group(3));
      rest = rest.substring(e.end());
    }
    // A one-line reply (the usual "250 2.0.0 Ok") has no continuation lines to strip.
    String text =
        rest.indexOf('\n') < 0 && rest.indexOf('\r') < 0
            ? rest
            : LINE_BREAKS.matcher(CONTINUATION.matcher(rest).replaceAll("")).replaceAll(" ");
    return Optional.of(new SmtpReply(code, enhanced, text));
  }

  /** The enhanced code's subject (the middle number), or -1 without one. */
  int subject() {
    return enhanced.map(c -> Integer.parseInt(c.split("\\.")[1])).orElse(-1);
  }

  /** The enhanced code's detail (the last number), or -1 without one. */
  int detail() {
    return enhanced.map(c -> Integer.parseInt(c.split("\\.")[2])).orElse(-1);
  }

  boolean permanent() {
    return code >= 500;
  }

  @Override
  public String toString() {
    return code + enhanced.map(e -> " " + e).orElse("") + (text.isEmpty() ? "" : " " + text);
  }
}
