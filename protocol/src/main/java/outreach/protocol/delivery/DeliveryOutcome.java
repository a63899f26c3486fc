package outreach.protocol.delivery;

import java.util.Optional;

/**
 * The result of one SMTP transaction: its class, the server's reply (code 0 when there was none,
 * e.g. a refused connection) and whether the message may have been accepted anyway (the
 * connection broke during DATA).
 */
public record DeliveryOutcome(OutcomeClass outcome, int code, Optional<String> enhanced, String text, boolean uncertain) {

  public static DeliveryOutcome success(int code, String text) {
    return new DeliveryOutcome(OutcomeClass.SUCCESS, code, Optional.empty(), text, false);
  }

  public boolean succeeded() {
    return outcome == OutcomeClass.SUCCESS;
  }

  /** {@code 550 5.1.1 text}, or the text alone when there was no reply. */
  public String summary() {
    return code == 0 ? text : code + enhanced.map(e -> " " + e).orElse("") + " " + text;
  }
}
