package outreach.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class JsonTest {

  record Body(String name, Integer port) {}

  @Test
  void readsAStrictObject() {
    assertThat(Json.read("{\"name\":\"a\",\"port\":25}", Body.class)).isEqualTo(new Body("a", 25));
  }

  @Test
  void namesTheUnknownField() {
    assertThatThrownBy(() -> Json.read("{\"name\":\"a\",\"tenantId\":\"t\"}", Body.class))
        .isInstanceOf(Problem.class)
        .hasMessage("unknown field 'tenantId'");
  }

  @Test
  void namesTheMistypedField() {
    assertThatThrownBy(() -> Json.read("{\"port\":\"x\"}", Body.class)).hasMessage("field 'port' has the wrong type or format");
  }

  @Test
  void saysWhereTheSyntaxBreaks() {
    Problem p = (Problem) org.assertj.core.api.Assertions.catchThrowable(() -> Json.read("{\n\"name\": ", Body.class));
    assertThat(p.body().type()).isEqualTo("urn:outreach:problem:malformed-json");
    assertThat(p.getMessage()).contains("line 2");
  }

  @Test
  void refusesTrailingGarbageAndNonObjects() {
    assertThatThrownBy(() -> Json.read("{\"name\":\"a\"} {}", Body.class)).isInstanceOf(Problem.class);
    assertThatThrownBy(() -> Json.read("[1]", Body.class)).hasMessage("the request body must be a JSON object");
    assertThatThrownBy(() -> Json.read("  ", Body.class)).hasMessageContaining("empty");
  }
}
