package outreach.actors.quota;

import static org.assertj.core.api.Assertions.assertThat;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import outreach.actors.ManualClock;
import outreach.actors.TestKits;
import outreach.protocol.RateLimit;
import outreach.protocol.quota.QuotaCommand;

/** The quota never grants past its limit, whatever order grants and releases arrive in. */
class QuotaTest {

  private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
  private static ActorTestKit testKit;

  @BeforeAll
  static void start() {
    testKit =
        TestKits.withPersistence();
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void aReleaseWrittenWhileGrantsWaitForTheirWriteDoesNotLetTheQuotaGrantPastItsLimit() {
    var quota = testKit.spawn(Quota.create("global-race", new ManualClock(T0), List.of(RateLimit.parse("3/1h")), Duration.ofMinutes(15)));
    TestProbe<QuotaCommand.QuotaReply> probe = testKit.createTestProbe();
    quota.tell(new QuotaCommand.Acquire("t", "p0", probe.getRef()));
    quota.tell(new QuotaCommand.Acquire("t", "p9", probe.getRef()));
    assertThat(probe.receiveSeveralMessages(2)).allMatch(r -> r instanceof QuotaCommand.Granted);

    // p1 waits for its write while p9 is given back; then two more ask. At most two of the three fit: p0, p1 and one more.
    quota.tell(new QuotaCommand.Acquire("t", "p1", probe.getRef()));
    quota.tell(new QuotaCommand.Release("p9"));
    quota.tell(new QuotaCommand.Acquire("t", "p2", probe.getRef()));
    quota.tell(new QuotaCommand.Acquire("t", "p3", probe.getRef()));
    List<QuotaCommand.QuotaReply> replies = probe.receiveSeveralMessages(3);

    // The first fits whenever it is decided; the others may be decided before or after the release is written.
    assertThat(replies).contains(new QuotaCommand.Granted("p1"));
    assertThat(replies.stream().filter(r -> r instanceof QuotaCommand.Granted).count()).isBetween(1L, 2L);
  }
}
