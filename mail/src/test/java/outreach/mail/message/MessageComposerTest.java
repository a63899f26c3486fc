package outreach.mail.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static outreach.mail.message.SampleMessage.sample;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimePart;
import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MessageComposerTest {

  private static final Session SESSION = Session.getInstance(new Properties());

  @Test
  void aTextOnlyMessageHasEveryHeaderAndTheFooter() throws Exception {
    MimeMessage sent = roundTrip(MessageComposer.compose(sample().build()));

    assertThat(sent.getHeader("Message-ID", null)).isEqualTo("<0123456789abcdef0123456789abcdef@mail.acme.example>");
    assertThat(sent.getFrom()).containsExactly(new InternetAddress("ann@acme.com", "Ann from Acme"));
    assertThat(((InternetAddress) sent.getFrom()[0]).getPersonal()).isEqualTo("Ann from Acme");
    assertThat(sent.getRecipients(Message.RecipientType.TO)).containsExactly(new InternetAddress("bob@example.com"));
    assertThat(((InternetAddress) sent.getRecipients(Message.RecipientType.TO)[0]).getPersonal()).isEqualTo("Bob Jones");
    assertThat(sent.getRecipients(Message.RecipientType.CC)).isNull();
    assertThat(sent.getRecipients(Message.RecipientType.BCC)).isNull();
    assertThat(sent.getSubject()).isEqualTo("A question for Example Inc");
    assertThat(sent.getSentDate()).isEqualTo(Date.from(Instant.parse("2025-03-04T05:06:07Z")));
    assertThat(sent.getHeader("Date", null)).startsWith("Tue, 4 Mar 2025 05:06:07 +0000");
    assertThat(unfolded(sent, "List-Unsubscribe"))
        .isEqualTo("<mailto:unsubscribe@acme.com?subject=TOKEN123>, <https://links.acme.example/u/TOKEN123>");
    assertThat(sent.getHeader("List-Unsubscribe-Post", null)).isEqualTo("List-Unsubscribe=One-Click");
    assertThat(sent.getHeader("X-Outreach-Campaign", null)).isEqualTo("campaign-42");
    assertThat(sent.getContentType()).startsWith("text/plain").containsIgnoringCase("charset=UTF-8");
    assertThat(text(sent))
        .isEqualTo(
            "Hi Bob,\n\na quick question about your email.\n\n-- \n"
                + "Acme Ltd, 1 Main Street, Springfield 12345, USA\n"
                + "Unsubscribe: https://links.acme.example/u/TOKEN123\n");
  }

  @Test
  void withHtmlTheBodyIsTextAndHtmlAlternativesEachWithTheFooter() throws Exception {
    OutgoingMessage message =
        sample()
            .html("<html><body><p>Hi Bob,</p><p>a quick question.</p></BODY></html>")
            .physicalAddress("Smith & Sons <Ltd>\n1 Main St\nSpringfield")
            .unsubscribeUrl(URI.create("https://links.acme.example/u?t=TOKEN&c=42"))
            .build();

    MimeMessage sent = roundTrip(MessageComposer.compose(message));

    assertThat(sent.getContentType()).startsWith("multipart/alternative");
    MimeMultipart parts = (MimeMultipart) sent.getContent();
    assertThat(parts.getCount()).isEqualTo(2);
    MimePart plain = (MimePart) parts.getBodyPart(0);
    MimePart html = (MimePart) parts.getBodyPart(1);
    assertThat(plain.getContentType()).startsWith("text/plain").containsIgnoringCase("charset=UTF-8");
    assertThat(html.getContentType()).startsWith("text/html").containsIgnoringCase("charset=UTF-8");
    assertThat(lines((String) plain.getContent()))
        .endsWith("-- \nSmith & Sons <Ltd>\n1 Main St\nSpringfield\nUnsubscribe: https://links.acme.example/u?t=TOKEN&c=42\n");
    assertThat((String) html.getContent())
        .isEqualTo(
            "<html><body><p>Hi Bob,</p><p>a quick question.</p>"
                + "<div style=\"margin-top:24px;font-size:12px;color:#666666\">"
                + "Smith &amp; Sons &lt;Ltd&gt;<br>1 Main St<br>Springfield"
                + "<br><a href=\"https://links.acme.example/u?t&#x3D;TOKEN&amp;c&#x3D;42\">Unsubscribe</a></div>"
                + "</BODY></html>");
  }

  @Test
  void anHtmlFragmentGetsTheFooterAtItsEnd() throws Exception {
    MimeMessage sent = roundTrip(MessageComposer.compose(sample().html("<p>Hi</p>").build()));

    String html = (String) ((MimePart) ((MimeMultipart) sent.getContent()).getBodyPart(1)).getContent();
    assertThat(html).startsWith("<p>Hi</p><div").endsWith("\">Unsubscribe</a></div>");
  }

  @Test
  void withoutAnUnsubscribeMailboxOnlyTheLinkIsListed() throws Exception {
    MimeMessage sent = roundTrip(MessageComposer.compose(sample().unsubscribeMailto(Optional.empty()).build()));

    assertThat(unfolded(sent, "List-Unsubscribe")).isEqualTo("<https://links.acme.example/u/TOKEN123>");
    assertThat(sent.getHeader("List-Unsubscribe-Post", null)).isEqualTo("List-Unsubscribe=One-Click");
  }

  @Test
  void nonAsciiTextIsEncodedAndComesBackIntact() throws Exception {
    OutgoingMessage message =
        sample()
            .from(OutgoingMessage.Mailbox.of("ann@acme.com", "Zoë Ünal – 営業"))
            .to(OutgoingMessage.Mailbox.of("bob@example.com", "Łukasz Żółć"))
            .subject("Grüße aus Köln – ¿una pregunta? 質問")
            .text("Schöne Grüße, Zoë – 質問があります\n")
            .html("<p>Schöne Grüße – 質問</p>")
            .header("X-Outreach-Note", "Straße")
            .build();

    MimeMessage composed = MessageComposer.compose(message);
    String raw = raw(composed);
    MimeMessage sent = roundTrip(composed);

    assertThat(headerSection(raw).chars().allMatch(c -> c < 128)).as("headers are 7-bit").isTrue();
    assertThat(sent.getSubject()).isEqualTo("Grüße aus Köln – ¿una pregunta? 質問");
    assertThat(((InternetAddress) sent.getFrom()[0]).getPersonal()).isEqualTo("Zoë Ünal – 営業");
    assertThat(((InternetAddress) sent.getRecipients(Message.RecipientType.TO)[0]).getPersonal()).isEqualTo("Łukasz Żółć");
    assertThat(MimeUtility.decodeText(sent.getHeader("X-Outreach-Note", null))).isEqualTo("Straße");
    MimePart plain = (MimePart) ((MimeMultipart) sent.getContent()).getBodyPart(0);
    assertThat(plain.getEncoding()).isIn("quoted-printable", "base64");
    assertThat((String) plain.getContent()).startsWith("Schöne Grüße, Zoë – 質問があります");
  }

  @Test
  void theMessageIdSurvivesSavingAgainAndComposingAgain() throws Exception {
    OutgoingMessage message = sample().build();
    MimeMessage first = MessageComposer.compose(message);

    first.saveChanges();
    first.saveChanges();
    MimeMessage second = MessageComposer.compose(message);

    assertThat(first.getMessageID()).isEqualTo("<0123456789abcdef0123456789abcdef@mail.acme.example>");
    assertThat(second.getMessageID()).isEqualTo(first.getMessageID());
    assertThat(roundTrip(first).getMessageID()).isEqualTo(first.getMessageID());
  }

  @Test
  void aLongListUnsubscribeIsFoldedOnlyBetweenItsLinks() throws Exception {
    String token = "T".repeat(150);
    OutgoingMessage message =
        sample()
            .unsubscribeUrl(URI.create("https://links.acme.example/u/" + token))
            .unsubscribeMailto(Optional.of(URI.create("mailto:unsubscribe@acme.com?subject=" + token)))
            .build();

    String raw = raw(MessageComposer.compose(message));
    MimeMessage sent = roundTrip(MessageComposer.compose(message));

    assertThat(headerSection(raw)).contains("List-Unsubscribe: <mailto:unsubscribe@acme.com?subject=" + token + ">,\r\n <https://");
    assertThat(unfolded(sent, "List-Unsubscribe"))
        .isEqualTo("<mailto:unsubscribe@acme.com?subject=" + token + ">, <https://links.acme.example/u/" + token + ">");
  }

  @Test
  void headerInjectionThroughUserDataIsRefusedNamingTheHeader() {
    String injection = "\r\nBcc: victim@example.com";

    assertThatThrownBy(() -> sample().to(OutgoingMessage.Mailbox.of("bob@example.com", "Bob" + injection)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("To name contains a line break");
    assertThatThrownBy(() -> sample().from(OutgoingMessage.Mailbox.of("ann@acme.com", "Ann\nBcc: x@example.com")).build())
        .hasMessage("From name contains a line break");
    assertThatThrownBy(() -> sample().subject("Hello" + injection).build()).hasMessage("Subject contains a line break");
    assertThatThrownBy(() -> sample().subject("Hello\rBcc: victim@example.com").build()).hasMessage("Subject contains a line break");
    assertThatThrownBy(() -> sample().to(OutgoingMessage.Mailbox.of("bob@example.com" + injection)).build())
        .hasMessage("To address: address contains a line break");
    assertThatThrownBy(() -> sample().from(OutgoingMessage.Mailbox.of("ann@acme.com\nBcc: x@example.com")).build())
        .hasMessage("From address: address contains a line break");
    assertThatThrownBy(() -> sample().header("X-Outreach-Campaign", "c-42" + injection).build())
        .hasMessage("X-Outreach-Campaign contains a line break");
    assertThatThrownBy(() -> sample().header("X-Evil\r\nBcc", "victim@example.com").build())
        .hasMessage("header name 'X-Evil\r\nBcc' is not a valid field name");
    assertThatThrownBy(() -> sample().messageId("<a@b.example>" + injection).build())
        .hasMessageStartingWith("Message-ID must look like <id@domain>");
    assertThatThrownBy(() -> sample().subject("Hello\u0000").build()).hasMessage("Subject contains a control character");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Bcc", "cc", "To", "FROM", "Subject", "Message-ID", "Date", "List-Unsubscribe", "Content-Type", "MIME-Version"})
  void extraHeadersCannotReplaceTheComposedOnes(String name) {
    assertThatThrownBy(() -> sample().header(name, "x").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(name + " cannot be set as an extra header");
  }

  @Test
  void extraHeaderNamesFollowRfc5322() {
    assertThatThrownBy(() -> sample().header("X Bad", "x").build()).hasMessage("header name 'X Bad' is not a valid field name");
    assertThatThrownBy(() -> sample().header("X-Bad:", "x").build()).hasMessage("header name 'X-Bad:' is not a valid field name");
    assertThatThrownBy(() -> sample().header("X-Ü", "x").build()).hasMessage("header name 'X-Ü' is not a valid field name");
  }

  @Test
  void theUnsubscribeLinkMustBeHttpsExceptToThisMachine() {
    assertThatThrownBy(() -> sample().unsubscribeUrl(URI.create("http://links.acme.example/u/T")).build())
        .hasMessage("List-Unsubscribe link must be https (RFC 8058): http://links.acme.example/u/T");
    assertThatThrownBy(() -> sample().unsubscribeUrl(URI.create("javascript:alert(1)")).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> sample().unsubscribeMailto(Optional.of(URI.create("https://x.example/"))).build())
        .hasMessageStartingWith("List-Unsubscribe mailbox must be a mailto: URI");
    assertThat(sample().unsubscribeUrl(URI.create("http://localhost:8080/u/T")).build().unsubscribeUrl().getPort()).isEqualTo(8080);
    assertThat(sample().unsubscribeUrl(URI.create("http://127.0.0.1:8080/u/T")).build()).isNotNull();
    assertThat(sample().unsubscribeUrl(URI.create("http://[::1]:8080/u/T")).build()).isNotNull();
  }

  @Test
  void aFooterNeedsAPhysicalAddress() {
    assertThatThrownBy(() -> sample().physicalAddress(" ").build())
        .hasMessage("the physical address for the footer is empty");
  }

  /** U+760A and U+760D were encoded into raw CR/LF bytes by Jakarta Mail before Angus 2.0.4 (CVE-2025-7962). */
  @Test
  void charactersThatOnceEncodedToLineBreaksStayInsideTheirHeader() throws Exception {
    String tricky = "\u760A\u760D \u760ABcc: victim@example.com\u760D";
    OutgoingMessage message =
        sample()
            .subject("Hi " + tricky)
            .from(OutgoingMessage.Mailbox.of("ann@acme.com", tricky))
            .to(OutgoingMessage.Mailbox.of("bob@example.com", tricky))
            .header("X-Outreach-Note", tricky)
            .build();

    String raw = raw(MessageComposer.compose(message));
    MimeMessage sent = roundTrip(MessageComposer.compose(message));

    List<String> names = headerNames(headerSection(raw));
    assertThat(names).doesNotContain("Bcc").doesNotHaveDuplicates();
    assertThat(sent.getRecipients(Message.RecipientType.BCC)).isNull();
    assertThat(sent.getSubject()).isEqualTo("Hi " + tricky);
    assertThat(((InternetAddress) sent.getFrom()[0]).getPersonal()).isEqualTo(tricky);
  }

  @Test
  void theComposedHeadersAreCheckedForLineBreaksOnceMore() {
    MessageComposer.requireNoLineBreakInHeader("X-Folded", "a long value\r\n that continues");

    assertThatThrownBy(() -> MessageComposer.requireNoLineBreakInHeader("X-Note", "a\r\nBcc: victim@example.com"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("X-Note would carry a line break into the message");
    assertThatThrownBy(() -> MessageComposer.requireNoLineBreakInHeader("X-Note", "a\nBcc: victim@example.com"))
        .hasMessage("X-Note would carry a line break into the message");
    assertThatThrownBy(() -> MessageComposer.requireNoLineBreakInHeader("Subject", "=?UTF-8?Q?Hi=0D=0ABcc:_victim@example.com?="))
        .hasMessage("Subject would carry a line break into the message");
  }

  @Test
  void everyHeaderLineOfAComposedMessageIsAHeaderOrAContinuation() throws Exception {
    OutgoingMessage message =
        sample().subject("A long subject ".repeat(30).strip()).html("<p>x</p>").header("X-Long", "word ".repeat(60).strip()).build();

    String headers = headerSection(raw(MessageComposer.compose(message)));

    for (String line : headers.split("\r\n", -1)) {
      assertThat(line).matches("[!-9;-~]+:.*|[ \t].*");
      assertThat(line.length()).isLessThanOrEqualTo(998);
    }
    assertThat(headers).doesNotContain("\n\n").doesNotContainPattern("[^\r]\n").doesNotContainPattern("\r[^\n]");
  }

  @Test
  void shortAsciiLinesGoAsTheyAreWithCrlfLineBreaks() throws Exception {
    MimeMessage composed = MessageComposer.compose(sample().text("Hi Bob,\r\nline two\rline three\n.a dot first\n").build());

    String raw = raw(composed);
    assertThat(composed.getEncoding()).isEqualTo("7bit");
    assertThat(raw).contains("\r\n\r\nHi Bob,\r\nline two\r\nline three\r\n.a dot first\r\n\r\n-- \r\n");
    assertThat(raw.replace("\r\n", "")).doesNotContain("\r").doesNotContain("\n");
    assertThat(text(roundTrip(composed))).startsWith("Hi Bob,\nline two\nline three\n.a dot first\n\n-- \n");
  }

  @Test
  void aLineLongerThanSmtpAllowsIsQuotedPrintableAndComesBackWhole() throws Exception {
    String longLine = "word ".repeat(300).strip();
    MimeMessage composed = MessageComposer.compose(sample().text("Hi,\n" + longLine + "\nBye = end \n").build());

    assertThat(composed.getEncoding()).isEqualTo("quoted-printable");
    for (String line : raw(composed).split("\r\n")) assertThat(line.length()).isLessThanOrEqualTo(76);
    assertThat(text(roundTrip(composed))).startsWith("Hi,\n" + longLine + "\nBye = end\n\n-- \n");
  }

  @Test
  void mostlyNonAsciiTextIsBase64AndComesBackIntact() throws Exception {
    String japanese = "お世話になっております。営業部の山田です。\n来週お時間をいただけますでしょうか。\n";
    MimeMessage composed = MessageComposer.compose(sample().text(japanese).html("<p>お世話になっております。</p>").build());

    MimeMultipart parts = (MimeMultipart) roundTrip(composed).getContent();
    MimePart plain = (MimePart) parts.getBodyPart(0);
    MimePart html = (MimePart) parts.getBodyPart(1);
    assertThat(plain.getEncoding()).isEqualTo("base64");
    assertThat(lines((String) plain.getContent())).startsWith(japanese.strip() + "\n\n-- \n");
    assertThat(html.getEncoding()).isEqualTo("quoted-printable");
    assertThat((String) html.getContent()).startsWith("<p>お世話になっております。</p><div");
  }

  @Test
  void aBodyThatContainsTheBoundaryIsEncodedSoThePartsStayApart() throws Exception {
    OutgoingMessage message = sample().html("<p>Hi</p>").build();
    String boundary = MessageComposer.boundary(message.messageId());
    MimeMessage composed = MessageComposer.compose(sample().text("before\n--" + boundary + "\nafter\n").html("<p>Hi</p>").build());

    MimeMultipart parts = (MimeMultipart) roundTrip(composed).getContent();
    assertThat(parts.getCount()).isEqualTo(2);
    MimePart plain = (MimePart) parts.getBodyPart(0);
    assertThat(plain.getEncoding()).isEqualTo("quoted-printable");
    assertThat(lines((String) plain.getContent())).startsWith("before\n--" + boundary + "\nafter\n");
  }

  @Test
  void theComposedBytesAreWhatIsWrittenUntilTheMessageChanges() throws Exception {
    MimeMessage composed = MessageComposer.compose(sample().html("<p>Hi</p>").build());
    String asComposed = raw(composed);
    ByteArrayOutputStream forSmtp = new ByteArrayOutputStream();
    composed.writeTo(forSmtp, new String[] {"Bcc", "Content-Length"});

    assertThat(forSmtp.toString(StandardCharsets.ISO_8859_1)).isEqualTo(asComposed);
    assertThat(roundTrip(composed).getHeader("Content-Type", null)).isEqualTo(composed.getHeader("Content-Type", null));

    composed.setHeader("X-Added", "later");
    String changed = raw(composed);
    assertThat(headerNames(headerSection(changed))).contains("X-Added", "Message-ID", "Subject", "Content-Type");
    assertThat(headerSection(changed) + "\r\n").containsPattern("(^|\r\n)X-Added: later\r\n");
    MimeMessage reread = roundTrip(composed);
    assertThat(reread.getMessageID()).isEqualTo("<0123456789abcdef0123456789abcdef@mail.acme.example>");
    assertThat((String) ((MimePart) ((MimeMultipart) reread.getContent()).getBodyPart(1)).getContent()).startsWith("<p>Hi</p><div");
  }

  @Test
  void anAddressThatNeedsSmtpUtf8IsRefusedNotMangled() {
    assertThatThrownBy(() -> MessageComposer.compose(sample().to(OutgoingMessage.Mailbox.of("bób@example.com")).build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("To cannot be written in US-ASCII: bób@example.com");
  }

  @Test
  void headersAreFoldedAsJakartaMailFoldsThem() {
    for (String value : List.of(
        "short",
        "word ".repeat(40).strip(),
        "=?UTF-8?Q?Gr=C3=BC=C3=9Fe?= " + "x".repeat(90) + " tail  with   spaces " + "y ".repeat(30),
        "a\tb " + "z".repeat(200))) {
      assertThat(MessageComposer.folded("Subject", value)).isEqualTo(MimeUtility.fold("Subject: ".length(), value));
    }
  }

  private static MimeMessage roundTrip(MimeMessage message) throws MessagingException, IOException {
    return new MimeMessage(SESSION, new ByteArrayInputStream(raw(message).getBytes(StandardCharsets.ISO_8859_1)));
  }

  private static String raw(MimeMessage message) throws MessagingException, IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    message.writeTo(out);
    return out.toString(StandardCharsets.ISO_8859_1);
  }

  private static String headerSection(String raw) {
    return raw.substring(0, raw.indexOf("\r\n\r\n"));
  }

  private static List<String> headerNames(String headers) {
    List<String> names = new ArrayList<>();
    for (String line : headers.split("\r\n")) {
      if (!line.startsWith(" ") && !line.startsWith("\t")) names.add(line.substring(0, line.indexOf(':')));
    }
    return names;
  }

  private static String unfolded(MimeMessage message, String name) throws MessagingException {
    return MimeUtility.unfold(message.getHeader(name, null));
  }

  private static String text(MimeMessage message) throws MessagingException, IOException {
    return lines((String) message.getContent());
  }

  /** Line ends as written in Java; SMTP turns them into CRLF on the wire. */
  private static String lines(String text) {
    return text.replace("\r\n", "\n");
  }
}
