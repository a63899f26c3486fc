package outreach.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApiKeysTest {

  @Test
  void issuedKeysParseAndMatchOnlyTheirHash() {
    ApiKeys.IssuedKey key = ApiKeys.issue();
    ApiKeys.PresentedKey presented = ApiKeys.parse(key.apiKey()).orElseThrow();
    assertThat(presented.keyId()).isEqualTo(key.keyId());
    assertThat(ApiKeys.matches(presented.secret(), key.secretHash())).isTrue();
    assertThat(ApiKeys.matches(presented.secret() + "x", key.secretHash())).isFalse();
    assertThat(ApiKeys.matches(presented.secret(), ApiKeys.issue().secretHash())).isFalse();
  }

  @Test
  void keysAreUnique() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 1000; i++) assertThat(seen.add(ApiKeys.issue().apiKey())).isTrue();
  }

  @Test
  void malformedKeysDoNotParse() {
    assertThat(ApiKeys.parse(null)).isEmpty();
    assertThat(ApiKeys.parse("ok_abc_def")).isEmpty();
    assertThat(ApiKeys.parse("Bearer ok_0123456789abcdef_" + "A".repeat(43))).isEmpty();
    assertThat(ApiKeys.parse("ok_0123456789abcdef_" + "A".repeat(43))).isPresent();
  }
}
