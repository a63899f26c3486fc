package outreach.mail.message;

import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and checks the token in unsubscribe links: it names a tenant, a campaign and a recipient, and only the
 * holder of the key can make one. The token is base64url without padding of a version byte, the three fields
 * (each a two-byte length and UTF-8) and an HMAC-SHA256 of all that. Thread-safe.
 */
public final class UnsubscribeToken {

  /** As long as the MAC's output, at least. */
  public static final int MIN_KEY_BYTES = 32;

  private static final String ALGORITHM = "HmacSHA256";
  private static final byte VERSION = 1;
  private static final int MAC_BYTES = 32;
  private static final int MAX_FIELD_BYTES = 0xFFFF;
  /** Binds the MAC to this use: a MAC made with the same key for another kind of link does not pass as this one. */
  private static final byte[] CONTEXT = "outreach-unsubscribe".getBytes(StandardCharsets.US_ASCII);
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  private final SecretKeySpec key;

  /** Whom a token unsubscribes, and from which campaign. */
  public record Subject(String tenantId, String campaignId, String email) {
    public Subject {
      requireField("tenant id", tenantId);
      requireField("campaign id", campaignId);
      requireField("email", email);
    }

    private static void requireField(String what, String value) {
      if (value == null || value.isEmpty()) throw new IllegalArgumentException(what + " is empty");
      if (value.getBytes(StandardCharsets.UTF_8).length > MAX_FIELD_BYTES) {
        throw new IllegalArgumentException(what + " is longer than " + MAX_FIELD_BYTES + " bytes");
      }
    }
  }

  public UnsubscribeToken(byte[] key) {
    if (key == null || key.length < MIN_KEY_BYTES) {
      throw new IllegalArgumentException("the unsubscribe key must have at least " + MIN_KEY_BYTES + " bytes");
    }
    this.key = new SecretKeySpec(key.clone(), ALGORITHM);
  }

  public String sign(Subject subject) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(VERSION);
    writeField(out, subject.tenantId());
    writeField(out, subject.campaignId());
    writeField(out, subject.email());
    byte[] payload = out.toByteArray();
    byte[] mac = mac(payload);
    byte[] token = Arrays.copyOf(payload, payload.length + mac.length);
    System.arraycopy(mac, 0, token, payload.length, mac.length);
    return ENCODER.encodeToString(token);
  }

  /** The subject of a token this key signed; empty for anything else: altered, truncated, forged, another key's. */
  public Optional<Subject> verify(String token) {
    if (token == null) return Optional.empty();
    byte[] raw;
    try {
      raw = DECODER.decode(token);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    // One token, one spelling: padding or stray low bits in the last character would otherwise decode alike.
    if (!ENCODER.encodeToString(raw).equals(token) || raw.length <= MAC_BYTES) return Optional.empty();
    byte[] payload = Arrays.copyOf(raw, raw.length - MAC_BYTES);
    byte[] mac = Arrays.copyOfRange(raw, raw.length - MAC_BYTES, raw.length);
    if (!MessageDigest.isEqual(mac(payload), mac)) return Optional.empty();
    return parse(payload);
  }

  private byte[] mac(byte[] payload) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      mac.update(CONTEXT);
      return mac.doFinal(payload);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(ALGORITHM + " is not available", e);
    }
  }

  private static void writeField(ByteArrayOutputStream out, String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    out.write(bytes.length >>> 8);
    out.write(bytes.length);
    out.write(bytes, 0, bytes.length);
  }

  /** Parses a payload whose MAC matched; strict all the same, so that only what {@link #sign} writes is read. */
  private static Optional<Subject> parse(byte[] payload) {
    ByteBuffer in = ByteBuffer.wrap(payload);
    if (in.get() != VERSION) return Optional.empty();
    try {
      String tenant = readField(in);
      String campaign = readField(in);
      String email = readField(in);
      if (in.hasRemaining()) return Optional.empty();
      return Optional.of(new Subject(tenant, campaign, email));
    } catch (CharacterCodingException
        | BufferUnderflowException
        | IndexOutOfBoundsException
        | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static String readField(ByteBuffer in) throws CharacterCodingException {
    int length = Short.toUnsignedInt(in.getShort());
    ByteBuffer field = in.slice(in.position(), length);
    in.position(in.position() + length);
    return StandardCharsets.UTF_8.newDecoder().decode(field).toString();
  }
}
