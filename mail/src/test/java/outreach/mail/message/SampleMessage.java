package outreach.mail.message;

import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** A valid campaign message to start from; each test changes what it is about. */
public final class SampleMessage {

  private String messageId = "<0123456789abcdef0123456789abcdef@mail.acme.example>";
  private OutgoingMessage.Mailbox from = OutgoingMessage.Mailbox.of("ann@acme.com", "Ann from Acme");
  private OutgoingMessage.Mailbox to = OutgoingMessage.Mailbox.of("bob@example.com", "Bob Jones");
  private String subject = "A question for Example Inc";
  private String text = "Hi Bob,\n\na quick question about your email.\n";
  private Optional<String> html = Optional.empty();
  private Instant date = Instant.parse("2025-03-04T05:06:07Z");
  private URI unsubscribeUrl = URI.create("https://links.acme.example/u/TOKEN123");
  private Optional<URI> unsubscribeMailto = Optional.of(URI.create("mailto:unsubscribe@acme.com?subject=TOKEN123"));
  private String physicalAddress = "Acme Ltd, 1 Main Street, Springfield 12345, USA";
  private final Map<String, String> extraHeaders = new LinkedHashMap<>(Map.of("X-Outreach-Campaign", "campaign-42"));

  public static SampleMessage sample() {
    return new SampleMessage();
  }

  public SampleMessage messageId(String value) {
    messageId = value;
    return this;
  }

  public SampleMessage from(OutgoingMessage.Mailbox value) {
    from = value;
    return this;
  }

  public SampleMessage to(OutgoingMessage.Mailbox value) {
    to = value;
    return this;
  }

  public SampleMessage subject(String value) {
    subject = value;
    return this;
  }

  public SampleMessage text(String value) {
    text = value;
    return this;
  }

  public SampleMessage html(String value) {
    html = Optional.of(value);
    return this;
  }

  public SampleMessage unsubscribeUrl(URI value) {
    unsubscribeUrl = value;
    return this;
  }

  public SampleMessage unsubscribeMailto(Optional<URI> value) {
    unsubscribeMailto = value;
    return this;
  }

  public SampleMessage physicalAddress(String value) {
    physicalAddress = value;
    return this;
  }

  public SampleMessage header(String name, String value) {
    extraHeaders.put(name, value);
    return this;
  }

  public OutgoingMessage build() {
    return new OutgoingMessage(
        messageId, from, to, subject, text, html, date, unsubscribeUrl, unsubscribeMailto, physicalAddress, extraHeaders);
  }
}
