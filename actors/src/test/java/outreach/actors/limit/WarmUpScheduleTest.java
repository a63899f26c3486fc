package outreach.actors.limit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import outreach.protocol.account.WarmUp;

class WarmUpScheduleTest {

  private static final LocalDate DAY1 = LocalDate.of(2026, 3, 2);

  @Test
  void fiftyThenPlusFiftyADayUpToTheLimit() {
    assertThat(WarmUpSchedule.capOn(WarmUp.DEFAULT, DAY1, DAY1, 500)).isEqualTo(50);
    assertThat(WarmUpSchedule.capOn(WarmUp.DEFAULT, DAY1, DAY1.plusDays(1), 500)).isEqualTo(100);
    assertThat(WarmUpSchedule.capOn(WarmUp.DEFAULT, DAY1, DAY1.plusDays(8), 500)).isEqualTo(450);
    assertThat(WarmUpSchedule.capOn(WarmUp.DEFAULT, DAY1, DAY1.plusDays(9), 500)).isEqualTo(500);
    assertThat(WarmUpSchedule.capOn(WarmUp.DEFAULT, DAY1, DAY1.plusDays(400), 500)).isEqualTo(500);
  }

  @Test
  void disabledWarmUpIsTheLimit() {
    assertThat(WarmUpSchedule.capOn(new WarmUp(false, 50, 50), DAY1, DAY1, 500)).isEqualTo(500);
  }

  @Test
  void neverAboveTheLimitEvenOnDayOne() {
    assertThat(WarmUpSchedule.capOn(new WarmUp(true, 80, 10), DAY1, DAY1, 40)).isEqualTo(40);
    assertThat(WarmUpSchedule.capOn(new WarmUp(true, 80, 0), DAY1, DAY1.plusDays(30), 500)).isEqualTo(80);
  }

  @Test
  void aDayBeforeTheFirstCountsAsTheFirst() {
    assertThat(WarmUpSchedule.capOn(WarmUp.DEFAULT, DAY1, DAY1.minusDays(1), 500)).isEqualTo(50);
  }
}
