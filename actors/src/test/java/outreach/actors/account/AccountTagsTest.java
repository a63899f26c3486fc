package outreach.actors.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import outreach.protocol.account.AccountEvent;
import outreach.protocol.delivery.DeliveryOutcome;

/** The account listing's projection reads only the events that change the listing. */
class AccountTagsTest {

  private static final Instant T0 = Instant.parse("2026-05-01T09:00:00Z");

  @Test
  void sendsAndHealthChecksAreNotTagged() {
    assertThat(SmtpAccount.listed(new AccountEvent.SendStarted("<m@x>", "c", "example.com", T0))).isFalse();
    assertThat(SmtpAccount.listed(new AccountEvent.SendFinished("<m@x>", DeliveryOutcome.success(250, "ok"), T0))).isFalse();
    assertThat(SmtpAccount.listed(new AccountEvent.HealthChecked(true, "ok", T0))).isFalse();
  }

  @Test
  void changesOfTheListingAreTagged() {
    assertThat(SmtpAccount.listed(new AccountEvent.AccountPaused(Optional.of(T0), "5 failures", T0))).isTrue();
    assertThat(SmtpAccount.listed(new AccountEvent.AccountResumed(T0))).isTrue();
    assertThat(SmtpAccount.listed(new AccountEvent.AccountDisabled("authentication refused", T0))).isTrue();
    assertThat(SmtpAccount.listed(new AccountEvent.AccountDeleted(T0))).isTrue();
  }
}
