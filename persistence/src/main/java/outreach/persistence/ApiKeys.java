package outreach.persistence;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * API keys of the form {@code ok_<key id>_<secret>}: the key id (8 random bytes, hex) finds the
 * stored row, the secret (32 random bytes, base64url) is only ever stored as its SHA-256 and
 * compared in constant time. A 256-bit random secret needs no slow hash.
 */
public final class ApiKeys {

  private static final Pattern FORMAT = Pattern.compile("ok_([0-9a-f]{16})_([A-Za-z0-9_-]{43})");
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A key as the client sees it once, and the parts that are stored. */
  public record IssuedKey(String apiKey, String keyId, byte[] secretHash) {}

  /** A presented key split into its parts. */
  public record PresentedKey(String keyId, String secret) {}

  private ApiKeys() {}

  public static IssuedKey issue() {
    byte[] id = new byte[8];
    byte[] secret = new byte[32];
    RANDOM.nextBytes(id);
    RANDOM.nextBytes(secret);
    String keyId = HexFormat.of().formatHex(id);
    String secretText = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    return new IssuedKey("ok_" + keyId + "_" + secretText, keyId, hash(secretText));
  }

  public static Optional<PresentedKey> parse(String apiKey) {
    if (apiKey == null) return Optional.empty();
    Matcher m = FORMAT.matcher(apiKey);
    if (!m.matches()) return Optional.empty();
    return Optional.of(new PresentedKey(m.group(1), m.group(2)));
  }

  /** Constant-time comparison of a presented secret with a stored hash. */
  public static boolean matches(String secret, byte[] storedHash) {
    return MessageDigest.isEqual(hash(secret), storedHash);
  }

  static byte[] hash(String secret) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
