package outreach.actors.campaign;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import outreach.protocol.campaign.SendSchedule;

/** When a campaign's schedule lets it send: the days and the daily window [start, end) in its time zone. */
public final class ScheduleWindow {

  private static final int DAYS_IN_A_WEEK = 7;

  private final SendSchedule schedule;
  private final ZoneId zone;

  public ScheduleWindow(SendSchedule schedule) {
    this.schedule = schedule;
    this.zone = ZoneId.of(schedule.timeZone());
  }

  public boolean allows(Instant at) {
    ZonedDateTime local = at.atZone(zone);
    LocalTime time = local.toLocalTime();
    return schedule.days().contains(local.getDayOfWeek())
        && !time.isBefore(schedule.start())
        && (time.isBefore(schedule.end()) || schedule.end().equals(LocalTime.MAX));
  }

  /** The next instant at or after {@code from} when sending is allowed. */
  public Instant nextOpening(Instant from) {
    if (allows(from)) return from;
    LocalDate day = from.atZone(zone).toLocalDate();
    for (int i = 0; i <= DAYS_IN_A_WEEK; i++) {
      LocalDate d = day.plusDays(i);
      if (!schedule.days().contains(d.getDayOfWeek())) continue;
      // atZone resolves a start inside a DST gap to the first valid instant after it.
      Instant opening = d.atTime(schedule.start()).atZone(zone).toInstant();
      if (!opening.isBefore(from)) return opening;
    }
    throw new IllegalStateException("a schedule with days always opens within a week");
  }
}
