package outreach.mail;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EmailAddressesTest {

  @ParameterizedTest
  @ValueSource(strings = {"a@example.com", "first.last+tag@sub.example.co.uk", "o'neil@example.org"})
  void acceptsRealAddresses(String address) {
    assertThat(EmailAddresses.problem(address)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "plain", "a@", "@example.com", "a@localhost", "a b@example.com", "a@example..com"})
  void rejectsInvalidSyntax(String address) {
    assertThat(EmailAddresses.problem(address)).isPresent();
  }

  @Test
  void rejectsHeaderInjection() {
    assertThat(EmailAddresses.problem("a@example.com\r\nBcc: victim@example.com")).contains("address contains a line break");
  }

  @Test
  void anAddressCheckedAMomentAgoIsJudgedTheSameWayAgain() {
    for (int round = 0; round < 3; round++) {
      assertThat(EmailAddresses.problem("ann@acme.com")).isEmpty();
      assertThat(EmailAddresses.problem("bob@example.com")).isEmpty();
      assertThat(EmailAddresses.problem("bob@example..com")).isPresent();
      assertThat(EmailAddresses.problem("Bob@example.com")).isEmpty();
      assertThat(EmailAddresses.problem("bob@example.com\nBcc: x@example.com")).contains("address contains a line break");
      assertThat(EmailAddresses.problem(null)).contains("address is missing");
      for (int i = 0; i < 6; i++) assertThat(EmailAddresses.problem("r" + i + "@example.com")).isEmpty();
      assertThat(EmailAddresses.problem("plain")).isPresent();
    }
  }

  @Test
  void domainIsLowerCased() {
    assertThat(EmailAddresses.domainOf("Ann@Example.COM")).isEqualTo("example.com");
  }
}
