package outreach.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RateLimitTest {

  @Test
  void parsesEachUnit() {
    assertThat(RateLimit.parse("10/1m")).isEqualTo(new RateLimit(10, Duration.ofMinutes(1)));
    assertThat(RateLimit.parse("500/1d")).isEqualTo(new RateLimit(500, Duration.ofDays(1)));
    assertThat(RateLimit.parse("5/10s")).isEqualTo(new RateLimit(5, Duration.ofSeconds(10)));
    assertThat(RateLimit.parse("100/2h")).isEqualTo(new RateLimit(100, Duration.ofHours(2)));
  }

  @Test
  void onlyOneDayIsACalendarDay() {
    assertThat(RateLimit.parse("500/1d").calendarDay()).isTrue();
    assertThat(RateLimit.parse("500/24h").calendarDay()).isTrue();
    assertThat(RateLimit.parse("500/2d").calendarDay()).isFalse();
    assertThat(RateLimit.parse("10/1m").calendarDay()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"10/1m", "500/1d", "5/10s", "100/2h", "7/90s"})
  void printsWhatItParses(String text) {
    assertThat(RateLimit.parse(text).toString()).isEqualTo(text);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "10", "10/", "/1m", "10/1", "10/1w", "0/1m", "-1/1m", "10/0s", "ten/1m", "10 / 1m x"})
  void rejectsBadSyntaxWithAnExample(String text) {
    assertThatThrownBy(() -> RateLimit.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(text.isEmpty() ? "limit" : "");
  }

  @Test
  void explainsTheExpectedSyntax() {
    assertThatThrownBy(() -> RateLimit.parse("ten per minute"))
        .hasMessageContaining("N/duration")
        .hasMessageContaining("10/1m");
  }
}
