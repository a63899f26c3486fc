package outreach.mail.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UnsubscribeTokenTest {

  private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  private static final byte[] KEY = bytes(32, 7);
  private static final UnsubscribeToken TOKENS = new UnsubscribeToken(KEY);
  private static final UnsubscribeToken.Subject ANN =
      new UnsubscribeToken.Subject("tenant-7", "campaign-42", "ann.smith@example.com");

  @Test
  void aSignedTokenVerifiesToItsSubject() {
    UnsubscribeToken.Subject zoe = new UnsubscribeToken.Subject("7f1c9a2e-0b1d-4c55-9e0a-1d2b3c4d5e6f", "spring-2025", "zoë@bücher.example");

    assertThat(TOKENS.verify(TOKENS.sign(ANN))).contains(ANN);
    assertThat(TOKENS.verify(TOKENS.sign(zoe))).contains(zoe);
  }

  @Test
  void aTokenIsUrlSafeWithoutPaddingAndTheSameEachTime() {
    String token = TOKENS.sign(ANN);

    assertThat(token).matches("[A-Za-z0-9_-]+");
    assertThat(URLEncoder.encode(token, StandardCharsets.UTF_8)).isEqualTo(token);
    assertThat(TOKENS.sign(ANN)).isEqualTo(token);
  }

  @Test
  void everySingleCharacterAlterationFails() {
    String token = TOKENS.sign(ANN);
    for (int i = 0; i < token.length(); i++) {
      for (char c : (ALPHABET + "+/=.~%").toCharArray()) {
        if (c == token.charAt(i)) continue;
        String altered = token.substring(0, i) + c + token.substring(i + 1);
        assertThat(TOKENS.verify(altered)).as("character %d changed to %s", i, c).isEmpty();
      }
    }
  }

  @Test
  void everySingleByteAlterationFails() {
    byte[] raw = Base64.getUrlDecoder().decode(TOKENS.sign(ANN));
    for (int i = 0; i < raw.length; i++) {
      for (int b = 0; b < 256; b++) {
        if ((byte) b == raw[i]) continue;
        byte[] altered = raw.clone();
        altered[i] = (byte) b;
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(altered);
        assertThat(TOKENS.verify(token)).as("byte %d changed to %d", i, b).isEmpty();
      }
    }
  }

  @Test
  void truncatedOrExtendedTokensFail() {
    String token = TOKENS.sign(ANN);
    for (int length = 0; length < token.length(); length++) {
      assertThat(TOKENS.verify(token.substring(0, length))).as("first %d characters", length).isEmpty();
    }
    assertThat(TOKENS.verify(token + "A")).isEmpty();
    assertThat(TOKENS.verify(token + "=")).isEmpty();
    assertThat(TOKENS.verify("A" + token)).isEmpty();
  }

  @Test
  void aTokenFromAnotherKeyFails() {
    UnsubscribeToken other = new UnsubscribeToken(bytes(32, 8));

    assertThat(TOKENS.verify(other.sign(ANN))).isEmpty();
    assertThat(other.verify(TOKENS.sign(ANN))).isEmpty();
  }

  @Test
  void forgedTokensFail() {
    byte[] ann = Base64.getUrlDecoder().decode(TOKENS.sign(ANN));
    byte[] bob = Base64.getUrlDecoder().decode(TOKENS.sign(new UnsubscribeToken.Subject("tenant-7", "campaign-42", "bob@example.com")));
    int payload = ann.length - 32;
    byte[] spliced = Arrays.copyOf(ann, ann.length);
    System.arraycopy(bob, bob.length - 32, spliced, payload, 32);
    byte[] zeroMac = Arrays.copyOf(ann, ann.length);
    Arrays.fill(zeroMac, payload, zeroMac.length, (byte) 0);
    byte[] noMac = Arrays.copyOf(ann, payload);

    for (byte[] forged : new byte[][] {spliced, zeroMac, noMac}) {
      assertThat(TOKENS.verify(Base64.getUrlEncoder().withoutPadding().encodeToString(forged))).isEmpty();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"=", "====", "not a token", "!!!!", "AAAA", "a.b.c", "%00%0d%0a"})
  void garbageFails(String garbage) {
    assertThat(TOKENS.verify(garbage)).isEmpty();
    assertThat(TOKENS.verify(garbage + TOKENS.sign(ANN))).isEmpty();
    assertThat(TOKENS.verify(TOKENS.sign(ANN) + garbage)).isEmpty();
  }

  @Test
  void nullAndEmptyFail() {
    assertThat(TOKENS.verify(null)).isEmpty();
    assertThat(TOKENS.verify("")).isEmpty();
  }

  @Test
  void aShortKeyIsRefusedAndTheKeyIsCopied() {
    assertThatThrownBy(() -> new UnsubscribeToken(bytes(31, 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 32 bytes");
    byte[] key = bytes(32, 9);
    UnsubscribeToken tokens = new UnsubscribeToken(key);
    String token = tokens.sign(ANN);

    Arrays.fill(key, (byte) 0);

    assertThat(tokens.verify(token)).contains(ANN);
  }

  @Test
  void aSubjectNeedsEveryField() {
    assertThatThrownBy(() -> new UnsubscribeToken.Subject("", "c", "a@example.com")).hasMessage("tenant id is empty");
    assertThatThrownBy(() -> new UnsubscribeToken.Subject("t", null, "a@example.com")).hasMessage("campaign id is empty");
    assertThatThrownBy(() -> new UnsubscribeToken.Subject("t", "c", "")).hasMessage("email is empty");
  }

  private static byte[] bytes(int length, int seed) {
    byte[] out = new byte[length];
    for (int i = 0; i < length; i++) out[i] = (byte) (seed * 31 + i * 17);
    return out;
  }
}
