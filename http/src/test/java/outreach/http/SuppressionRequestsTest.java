package outreach.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import outreach.http.SuppressionRequests.AddSuppression;
import outreach.http.SuppressionRequests.ValidSuppression;
import outreach.persistence.campaign.SuppressionReason;

class SuppressionRequestsTest {

  @Test
  void anEntryWithOnlyAnAddressIsAManualOneFromTheApi() {
    assertThat(SuppressionRequests.validate(new AddSuppression(" Ann@Example.com ", null, null)))
        .isEqualTo(new ValidSuppression("Ann@Example.com", SuppressionReason.MANUAL, "api"));
    assertThat(SuppressionRequests.validate(new AddSuppression("a@example.com", null, "  ")).source()).isEqualTo("api");
  }

  @ParameterizedTest
  @CsvSource({"manual, MANUAL", "unsubscribed, UNSUBSCRIBED", "hard-bounce, HARD_BOUNCE", "complaint, COMPLAINT"})
  void everyReasonIsAccepted(String wire, SuppressionReason reason) {
    assertThat(SuppressionRequests.validate(new AddSuppression("a@example.com", wire, "ticket 9")))
        .isEqualTo(new ValidSuppression("a@example.com", reason, "ticket 9"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "'' | | | email",
        "not-an-address | | | email",
        "a@example.com | spam | | reason",
        "a@example.com | HARD_BOUNCE | | reason",
        "a@example.com | | 'line\nbreak' | source"
      })
  void aBadFieldIsA400NamingIt(String email, String reason, String source, String field) {
    assertThatThrownBy(() -> SuppressionRequests.validate(new AddSuppression(email, reason, source)))
        .isInstanceOf(Problem.class)
        .hasMessageContaining("field '" + field + "'");
  }

  @Test
  void aMissingAddressOrAnOverlongSourceIsRefused() {
    assertThatThrownBy(() -> SuppressionRequests.validate(new AddSuppression(null, null, null)))
        .hasMessageContaining("field 'email'");
    assertThatThrownBy(() -> SuppressionRequests.validate(new AddSuppression("a@example.com", null, "s".repeat(201))))
        .hasMessageContaining("field 'source'");
  }
}
