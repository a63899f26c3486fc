package outreach.persistence.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import outreach.protocol.domain.RecipientDomainKeys;

class AuditKindTest {

  @Test
  void aTenantsEntityIsReadUnderItsTenant() {
    assertThat(AuditKind.ACCOUNT.persistenceId("t_1", "ws-1")).isEqualTo("SmtpAccount|t_1|ws-1");
    assertThat(AuditKind.fromWireName("Sending-Domain")).contains(AuditKind.SENDING_DOMAIN);
    assertThatThrownBy(() -> AuditKind.ACCOUNT.systemWidePersistenceId("ws-1")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aRecipientDomainIsReadWhereTheEntityWritesIt() {
    // RecipientDomain persists under PersistenceId.ofUniqueId(<key name>|<entity id>).
    String written = RecipientDomainKeys.ENTITY_KEY.name() + "|" + RecipientDomainKeys.entityId("gmail.com");
    assertThat(AuditKind.fromWireName("recipient-domain")).contains(AuditKind.RECIPIENT_DOMAIN);
    assertThat(AuditKind.RECIPIENT_DOMAIN.perTenant()).isFalse();
    assertThat(AuditKind.RECIPIENT_DOMAIN.systemWidePersistenceId("Gmail.com")).isEqualTo(written).isEqualTo("RecipientDomain|system|gmail.com");
    assertThatThrownBy(() -> AuditKind.RECIPIENT_DOMAIN.persistenceId("t_1", "gmail.com")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void errorMessagesNameEveryKind() {
    assertThat(AuditKind.wireNames()).isEqualTo("account, campaign, sending-domain or recipient-domain");
  }
}
