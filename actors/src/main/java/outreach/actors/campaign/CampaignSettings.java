package outreach.actors.campaign;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.List;
import outreach.actors.quota.QuotaPolicy;

/**
 * How campaigns behave ({@code outreach.campaign}): the pauses before each retry of a temporary
 * failure (5 min, 15 min, 1 h, then failed), the bounce guard, how long a domain that deferred us
 * is left alone, how many recipients are read from the table at a time, the time allowed for the
 * steps of a send, when an unanswered send is asked about, how soon a try whose quota or domain did
 * not answer is made again; the quotas every send passes; and whether the events of one step are
 * journalled as one {@code Batch} entry ({@code journal-batches}).
 */
public record CampaignSettings(
    List<Duration> retryDelays,
    double bounceRateLimit,
    int bounceGuardMinimumSends,
    Duration domainDeferral,
    int fetchSize,
    Duration permitTimeout,
    Duration sendTimeout,
    Duration sendStartWithin,
    Duration sendCheckAfter,
    Duration recheckInterval,
    Duration permitRetry,
    QuotaPolicy quotas,
    boolean journalBatches) {

  public CampaignSettings {
    retryDelays = List.copyOf(retryDelays);
    if (sendCheckAfter.isNegative() || sendCheckAfter.isZero() || sendCheckAfter.compareTo(sendTimeout) >= 0) {
      throw new IllegalArgumentException(
          "outreach.campaign.send-check-after must be above zero and below send-timeout (" + sendTimeout + "), is " + sendCheckAfter);
    }
  }

  /** Attempts a recipient gets in all: the first and one per retry delay. */
  public int maxAttempts() {
    return retryDelays.size() + 1;
  }

  public static CampaignSettings fromConfig(Config config) {
    Config c = config.getConfig("outreach.campaign");
    return new CampaignSettings(
        c.getDurationList("retry-delays"),
        c.getDouble("bounce-guard.max-rate"),
        c.getInt("bounce-guard.minimum-sends"),
        c.getDuration("domain-deferral"),
        c.getInt("fetch-size"),
        c.getDuration("permit-timeout"),
        c.getDuration("send-timeout"),
        c.getDuration("send-start-within"),
        c.getDuration("send-check-after"),
        c.getDuration("recheck-interval"),
        c.getDuration("permit-retry"),
        QuotaPolicy.fromConfig(config),
        c.getBoolean("journal-batches"));
  }
}
