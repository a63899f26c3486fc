package outreach.mail.message;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Deterministic Message-IDs: the same tenant, campaign and recipient always give the same id, on any node and
 * in any retry, so a re-sent message can be recognised as the same message.
 */
public final class MessageIds {

  /** 32 hex digits: 128 bits of the digest, plenty to keep ids of different recipients apart. */
  private static final int HEX_DIGITS = 32;
  private static final Pattern DOMAIN = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?");

  private MessageIds() {}

  /**
   * {@code <first 32 hex digits of sha256(tenant|campaign|lower-cased recipient)@domain>}. The separator may not
   * occur in the ids, so that two different pairs of ids cannot give the same input.
   */
  public static String of(String tenant, String campaign, String recipientEmail, String domain) {
    requireId("tenant", tenant);
    requireId("campaign", campaign);
    if (recipientEmail == null || recipientEmail.isBlank()) throw new IllegalArgumentException("recipient is empty");
    if (domain == null || !DOMAIN.matcher(domain).matches()) {
      throw new IllegalArgumentException("not a domain for a Message-ID: " + domain);
    }
    String key = tenant + "|" + campaign + "|" + recipientEmail.toLowerCase(Locale.ROOT);
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return "<" + HexFormat.of().formatHex(digest).substring(0, HEX_DIGITS) + "@" + domain + ">";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  private static void requireId(String what, String id) {
    if (id == null || id.isBlank()) throw new IllegalArgumentException(what + " id is empty");
    if (id.indexOf('|') >= 0) throw new IllegalArgumentException(what + " id contains '|': " + id);
  }
}
