package outreach.persistence.audit;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What one tenant may see of an entity that all tenants share (a recipient domain): its own events,
 * facts about the entity that hold it back too, and its own part of the state, never another
 * tenant's ids or volume.
 */
public interface TenantShareReplay {

  /** The journalled event as the tenant may see it; empty when it concerns other tenants only. */
  Optional<Object> event(AuditKind kind, String tenantId, Object event);

  /** Whether the event records something the tenant did, not only a fact about the entity. */
  boolean isOwn(AuditKind kind, String tenantId, Object event);

  /** The tenant's part of the state of entity {@code id} after {@code events} (its journal up to {@code at}). */
  Object state(AuditKind kind, String tenantId, String id, List<Object> events, Instant at);
}
