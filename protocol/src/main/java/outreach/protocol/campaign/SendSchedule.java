package outreach.protocol.campaign;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.util.Set;

/** When a campaign may send: days of the week and a daily window, in an IANA time zone. {@code end} after {@code start}. */
public record SendSchedule(String timeZone, Set<DayOfWeek> days, LocalTime start, LocalTime end) {

  public static final SendSchedule ALWAYS =
      new SendSchedule("UTC", Set.of(DayOfWeek.values()), LocalTime.MIN, LocalTime.MAX);

  public SendSchedule {
    days = Set.copyOf(days);
    if (days.isEmpty()) throw new IllegalArgumentException("schedule.days must name at least one day");
    if (!end.isAfter(start)) throw new IllegalArgumentException("schedule.end must be after schedule.start");
  }
}
