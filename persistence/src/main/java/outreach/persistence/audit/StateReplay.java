package outreach.persistence.audit;

import java.util.List;

/** Folds an entity's events with the entity's own event handler, from its empty state. */
@FunctionalInterface
public interface StateReplay {

  /** The state of the entity {@code id} after applying {@code events} in order to its empty state. */
  Object fold(AuditKind kind, String id, List<Object> events);
}
