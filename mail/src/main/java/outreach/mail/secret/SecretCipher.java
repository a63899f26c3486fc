package outreach.mail.secret;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals secrets (SMTP passwords, DKIM private keys) with AES-256-GCM under a master key that lives
 * outside the database. Each sealed value names its key by id, so older keys can still open values
 * while new ones are sealed under the current key. The associated data binds a value to its owner:
 * a sealed password copied onto another account does not open.
 */
public final class SecretCipher {

  private static final int KEY_BYTES = 32;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final SecureRandom random = new SecureRandom();
  private final String currentKeyId;
  private final Map<String, SecretKey> keys;

  /** A value sealed under a key: its id and base64 of nonce, ciphertext and tag. */
  public record Sealed(String keyId, String sealed) {
    @Override
    public String toString() {
      return "Sealed[keyId=" + keyId + ", sealed=***]";
    }
  }

  private SecretCipher(String currentKeyId, Map<String, SecretKey> keys) {
    this.currentKeyId = currentKeyId;
    this.keys = keys;
  }

  /**
   * A cipher sealing under {@code currentKey} and opening values sealed under it or any of {@code previousKeys};
   * each key is base64 of 32 bytes.
   */
  public static SecretCipher fromBase64(String currentKey, List<String> previousKeys) {
    Map<String, SecretKey> keys = new LinkedHashMap<>();
    SecretKey current = decodeKey(currentKey, "master key");
    String currentId = keyId(current);
    keys.put(currentId, current);
    for (String previous : previousKeys) {
      SecretKey k = decodeKey(previous, "previous master key");
      keys.putIfAbsent(keyId(k), k);
    }
    return new SecretCipher(currentId, Map.copyOf(keys));
  }

  /** A new random master key, base64 of 32 bytes. */
  public static String generateKey() {
    byte[] key = new byte[KEY_BYTES];
    new SecureRandom().nextBytes(key);
    return Base64.getEncoder().encodeToString(key);
  }

  /**
   * A key for another purpose (e.g. signing unsubscribe links), derived from the current master key
   * with HMAC-SHA256 over the purpose's name, so one secret outside the database covers both.
   */
  public byte[] deriveKey(String purpose) {
    try {
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(keys.get(currentKeyId).getEncoded(), "HmacSHA256"));
      return mac.doFinal(purpose.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  public String currentKeyId() {
    return currentKeyId;
  }

  public Sealed seal(String clearText, String owner) {
    try {
      byte[] nonce = new byte[NONCE_BYTES];
      random.nextBytes(nonce);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, keys.get(currentKeyId), new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(owner.getBytes(StandardCharsets.UTF_8));
      byte[] ct = cipher.doFinal(clearText.getBytes(StandardCharsets.UTF_8));
      byte[] out = ByteBuffer.allocate(nonce.length + ct.length).put(nonce).put(ct).array();
      return new Sealed(currentKeyId, Base64.getEncoder().encodeToString(out));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  /** Opens a sealed value; fails when the key is unknown, the owner differs or the value was altered. */
  public String open(Sealed sealed, String owner) {
    SecretKey key = keys.get(sealed.keyId());
    if (key == null) {
      throw new SecretException("secret was sealed under key " + sealed.keyId() + ", which is not configured");
    }
    byte[] in;
    try {
      in = Base64.getDecoder().decode(sealed.sealed());
    } catch (IllegalArgumentException e) {
      throw new SecretException("sealed secret is not base64");
    }
    if (in.length < NONCE_BYTES + TAG_BITS / 8) throw new SecretException("sealed secret is truncated");
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
      cipher.updateAAD(owner.getBytes(StandardCharsets.UTF_8));
      byte[] clear = cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES);
      return new String(clear, StandardCharsets.UTF_8);
    } catch (javax.crypto.AEADBadTagException e) {
      throw new SecretException("sealed secret does not open: altered, or sealed for another owner");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  private static SecretKey decodeKey(String base64, String what) {
    if (base64 == null || base64.isBlank()) throw new SecretException(what + " is missing");
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(base64.trim());
    } catch (IllegalArgumentException e) {
      throw new SecretException(what + " is not valid base64");
    }
    if (raw.length != KEY_BYTES) {
      throw new SecretException(what + " must be base64 of 32 bytes, got " + raw.length + " bytes");
    }
    return new SecretKeySpec(raw, "AES");
  }

  /** A key's id: the first 8 bytes of the SHA-256 of the key, in hex. Reveals nothing useful about the key. */
  private static String keyId(SecretKey key) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  /** A secret or key that cannot be used. */
  public static final class SecretException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SecretException(String message) {
      super(message);
    }
  }
}
