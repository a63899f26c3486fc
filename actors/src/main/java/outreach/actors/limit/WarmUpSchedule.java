package outreach.actors.limit;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import outreach.protocol.account.WarmUp;

/** How many sends a warming account may make on a given day: start, then +step a day, never above the daily limit. */
public final class WarmUpSchedule {

  private WarmUpSchedule() {}

  /**
   * @param firstDay the account's first calendar day (day 1 of warm-up)
   * @param dailyLimit the account's {@code /1d} limit, the ceiling
   */
  public static int capOn(WarmUp warmUp, LocalDate firstDay, LocalDate today, int dailyLimit) {
    if (!warmUp.enabled()) return dailyLimit;
    long daysIn = Math.max(0, ChronoUnit.DAYS.between(firstDay, today));
    long cap = warmUp.startPerDay() + daysIn * (long) warmUp.stepPerDay();
    return (int) Math.min(cap, dailyLimit);
  }
}
