package outreach.protocol.account;

/**
 * A secret encrypted with AES-256-GCM under the master key named by {@code keyId}; {@code sealed} is
 * base64 of nonce, ciphertext and tag. Never holds the clear text; {@link #toString()} hides even the ciphertext.
 */
public record SealedSecret(String keyId, String sealed) {

  @Override
  public String toString() {
    return "SealedSecret[keyId=" + keyId + ", sealed=***]";
  }
}
