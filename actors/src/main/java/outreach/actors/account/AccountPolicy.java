package outreach.actors.account;

import com.typesafe.config.Config;
import java.time.Duration;
import outreach.actors.limit.PermitHold;

/**
 * How accounts react to failures ({@code outreach.account}): consecutive account-level failures
 * before a pause, how long the pause lasts, how often a paused account is checked, and how many
 * finished sends it remembers for campaigns that recover from a crash; and how long a started send
 * can take to reach the server ({@link PermitHold#ofTransaction}), for as long as its permit counts
 * while its outcome is unknown.
 */
public record AccountPolicy(
    int failuresBeforePause, Duration pauseAfterFailures, Duration healthCheckInterval, int rememberedOutcomes, Duration permitHold) {

  public static AccountPolicy fromConfig(Config config) {
    Config c = config.getConfig("outreach.account");
    return new AccountPolicy(
        c.getInt("failures-before-pause"),
        c.getDuration("pause-after-failures"),
        c.getDuration("health-check-interval"),
        c.getInt("remembered-outcomes"),
        PermitHold.ofTransaction(config));
  }
}
