package outreach.mail.message;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import outreach.mail.EmailAddresses;
import outreach.mail.HeaderText;

/**
 * One campaign email to one recipient, as {@link MessageComposer} turns it into MIME. Every value that ends up
 * in a header is checked here, so a message that exists can be composed; the problem names the header.
 *
 * @param messageId the deterministic {@code <id@domain>} (see {@link MessageIds})
 * @param unsubscribeUrl the one-click unsubscribe link (RFC 8058): HTTPS, or HTTP to a loopback host for local runs
 * @param unsubscribeMailto an unsubscribe mailbox offered next to the link, when the account has one
 * @param physicalAddress the sender's postal address, printed in the footer (CAN-SPAM)
 * @param extraHeaders further headers such as {@code X-Outreach-Campaign}, written in this order
 */
public record OutgoingMessage(
    String messageId,
    Mailbox from,
    Mailbox to,
    String subject,
    String text,
    Optional<String> html,
    Instant date,
    URI unsubscribeUrl,
    Optional<URI> unsubscribeMailto,
    String physicalAddress,
    Map<String, String> extraHeaders) {

  /** RFC 5322 caps a header line at 998 characters; no single value from users may be longer. */
  private static final int MAX_HEADER_TEXT = 998;

  private static final Pattern MESSAGE_ID = Pattern.compile("<[!-~&&[^<>@]]+@[!-~&&[^<>@]]+>");
  /** RFC 5322 field names: printable US-ASCII except the colon; short enough to leave room for a value on the line. */
  private static final Pattern FIELD_NAME = Pattern.compile("[!-9;-~]{1,76}");
  /** Headers this record sets itself, or that must never come from campaign data. */
  private static final Set<String> RESERVED_HEADERS =
      Set.of(
          "from", "to", "cc", "bcc", "sender", "subject", "date", "message-id", "return-path", "received",
          "mime-version", "list-unsubscribe", "list-unsubscribe-post", "dkim-signature");

  /** An address with an optional display name. */
  public record Mailbox(String address, Optional<String> name) {
    public Mailbox {
      Objects.requireNonNull(name, "name");
    }

    public static Mailbox of(String address, String name) {
      return new Mailbox(address, Optional.of(name));
    }

    public static Mailbox of(String address) {
      return new Mailbox(address, Optional.empty());
    }
  }

  public OutgoingMessage {
    if (messageId == null || !MESSAGE_ID.matcher(messageId).matches()) {
      throw new IllegalArgumentException("Message-ID must look like <id@domain>: " + messageId);
    }
    requireMailbox("From", from);
    requireMailbox("To", to);
    if (subject == null || subject.isBlank()) throw new IllegalArgumentException("Subject is empty");
    requireHeaderText("Subject", subject);
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(html, "html");
    Objects.requireNonNull(date, "date");
    requireUnsubscribeUrl(unsubscribeUrl);
    Objects.requireNonNull(unsubscribeMailto, "unsubscribeMailto");
    unsubscribeMailto.ifPresent(OutgoingMessage::requireMailto);
    if (physicalAddress == null || physicalAddress.isBlank()) {
      throw new IllegalArgumentException("the physical address for the footer is empty");
    }
    Objects.requireNonNull(extraHeaders, "extraHeaders");
    extraHeaders.forEach(OutgoingMessage::requireExtraHeader);
    extraHeaders = Collections.unmodifiableMap(new LinkedHashMap<>(extraHeaders));
  }

  private static void requireMailbox(String header, Mailbox mailbox) {
    Objects.requireNonNull(mailbox, header);
    EmailAddresses.problem(mailbox.address()).ifPresent(p -> {
      throw new IllegalArgumentException(header + " address: " + p);
    });
    mailbox.name().ifPresent(name -> requireHeaderText(header + " name", name));
  }

  private static void requireHeaderText(String header, String value) {
    HeaderText.problem(value, MAX_HEADER_TEXT).ifPresent(p -> {
      throw new IllegalArgumentException(header + " " + p);
    });
  }

  private static void requireUnsubscribeUrl(URI url) {
    Objects.requireNonNull(url, "unsubscribeUrl");
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (url.getHost() == null) throw new IllegalArgumentException("List-Unsubscribe link has no host: " + url);
    if (!scheme.equals("https") && !(scheme.equals("http") && isLoopback(url.getHost()))) {
      throw new IllegalArgumentException("List-Unsubscribe link must be https (RFC 8058): " + url);
    }
    requireHeaderText("List-Unsubscribe", url.toASCIIString());
  }

  private static void requireMailto(URI mailto) {
    if (!"mailto".equalsIgnoreCase(mailto.getScheme())) {
      throw new IllegalArgumentException("List-Unsubscribe mailbox must be a mailto: URI: " + mailto);
    }
    requireHeaderText("List-Unsubscribe", mailto.toASCIIString());
  }

  private static boolean isLoopback(String host) {
    if (host.equalsIgnoreCase("localhost")) return true;
    // Only literal addresses are looked at, so this never asks DNS.
    if (!host.matches("[0-9.]+|\\[[0-9a-fA-F:.]+]")) return false;
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static void requireExtraHeader(String name, String value) {
    if (name == null || !FIELD_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("header name '" + name + "' is not a valid field name");
    }
    String lower = name.toLowerCase(Locale.ROOT);
    if (RESERVED_HEADERS.contains(lower) || lower.startsWith("content-")) {
      throw new IllegalArgumentException(name + " cannot be set as an extra header");
    }
    if (value == null) throw new IllegalArgumentException(name + " has no value");
    requireHeaderText(name, value);
  }
}
