package outreach.http;

import outreach.mail.EmailAddresses;
import outreach.mail.HeaderText;
import outreach.persistence.campaign.SuppressionReason;
import outreach.persistence.campaign.SuppressionStore;

/** Validation of requests to the suppression list; every problem names its field. */
final class SuppressionRequests {

  /** What an entry added through the API without a source records as its source. */
  static final String API_SOURCE = "api";

  /** Body of {@code POST /v1/suppressions}. */
  record AddSuppression(String email, String reason, String source) {}

  /** A checked entry: the address stripped, the reason ({@code manual} when none was given) and the source. */
  record ValidSuppression(String email, SuppressionReason reason, String source) {}

  private SuppressionRequests() {}

  static ValidSuppression validate(AddSuppression body) {
    String email = body.email() == null ? null : body.email().strip();
    EmailAddresses.problem(email)
        .ifPresent(
            p -> {
              throw Problem.badRequest("field 'email': " + p);
            });
    SuppressionReason reason = body.reason() == null ? SuppressionReason.MANUAL : reason(body.reason());
    String source = body.source() == null || body.source().isBlank() ? API_SOURCE : body.source().strip();
    // The source is shown back in listings and exports, so it is held to what a header could carry.
    HeaderText.problem(source, SuppressionStore.MAX_SOURCE)
        .ifPresent(
            p -> {
              throw Problem.badRequest("field 'source' " + p);
            });
    return new ValidSuppression(email, reason, source);
  }

  private static SuppressionReason reason(String text) {
    try {
      return SuppressionReason.fromWireName(text);
    } catch (IllegalArgumentException e) {
      throw Problem.badRequest("field 'reason' must be one of " + SuppressionReason.wireNames() + ", got '" + text + "'");
    }
  }
}
