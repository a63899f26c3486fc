package outreach.actors.domain;

import com.typesafe.config.Config;
import java.time.Duration;
import java.time.ZoneOffset;
import outreach.actors.limit.PermitHold;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import outreach.actors.limit.SendWindows;
import outreach.protocol.RateLimit;

/**
 * Caps per recipient domain ({@code outreach.recipient-domains}): for one tenant and for the whole
 * system, counted in UTC days; large mailbox providers follow their own policy instead; a domain
 * that defers us (421, 4.7.x) gets nothing for {@code deferral}. The end of a send is written with the
 * domain's next reservations, or on its own after {@code settleWithin}.
 */
public record DomainPolicy(Caps standard, Map<String, Caps> providers, Duration deferral, Duration settleWithin) {

  public DomainPolicy {
    if (settleWithin.isNegative() || settleWithin.isZero()) throw new IllegalArgumentException("settle-within must be above 0");
  }

  /**
   * The caps that apply to a domain, the name of the policy they come from, how long a reservation whose send
   * has not been reported over still counts ({@link PermitHold#ofReservation}), and the windows that count them
   * (calendar days in UTC), built once: every reservation and every event of the domain consults them.
   */
  public record Caps(
      String name,
      List<RateLimit> tenantLimits,
      List<RateLimit> systemLimits,
      Duration hold,
      SendWindows tenantWindows,
      SendWindows systemWindows) {

    public Caps(String name, List<RateLimit> tenantLimits, List<RateLimit> systemLimits, Duration hold) {
      this(
          name,
          tenantLimits,
          systemLimits,
          hold,
          new SendWindows(tenantLimits, ZoneOffset.UTC, hold),
          new SendWindows(systemLimits, ZoneOffset.UTC, hold));
    }
  }

  public Caps capsFor(String domain) {
    return providers.getOrDefault(domain.toLowerCase(Locale.ROOT), standard);
  }

  public static DomainPolicy fromConfig(Config config) {
    Config c = config.getConfig("outreach.recipient-domains");
    Duration hold = PermitHold.ofReservation(config);
    Caps standard = new Caps("standard", limits(c, "tenant-limits"), limits(c, "system-limits"), hold);
    Map<String, Caps> providers = new HashMap<>();
    Config policies = c.getConfig("providers");
    for (String name : policies.root().keySet()) {
      Config p = policies.getConfig(name);
      Caps caps = new Caps(name, limits(p, "tenant-limits"), limits(p, "system-limits"), hold);
      for (String domain : p.getStringList("domains")) providers.put(domain.toLowerCase(Locale.ROOT), caps);
    }
    return new DomainPolicy(standard, Map.copyOf(providers), c.getDuration("deferral"), c.getDuration("settle-within"));
  }

  private static List<RateLimit> limits(Config c, String path) {
    return c.getStringList(path).stream().map(RateLimit::parse).toList();
  }
}
