package outreach.actors.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.util.Set;
import org.junit.jupiter.api.Test;
import outreach.protocol.campaign.SendSchedule;

class ScheduleWindowTest {

  // Mon-Fri 09:00-17:00 in New York (UTC-5 in winter, UTC-4 from 8 March 2026).
  private final ScheduleWindow office =
      new ScheduleWindow(
          new SendSchedule(
              "America/New_York",
              Set.of(DayOfWeek.MONDAY, DayOfWeek.TUESDAY, DayOfWeek.WEDNESDAY, DayOfWeek.THURSDAY, DayOfWeek.FRIDAY),
              LocalTime.of(9, 0),
              LocalTime.of(17, 0)));

  @Test
  void opensOnlyOnWeekdaysInsideTheWindow() {
    assertThat(office.allows(Instant.parse("2026-03-02T14:00:00Z"))).isTrue(); // Mon 09:00 NY
    assertThat(office.allows(Instant.parse("2026-03-02T13:59:59Z"))).isFalse(); // Mon 08:59:59
    assertThat(office.allows(Instant.parse("2026-03-02T22:00:00Z"))).isFalse(); // Mon 17:00: end is exclusive
    assertThat(office.allows(Instant.parse("2026-03-07T15:00:00Z"))).isFalse(); // Saturday
  }

  @Test
  void nextOpeningSkipsTheWeekendAndFollowsDaylightSaving() {
    // Friday 18:00 NY -> Monday 09:00 NY, which after the DST change is 13:00 UTC.
    assertThat(office.nextOpening(Instant.parse("2026-03-06T23:00:00Z"))).isEqualTo(Instant.parse("2026-03-09T13:00:00Z"));
    // Inside the window: now.
    Instant open = Instant.parse("2026-03-03T15:00:00Z");
    assertThat(office.nextOpening(open)).isEqualTo(open);
    // Early morning: the same day's start.
    assertThat(office.nextOpening(Instant.parse("2026-03-03T10:00:00Z"))).isEqualTo(Instant.parse("2026-03-03T14:00:00Z"));
  }

  @Test
  void alwaysIsAlwaysOpen() {
    ScheduleWindow always = new ScheduleWindow(SendSchedule.ALWAYS);
    assertThat(always.allows(Instant.parse("2026-03-07T23:59:59.999Z"))).isTrue();
    assertThat(always.allows(Instant.parse("2026-03-08T00:00:00Z"))).isTrue();
  }
}
