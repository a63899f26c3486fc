package outreach.mail.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecretCipherTest {

  private final String key = SecretCipher.generateKey();
  private final SecretCipher cipher = SecretCipher.fromBase64(key, List.of());

  @Test
  void sealsAndOpensForTheSameOwner() {
    SecretCipher.Sealed sealed = cipher.seal("p@ssw0rd", "t_1|acc-1");
    assertThat(sealed.keyId()).isEqualTo(cipher.currentKeyId());
    assertThat(cipher.open(sealed, "t_1|acc-1")).isEqualTo("p@ssw0rd");
  }

  @Test
  void ciphertextRevealsNothingAndNeverRepeats() {
    SecretCipher.Sealed a = cipher.seal("p@ssw0rd", "o");
    SecretCipher.Sealed b = cipher.seal("p@ssw0rd", "o");
    assertThat(a.sealed()).isNotEqualTo(b.sealed());
    assertThat(new String(Base64.getDecoder().decode(a.sealed()), java.nio.charset.StandardCharsets.ISO_8859_1))
        .doesNotContain("p@ssw0rd");
    assertThat(a.toString()).doesNotContain(a.sealed());
  }

  @Test
  void anotherOwnerCannotOpenIt() {
    SecretCipher.Sealed sealed = cipher.seal("p@ssw0rd", "t_1|acc-1");
    assertThatThrownBy(() -> cipher.open(sealed, "t_2|acc-1"))
        .isInstanceOf(SecretCipher.SecretException.class)
        .hasMessageContaining("another owner");
  }

  @Test
  void alteredCiphertextDoesNotOpen() {
    SecretCipher.Sealed sealed = cipher.seal("p@ssw0rd", "o");
    byte[] raw = Base64.getDecoder().decode(sealed.sealed());
    raw[raw.length - 1] ^= 1;
    SecretCipher.Sealed altered = new SecretCipher.Sealed(sealed.keyId(), Base64.getEncoder().encodeToString(raw));
    assertThatThrownBy(() -> cipher.open(altered, "o")).isInstanceOf(SecretCipher.SecretException.class);
  }

  @Test
  void previousKeysStillOpenAfterRotation() {
    SecretCipher.Sealed old = cipher.seal("p@ssw0rd", "o");
    SecretCipher rotated = SecretCipher.fromBase64(SecretCipher.generateKey(), List.of(key));
    assertThat(rotated.currentKeyId()).isNotEqualTo(cipher.currentKeyId());
    assertThat(rotated.open(old, "o")).isEqualTo("p@ssw0rd");
    assertThat(rotated.seal("x", "o").keyId()).isEqualTo(rotated.currentKeyId());
  }

  @Test
  void unknownKeyIsNamed() {
    SecretCipher.Sealed sealed = cipher.seal("p@ssw0rd", "o");
    SecretCipher other = SecretCipher.fromBase64(SecretCipher.generateKey(), List.of());
    assertThatThrownBy(() -> other.open(sealed, "o")).hasMessageContaining(sealed.keyId());
  }

  @Test
  void derivedKeysDependOnPurposeAndMasterKey() {
    assertThat(cipher.deriveKey("links")).hasSize(32).isEqualTo(cipher.deriveKey("links"));
    assertThat(cipher.deriveKey("links")).isNotEqualTo(cipher.deriveKey("other"));
    assertThat(SecretCipher.fromBase64(SecretCipher.generateKey(), List.of()).deriveKey("links")).isNotEqualTo(cipher.deriveKey("links"));
  }

  @Test
  void rejectsKeysOfTheWrongSize() {
    String shortKey = Base64.getEncoder().encodeToString(new byte[16]);
    assertThatThrownBy(() -> SecretCipher.fromBase64(shortKey, List.of())).hasMessageContaining("32 bytes");
    assertThatThrownBy(() -> SecretCipher.fromBase64("not base64!", List.of())).hasMessageContaining("base64");
    assertThatThrownBy(() -> SecretCipher.fromBase64("", List.of())).hasMessageContaining("missing");
  }
}
