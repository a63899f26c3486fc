package outreach.persistence.audit;

import java.util.List;

/** Folds an entity's events with the entity's own event handler, from its empty state. */
@FunctionalInterface
public interface StateReplay {

  /** The state after applying {@code events} in order to the entity's empty state. */
  Object fold(AuditKind kind, List<Object> events);
}
