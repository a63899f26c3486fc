package outreach.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DomainNamesTest {

  @ParameterizedTest
  @ValueSource(strings = {"gmail.com", "mail.acme-corp.com", "xn--80ak6aa92e.com", "a1.b2.example.org"})
  void acceptsHostNames(String name) {
    assertThat(DomainNames.isDomainName(name)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "localhost", "10.0.0.1", "a b.com", "-x.example.com", "x..example.com", "example.com/x",
      "Gmail.com", "example.com.", "[10.0.0.1]", "x_y.example.com", "example.com%0d"})
  void refusesWhatIsNotOne(String name) {
    assertThat(DomainNames.isDomainName(name)).isFalse();
  }
}
