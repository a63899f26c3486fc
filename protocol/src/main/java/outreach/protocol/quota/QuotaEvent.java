package outreach.protocol.quota;

import java.time.Instant;
import java.util.List;
import outreach.protocol.CborSerializable;

/** Facts recorded in the Quota's journal. */
public sealed interface QuotaEvent extends CborSerializable {

  Instant at();

  /** Permits granted together (the quota persists in batches). */
  record PermitsGranted(List<Grant> grants, Instant at) implements QuotaEvent {}

  /** Permits whose sends ended (at {@code at}): from now on they count at that instant. */
  record PermitsSettled(List<String> messageIds, Instant at) implements QuotaEvent {}

  record PermitReleased(String messageId, Instant grantedAt, Instant at) implements QuotaEvent {}

  /** One granted permit. */
  record Grant(String tenantId, String messageId, Instant at) {}
}
