package outreach.mail;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HeaderTextTest {

  @Test
  void plainTextIsFine() {
    assertThat(HeaderText.problem("Ann from Acme, Inc.", 100)).isEmpty();
    assertThat(HeaderText.problem("Zoë Ünal – 営業", 100)).isEmpty();
  }

  @Test
  void lineBreaksAndControlsAreRefused() {
    assertThat(HeaderText.problem("Ann\r\nBcc: x@y.z", 100)).contains("contains a line break");
    assertThat(HeaderText.problem("Ann\nX", 100)).contains("contains a line break");
    assertThat(HeaderText.problem("Ann\u0000", 100)).contains("contains a control character");
  }

  @Test
  void lengthIsBounded() {
    assertThat(HeaderText.problem("x".repeat(101), 100)).contains("is longer than 100 characters");
  }
}
