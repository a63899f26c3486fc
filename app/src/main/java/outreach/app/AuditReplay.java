package outreach.app;

import com.typesafe.config.Config;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import outreach.actors.account.AccountPolicy;
import outreach.actors.audit.EntityReplay;
import outreach.actors.domain.DomainPolicy;
import outreach.persistence.audit.AuditKind;
import outreach.persistence.audit.StateReplay;
import outreach.persistence.audit.TenantShareReplay;

/** Audit replay with the entities' own event handlers, for the API and the command line. */
final class AuditReplay implements StateReplay, TenantShareReplay {

  private final EntityReplay entities;

  AuditReplay(Config config) {
    this.entities = new EntityReplay(AccountPolicy.fromConfig(config), DomainPolicy.fromConfig(config));
  }

  @Override
  public Object fold(AuditKind kind, String id, List<Object> events) {
    return switch (kind) {
      case ACCOUNT -> entities.account(events);
      case CAMPAIGN -> entities.campaign(events);
      case SENDING_DOMAIN -> entities.sendingDomain(events);
      case RECIPIENT_DOMAIN -> entities.recipientDomain(id, events);
    };
  }

  @Override
  public Optional<Object> event(AuditKind kind, String tenantId, Object event) {
    requireShared(kind);
    return entities.recipientDomainEvent(tenantId, event).map(Object.class::cast);
  }

  @Override
  public boolean isOwn(AuditKind kind, String tenantId, Object event) {
    requireShared(kind);
    return entities.isOwnRecipientDomainEvent(tenantId, event);
  }

  @Override
  public Object state(AuditKind kind, String tenantId, String id, List<Object> events, Instant at) {
    requireShared(kind);
    return entities.recipientDomainShare(tenantId, id, events, at);
  }

  /** Recipient domains are the only entities that tenants share. */
  private static void requireShared(AuditKind kind) {
    if (kind != AuditKind.RECIPIENT_DOMAIN) throw new IllegalArgumentException(kind.wireName() + " entities are not shared by tenants");
  }
}
