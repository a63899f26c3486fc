package outreach.mail.message;

import com.samskivert.mustache.Escapers;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import org.eclipse.angus.mail.smtp.SMTPMessage;
import outreach.mail.HeaderText;

/**
 * Builds the MIME message for one {@link OutgoingMessage}: headers, a text/plain body or text and HTML
 * alternatives, and the footer with the physical address and the unsubscribe link. The result is checked: no
 * header of it carries a line break that could start another header.
 *
 * <p>The message is written out once, as the bytes that go on the wire, and returned as a {@link MimeMessage}
 * holding the same headers and body; writing that message sends those bytes as they are. Jakarta Mail encodes the
 * header values (RFC 2047 words, address quoting, folding) and the bodies (quoted-printable, base64); what
 * this class leaves out is Jakarta's generic path through data handlers, content-type parsing and a scan of
 * every body to pick its encoding each time the message is saved and again when it is written, which was a
 * third of a sending node's CPU and allocation per email.
 */
public final class MessageComposer {

  static {
    outreach.mail.MailRuntime.configure();
  }

  private static final String UTF_8 = "UTF-8";
  private static final Session SESSION = Session.getInstance(new Properties());
  /** RFC 5322 section 2.1.1: a line is at most 998 characters without its CRLF. */
  private static final int MAX_LINE = 998;
  /** Where header values are folded, as Jakarta Mail folds them. */
  private static final int FOLD_AT = 76;

  private MessageComposer() {}

  /** The message, ready for {@code Transport.send} or {@code SmtpConnection.send}; its Message-ID survives both. */
  public static MimeMessage compose(OutgoingMessage m) {
    try {
      List<String[]> headers = new ArrayList<>(14);
      headers.add(header("Date", dateHeader(m.date())));
      headers.add(header("From", InternetAddress.toString(new Address[] {address(m.from())}, "From: ".length())));
      headers.add(header("To", InternetAddress.toString(new Address[] {address(m.to())}, "To: ".length())));
      headers.add(header("Message-ID", m.messageId()));
      headers.add(header("Subject", folded("Subject", MimeUtility.encodeText(m.subject(), UTF_8, null))));
      headers.add(header("MIME-Version", "1.0"));
      headers.add(header("List-Unsubscribe", folded("List-Unsubscribe", listUnsubscribe(m))));
      headers.add(header("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"));
      for (Map.Entry<String, String> h : m.extraHeaders().entrySet()) {
        headers.add(header(h.getKey(), folded(h.getKey(), MimeUtility.encodeText(h.getValue(), UTF_8, null))));
      }
      String text = m.text().stripTrailing() + textFooter(m);
      ByteArrayOutputStream body = new ByteArrayOutputStream(2048);
      if (m.html().isEmpty()) {
        Body plain = Body.of(text, null);
        headers.add(header("Content-Type", "text/plain; charset=UTF-8"));
        headers.add(header("Content-Transfer-Encoding", plain.encoding()));
        body.writeBytes(plain.bytes());
      } else {
        String boundary = boundary(m.messageId());
        headers.add(header("Content-Type", "multipart/alternative;\r\n\tboundary=\"" + boundary + "\""));
        part(body, boundary, "text/plain", Body.of(text, boundary));
        part(body, boundary, "text/html", Body.of(withHtmlFooter(m.html().get(), m), boundary));
        ascii(body, "--" + boundary + "--\r\n");
      }
      for (String[] h : headers) requireNoLineBreakInHeader(h[0], h[1]);
      return new ComposedMessage(SESSION, m.messageId(), headers, body.toByteArray());
    } catch (IOException e) {
      throw new IllegalStateException("cannot compose message " + m.messageId(), e);
    }
  }

  /**
   * A header as written: the value already encoded and folded. Encoded values are 7-bit; what is not (an
   * address with characters outside US-ASCII, which would need SMTPUTF8) is refused rather than written
   * mangled.
   */
  private static String[] header(String name, String value) {
    for (int i = 0; i < value.length(); i++) {
      if (value.charAt(i) >= 128) throw new IllegalArgumentException(name + " cannot be written in US-ASCII: " + value);
    }
    return new String[] {name, value};
  }

  /** One body part of a multipart: its delimiter line, its headers, the blank line, its body and line end. */
  private static void part(ByteArrayOutputStream out, String boundary, String type, Body body) {
    ascii(out, "--" + boundary + "\r\nContent-Type: " + type + "; charset=UTF-8\r\nContent-Transfer-Encoding: "
        + body.encoding() + "\r\n\r\n");
    out.writeBytes(body.bytes());
    // The line break before the next delimiter belongs to the delimiter (RFC 2046 section 5.1.1).
    ascii(out, "\r\n");
  }

  private static void ascii(ByteArrayOutputStream out, String text) {
    out.writeBytes(text.getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * Unique to the message (from its Message-ID), and it cannot occur in a quoted-printable or base64 body:
   * "=_" is valid in neither. A 7-bit body is checked for it.
   */
  static String boundary(String messageId) {
    return "=_outreach_" + Integer.toHexString(messageId.hashCode()) + "_" + Integer.toHexString(messageId.length());
  }

  /**
   * A text body encoded for the wire with CRLF line breaks: as it is when it is US-ASCII in lines of at most
   * 998 characters (7bit), base64 when most of its bytes are not ASCII, quoted-printable otherwise (the
   * choice Jakarta Mail makes).
   */
  record Body(String encoding, byte[] bytes) {

    static Body of(String text, String boundary) throws IOException {
      if (isSevenBit(text) && (boundary == null || !text.contains("--" + boundary))) {
        return new Body("7bit", crlf(text.getBytes(StandardCharsets.US_ASCII)));
      }
      byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
      int high = 0;
      for (byte b : utf8) if (b < 0) high++;
      boolean base64 = high > utf8.length - high;
      ByteArrayOutputStream out = new ByteArrayOutputStream(utf8.length + utf8.length / 2 + 16);
      try (OutputStream encoder = MimeUtility.encode(out, base64 ? "base64" : "quoted-printable")) {
        // Quoted-printable turns every line break into a CRLF itself; base64 is given the canonical form.
        encoder.write(base64 ? crlf(utf8) : utf8);
      } catch (MessagingException e) {
        throw new IOException(e);
      }
      byte[] encoded = out.toByteArray();
      // Base64 ends its last line here; a line break added to quoted-printable would be content.
      if (base64 && encoded.length > 0 && encoded[encoded.length - 1] != '\n') {
        out.write('\r');
        out.write('\n');
        encoded = out.toByteArray();
      }
      return new Body(base64 ? "base64" : "quoted-printable", encoded);
    }

    private static boolean isSevenBit(String text) {
      int line = 0;
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (c == '\n' || c == '\r') {
          line = 0;
        } else if (c >= 127 || (c < 32 && c != '\t') || ++line > MAX_LINE) {
          return false;
        }
      }
      return true;
    }

    /** Every line break (CRLF, CR or LF) as CRLF: the bytes as they are when they already are so. */
    private static byte[] crlf(byte[] bytes) {
      int bare = 0;
      for (int i = 0; i < bytes.length; i++) {
        if (bytes[i] == '\r' && i + 1 < bytes.length && bytes[i + 1] == '\n') i++;
        else if (bytes[i] == '\r' || bytes[i] == '\n') bare++;
      }
      if (bare == 0) return bytes;
      byte[] out = new byte[bytes.length + bare];
      int o = 0;
      for (int i = 0; i < bytes.length; i++) {
        byte b = bytes[i];
        if (b == '\r' || b == '\n') {
          if (b == '\r' && i + 1 < bytes.length && bytes[i + 1] == '\n') i++;
          out[o++] = '\r';
          out[o++] = '\n';
        } else {
          out[o++] = b;
        }
      }
      return out;
    }
  }

  private static InternetAddress address(OutgoingMessage.Mailbox mailbox) throws UnsupportedEncodingException {
    return new InternetAddress(mailbox.address(), mailbox.name().orElse(null), UTF_8);
  }

  /** RFC 5322 date-time, in UTC so the same instant gives the same header on every node. */
  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.US).withZone(ZoneOffset.UTC);

  /** The header of the second last formatted: a busy node sends many messages within one second. */
  private record DateText(long epochSecond, String text) {}

  private static volatile DateText lastDate = new DateText(Long.MIN_VALUE, "");

  static String dateHeader(Instant date) {
    DateText last = lastDate;
    if (last.epochSecond() == date.getEpochSecond()) return last.text();
    DateText formatted = new DateText(date.getEpochSecond(), DATE.format(date));
    lastDate = formatted;
    return formatted.text();
  }

  private static String listUnsubscribe(OutgoingMessage m) {
    String link = "<" + m.unsubscribeUrl().toASCIIString() + ">";
    return m.unsubscribeMailto().map(mailto -> "<" + mailto.toASCIIString() + ">, " + link).orElse(link);
  }

  /**
   * The value folded as Jakarta Mail folds it (trailing whitespace dropped, broken at the last whitespace
   * before column 76, a word longer than a line left whole), without its check for line breaks: none of these values has one, which {@link
   * #requireNoLineBreakInHeader} verifies on the result.
   */
  static String folded(String name, String value) {
    int end = value.length();
    while (end > 0 && isFoldingSpace(value.charAt(end - 1))) end--;
    if (end < value.length()) value = value.substring(0, end);
    int used = name.length() + 2;
    if (used + value.length() <= FOLD_AT) return value;
    StringBuilder b = new StringBuilder(value.length() + 8);
    String rest = value;
    char last = 0;
    while (used + rest.length() > FOLD_AT) {
      int space = -1;
      for (int i = 0; i < rest.length(); i++) {
        if (space != -1 && used + i > FOLD_AT) break;
        char c = rest.charAt(i);
        if ((c == ' ' || c == '\t') && !(last == ' ' || last == '\t')) space = i;
        last = c;
      }
      if (space == -1) break;
      b.append(rest, 0, space).append("\r\n").append(rest.charAt(space));
      last = rest.charAt(space);
      rest = rest.substring(space + 1);
      used = 1;
    }
    return b.append(rest).toString();
  }

  private static boolean isFoldingSpace(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
  }

  private static String textFooter(OutgoingMessage m) {
    return "\n\n-- \n" + m.physicalAddress().strip() + "\nUnsubscribe: " + m.unsubscribeUrl().toASCIIString() + "\n";
  }

  private static final Pattern LINE_BREAK = Pattern.compile("\\R");

  private static String withHtmlFooter(String html, OutgoingMessage m) {
    String footer =
        "<div style=\"margin-top:24px;font-size:12px;color:#666666\">"
            + LINE_BREAK.matcher(Escapers.HTML.escape(m.physicalAddress().strip())).replaceAll("<br>")
            + "<br><a href=\""
            + Escapers.HTML.escape(m.unsubscribeUrl().toASCIIString())
            + "\">Unsubscribe</a></div>";
    int bodyEnd = lastIndexOfIgnoreCase(html, "</body>");
    return bodyEnd < 0 ? html + footer : html.substring(0, bodyEnd) + footer + html.substring(bodyEnd);
  }

  private static int lastIndexOfIgnoreCase(String text, String part) {
    for (int i = text.lastIndexOf(part.charAt(0), text.length() - part.length()); i >= 0; i = text.lastIndexOf(part.charAt(0), i - 1)) {
      if (text.regionMatches(true, i, part, 0, part.length())) return i;
    }
    return -1;
  }

  /**
   * Looks at a header as it will be written, after encoding and folding: a line break that is not folding
   * whitespace, raw or inside an encoded word, would let user data add headers (CVE-2025-7962 was one such path).
   */
  static void requireNoLineBreakInHeader(String name, String value) {
    if (!onlyFoldingLineBreaks(value)
        || (value.contains("=?") && HeaderText.hasLineBreak(decoded(MimeUtility.unfold(value))))) {
      throw new IllegalArgumentException(name + " would carry a line break into the message");
    }
  }

  /** Every line break is CRLF followed by a space or tab: folding, which a reader removes. */
  private static boolean onlyFoldingLineBreaks(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\n') return false;
      if (c == '\r') {
        if (i + 2 >= value.length() || value.charAt(i + 1) != '\n' || (value.charAt(i + 2) != ' ' && value.charAt(i + 2) != '\t')) {
          return false;
        }
        i++;
      }
    }
    return true;
  }

  private static String decoded(String value) {
    try {
      return MimeUtility.decodeText(value);
    } catch (UnsupportedEncodingException e) {
      return value;
    }
  }

  /**
   * The composed headers and body as a {@link MimeMessage} whose every getter works, written out as composed
   * for as long as nothing changes it. Keeps the caller's Message-ID through {@code saveChanges()}, which
   * would otherwise put a random one in its place; after a save or a change of its headers the message is
   * written by Jakarta Mail as any other. An {@link SMTPMessage}, so that the envelope sender can be set on it
   * without copying the message.
   */
  private static final class ComposedMessage extends SMTPMessage {
    private final String messageId;
    private final byte[] raw;
    private boolean edited;

    ComposedMessage(Session session, String messageId, List<String[]> headerValues, byte[] body) {
      super(session);
      this.messageId = messageId;
      ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 1024);
      for (String[] h : headerValues) {
        String line = h[0] + ": " + h[1];
        headers.addHeaderLine(line);
        ascii(out, line + "\r\n");
      }
      ascii(out, "\r\n");
      out.writeBytes(body);
      this.raw = out.toByteArray();
      this.content = body;
      this.saved = true;
      this.modified = false;
    }

    @Override
    protected void updateMessageID() throws MessagingException {
      setHeader("Message-ID", messageId);
    }

    @Override
    public void setHeader(String name, String value) throws MessagingException {
      edited = true;
      super.setHeader(name, value);
    }

    @Override
    public void addHeader(String name, String value) throws MessagingException {
      edited = true;
      super.addHeader(name, value);
    }

    @Override
    public void removeHeader(String name) throws MessagingException {
      edited = true;
      super.removeHeader(name);
    }

    @Override
    public void addHeaderLine(String line) throws MessagingException {
      edited = true;
      super.addHeaderLine(line);
    }

    @Override
    public void writeTo(OutputStream os, String[] ignoreList) throws IOException, MessagingException {
      if (edited || modified || hasAny(ignoreList)) {
        super.writeTo(os, ignoreList);
      } else {
        os.write(raw);
      }
    }

    private boolean hasAny(String[] names) throws MessagingException {
      if (names == null) return false;
      for (String name : names) if (getHeader(name) != null) return true;
      return false;
    }
  }
}
