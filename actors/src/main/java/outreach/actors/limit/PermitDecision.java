package outreach.actors.limit;

import java.time.Instant;

/** Whether a permit may be granted now, and if not, the earliest instant it could be. */
public sealed interface PermitDecision {

  record Granted() implements PermitDecision {}

  /** Refused: {@code limit} is full until {@code retryAt}. */
  record Throttled(Instant retryAt, String limit) implements PermitDecision {}
}
