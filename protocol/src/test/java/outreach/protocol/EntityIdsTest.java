package outreach.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EntityIdsTest {

  @Test
  void carriesTheTenant() {
    String id = EntityIds.of("t_1", "acc-1");
    assertThat(id).isEqualTo("t_1|acc-1");
    assertThat(EntityIds.tenantOf(id)).isEqualTo("t_1");
    assertThat(EntityIds.localIdOf(id)).isEqualTo("acc-1");
  }

  @Test
  void localIdsCannotSmuggleASeparatorOrPath() {
    assertThat(EntityIds.isValidLocalId("acc.1_b-2")).isTrue();
    assertThat(EntityIds.isValidLocalId("a|b")).isFalse();
    assertThat(EntityIds.isValidLocalId("../x")).isFalse();
    assertThat(EntityIds.isValidLocalId("")).isFalse();
    assertThat(EntityIds.isValidLocalId("a".repeat(65))).isFalse();
    assertThatThrownBy(() -> EntityIds.of("t_1", "a|b")).isInstanceOf(IllegalArgumentException.class);
  }
}
