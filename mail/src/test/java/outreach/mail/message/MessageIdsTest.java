package outreach.mail.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MessageIdsTest {

  @Test
  void isTheTruncatedSha256OfTenantCampaignAndRecipient() {
    // printf 'tenant-7|campaign-42|ann.smith@example.com' | sha256sum | cut -c1-32
    assertThat(MessageIds.of("tenant-7", "campaign-42", "ann.smith@example.com", "mail.acme.example"))
        .isEqualTo("<740c835c8db4febd09f17b0e6004b11c@mail.acme.example>");
  }

  @Test
  void isStableAcrossCallsAndIgnoresTheCaseOfTheRecipient() {
    String first = MessageIds.of("tenant-7", "campaign-42", "Ann.Smith@Example.com", "mail.acme.example");

    assertThat(MessageIds.of("tenant-7", "campaign-42", "ann.smith@example.com", "mail.acme.example")).isEqualTo(first);
    assertThat(first).isEqualTo("<740c835c8db4febd09f17b0e6004b11c@mail.acme.example>");
  }

  @Test
  void differsForAnotherRecipientCampaignOrTenant() {
    String id = MessageIds.of("t", "c", "ann@example.com", "d.example");

    assertThat(MessageIds.of("t", "c", "bob@example.com", "d.example")).isNotEqualTo(id);
    assertThat(MessageIds.of("t", "c2", "ann@example.com", "d.example")).isNotEqualTo(id);
    assertThat(MessageIds.of("t2", "c", "ann@example.com", "d.example")).isNotEqualTo(id);
  }

  @Test
  void idsThatWouldMakeTheInputAmbiguousAreRefused() {
    assertThatThrownBy(() -> MessageIds.of("a|b", "c", "x@example.com", "d.example"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tenant id contains '|'");
    assertThatThrownBy(() -> MessageIds.of("a", "b|c", "x@example.com", "d.example"))
        .hasMessageContaining("campaign id contains '|'");
    assertThatThrownBy(() -> MessageIds.of(" ", "c", "x@example.com", "d.example")).hasMessageContaining("tenant id is empty");
  }

  @Test
  void theDomainMustBeAHostName() {
    assertThatThrownBy(() -> MessageIds.of("t", "c", "x@example.com", "d.example>\r\nBcc: y@example.com"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MessageIds.of("t", "c", "x@example.com", "")).isInstanceOf(IllegalArgumentException.class);
    assertThat(MessageIds.of("t", "c", "x@example.com", "localhost")).endsWith("@localhost>");
  }
}
