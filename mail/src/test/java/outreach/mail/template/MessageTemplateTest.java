package outreach.mail.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MessageTemplateTest {

  private static final Map<String, String> ANN = Map.of("name", "Ann", "company", "Acme", "email", "ann@acme.example");

  @Test
  void substitutesPlaceholdersInSubjectTextAndHtml() {
    MessageTemplate template =
        MessageTemplate.compile(
            "{name}, a question for {company}",
            "Hi {name},\n\nhow does {company} send email today?\nReply to {email}.",
            Optional.of("<p>Hi {name},</p><p>how does <b>{company}</b> send email today?</p>"));

    MessageTemplate.Rendered out = template.render(ANN);

    assertThat(out.subject()).isEqualTo("Ann, a question for Acme");
    assertThat(out.text()).isEqualTo("Hi Ann,\n\nhow does Acme send email today?\nReply to ann@acme.example.");
    assertThat(out.html()).contains("<p>Hi Ann,</p><p>how does <b>Acme</b> send email today?</p>");
  }

  @Test
  void withoutHtmlThereIsNoHtml() {
    MessageTemplate template = MessageTemplate.compile("Hello", "Hi {name}", Optional.empty());

    assertThat(template.render(ANN).html()).isEmpty();
  }

  @Test
  void listsPlaceholdersOnceInOrderOfFirstUse() {
    MessageTemplate template =
        MessageTemplate.compile(
            "{company} and {name}", "{name} {job_title} {first-name} {Größe2}", Optional.of("{email} {company}"));

    assertThat(template.placeholders()).containsExactly("company", "name", "job_title", "first-name", "Größe2", "email");
  }

  @Test
  void anyCsvColumnIsAPlaceholder() {
    MessageTemplate template = MessageTemplate.compile("Re: {deal_stage}", "Seen at {trade-show} in {city_2024}", Optional.empty());

    MessageTemplate.Rendered out =
        template.render(Map.of("deal_stage", "demo", "trade-show", "Web Summit", "city_2024", "Lisbon"));

    assertThat(out.subject()).isEqualTo("Re: demo");
    assertThat(out.text()).isEqualTo("Seen at Web Summit in Lisbon");
  }

  @Test
  void htmlBodyEscapesValuesAndTextBodyDoesNot() {
    MessageTemplate template =
        MessageTemplate.compile(
            "For {company}", "Hi {name} at {company}", Optional.of("<p>Hi {name} at <a href=\"https://x.example/?c={company}\">{company}</a></p>"));
    Map<String, String> values = Map.of("name", "<script>alert('x')</script>", "company", "Tom & \"Jerry\"");

    MessageTemplate.Rendered out = template.render(values);

    assertThat(out.text()).isEqualTo("Hi <script>alert('x')</script> at Tom & \"Jerry\"");
    assertThat(out.subject()).isEqualTo("For Tom & \"Jerry\"");
    assertThat(out.html().orElseThrow())
        .isEqualTo(
            "<p>Hi &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; at <a href=\"https://x.example/?c=Tom &amp; &quot;Jerry&quot;\">"
                + "Tom &amp; &quot;Jerry&quot;</a></p>")
        .doesNotContain("<script>");
  }

  @Test
  void missingValuesRenderEmpty() {
    MessageTemplate template = MessageTemplate.compile("Hi {name}", "Hi {name} from {company}!", Optional.of("<b>{name}</b>"));

    Map<String, String> withNull = new HashMap<>();
    withNull.put("company", null);
    MessageTemplate.Rendered out = template.render(withNull);

    assertThat(out.subject()).isEqualTo("Hi ");
    assertThat(out.text()).isEqualTo("Hi  from !");
    assertThat(out.html()).contains("<b></b>");
  }

  @Test
  void lineBreaksInValuesBecomeSpacesInTheSubjectOnly() {
    MessageTemplate template = MessageTemplate.compile("Hello {name}!", "Dear {name}", Optional.empty());

    MessageTemplate.Rendered out = template.render(Map.of("name", "Ann\r\nBcc: victim@example.com\n\nX"));

    assertThat(out.subject()).isEqualTo("Hello Ann Bcc: victim@example.com X!").doesNotContain("\r", "\n");
    assertThat(out.text()).isEqualTo("Dear Ann\r\nBcc: victim@example.com\n\nX");
  }

  @ParameterizedTest
  @ValueSource(strings = {"a\rb", "a\nb", "a\u2028b", "a\u2029b", "a\u0085b", "a\u000Bb", "a\u000Cb", "a\u0000b", "a\tb", "a\u007Fb"})
  void noLineBreakOrControlCharacterOfAValueReachesTheSubject(String value) {
    MessageTemplate template = MessageTemplate.compile("[{name}]", "x", Optional.empty());

    assertThat(template.render(Map.of("name", value)).subject()).isEqualTo("[a b]");
  }

  @Test
  void otherMustacheSyntaxIsPrintedAsWritten() {
    String text = "{{#admin}}root{{/admin}} {{^x}}no{{/x}} {{> footer}} {{! note}} {{&raw}} {{=<% %>=}} <%name%> {{{{";
    MessageTemplate template = MessageTemplate.compile("{{#s}}Hi{{/s}}", text, Optional.of("<p>{{#a}}{{.}}{{/a}}</p>"));

    MessageTemplate.Rendered out = template.render(Map.of("admin", "yes", "x", "1", "name", "Ann", "raw", "<b>"));

    assertThat(out.subject()).isEqualTo("{{#s}}Hi{{/s}}");
    assertThat(out.text()).isEqualTo(text);
    assertThat(out.html()).contains("<p>{{#a}}{{.}}{{/a}}</p>");
    assertThat(template.placeholders()).isEmpty();
  }

  @Test
  void literalBracesThatAreNotPlaceholdersStay() {
    String html = "<style>p { margin: 0 } a{color:#333}</style><p>{} { } {5 %} {$price} a{b {name</p>";
    MessageTemplate template = MessageTemplate.compile("Offer {}", "JSON: {\"a\": 1} and {name}", Optional.of(html));

    MessageTemplate.Rendered out = template.render(ANN);

    assertThat(out.subject()).isEqualTo("Offer {}");
    assertThat(out.text()).isEqualTo("JSON: {\"a\": 1} and Ann");
    assertThat(out.html()).contains(html);
    assertThat(template.placeholders()).containsExactly("name");
  }

  @Test
  void doubledBracesAroundANameKeepTheOuterBraces() {
    MessageTemplate template = MessageTemplate.compile("x", "{{name}}", Optional.empty());

    assertThat(template.render(ANN).text()).isEqualTo("{Ann}");
  }

  @Test
  void valuesAreNeverReadAsTemplates() {
    MessageTemplate template = MessageTemplate.compile("{name}", "{name} / {company}", Optional.of("{name}"));

    MessageTemplate.Rendered out = template.render(Map.of("name", "{company} {{company}} \uE000v1\uE001", "company", "Acme"));

    assertThat(out.subject()).isEqualTo("{company} {{company}} \uE000v1\uE001");
    assertThat(out.text()).isEqualTo("{company} {{company}} \uE000v1\uE001 / Acme");
  }

  @Test
  void mustacheSpecialNamesAreOrdinaryPlaceholders() {
    MessageTemplate template = MessageTemplate.compile("{this}", "{-first} {-last} {-index} {this}", Optional.empty());

    MessageTemplate.Rendered out = template.render(Map.of("this", "T", "-first", "F", "-last", "L", "-index", "I"));

    assertThat(out.subject()).isEqualTo("T");
    assertThat(out.text()).isEqualTo("F L I T");
  }

  @Test
  void textThatHoldsPrivateUseCharactersStillRenders() {
    String marks = "\uE000\uE001\uE002\uE003";
    MessageTemplate template = MessageTemplate.compile("x" + marks, marks + "{name}" + marks, Optional.empty());

    MessageTemplate.Rendered out = template.render(ANN);

    assertThat(out.subject()).isEqualTo("x" + marks);
    assertThat(out.text()).isEqualTo(marks + "Ann" + marks);
  }

  @Test
  void unknownPlaceholdersAreNamed() {
    MessageTemplate template = MessageTemplate.compile("Hi {nmae}", "{name} at {compnay}, {name}", Optional.of("{email}"));

    assertThatThrownBy(() -> template.requireKnown(Set.of("email", "name", "company")))
        .isInstanceOf(TemplateException.class)
        .hasMessage("unknown placeholders {nmae}, {compnay}; available: {company}, {email}, {name}");
    assertThatThrownBy(() -> MessageTemplate.compile("x", "{city}", Optional.empty()).requireKnown(Set.of()))
        .hasMessage("unknown placeholder {city}; available: none");
  }

  @Test
  void knownPlaceholdersPass() {
    MessageTemplate template = MessageTemplate.compile("Hi {name}", "{company}", Optional.empty());

    template.requireKnown(Set.of("name", "company", "email", "unused"));
    MessageTemplate.compile("No placeholders", "at all", Optional.empty()).requireKnown(Set.of());
  }

  @Test
  void placeholderNamesAreCaseSensitive() {
    MessageTemplate template = MessageTemplate.compile("Hi {Name}", "x", Optional.empty());

    assertThatThrownBy(() -> template.requireKnown(Set.of("name"))).hasMessageContaining("{Name}");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Hi {first name}", "Hi { name }", "Hi {contact.name}", "Hi {name }"})
  void mistypedPlaceholdersAreRefusedWithTheOffendingText(String text) {
    assertThatThrownBy(() -> MessageTemplate.compile("Subject", text, Optional.empty()))
        .isInstanceOf(TemplateException.class)
        .hasMessageStartingWith("the text body has '" + text.substring(3) + "', which is not a placeholder");
  }

  @Test
  void mistypedPlaceholderInTheHtmlOrSubjectNamesThePart() {
    assertThatThrownBy(() -> MessageTemplate.compile("Hi {first name}", "x", Optional.empty()))
        .hasMessageStartingWith("the subject has '{first name}'");
    assertThatThrownBy(() -> MessageTemplate.compile("Hi", "x", Optional.of("<p>{ company }</p>")))
        .hasMessageStartingWith("the HTML body has '{ company }'");
  }

  @Test
  void emptyPartsAreRefused() {
    assertThatThrownBy(() -> MessageTemplate.compile(" ", "x", Optional.empty())).hasMessage("the subject is empty");
    assertThatThrownBy(() -> MessageTemplate.compile(null, "x", Optional.empty())).hasMessage("the subject is empty");
    assertThatThrownBy(() -> MessageTemplate.compile("s", "\n", Optional.empty())).hasMessage("the text body is empty");
    assertThatThrownBy(() -> MessageTemplate.compile("s", null, Optional.empty())).hasMessage("the text body is empty");
    assertThatThrownBy(() -> MessageTemplate.compile("s", "x", Optional.of(" ")))
        .hasMessage("the HTML body is empty; leave it out instead");
  }

  @Test
  void aSubjectThatIsNotOneHeaderLineIsRefused() {
    assertThatThrownBy(() -> MessageTemplate.compile("Hi\r\nBcc: x@example.com", "x", Optional.empty()))
        .isInstanceOf(TemplateException.class)
        .hasMessage("the subject contains a line break");
    assertThatThrownBy(() -> MessageTemplate.compile("Hi\u0007", "x", Optional.empty()))
        .hasMessage("the subject contains a control character");
    assertThatThrownBy(() -> MessageTemplate.compile("x".repeat(999), "x", Optional.empty()))
        .hasMessage("the subject is longer than 998 characters");
  }

  @Test
  void oneTemplateRendersEachRecipientOnItsOwn() {
    MessageTemplate template = MessageTemplate.compile("Hi {name}", "Hi {name} at {company}", Optional.empty());

    MessageTemplate.Rendered ann = template.render(ANN);
    MessageTemplate.Rendered bob = template.render(Map.of("name", "Bob"));

    assertThat(ann.text()).isEqualTo("Hi Ann at Acme");
    assertThat(bob.text()).isEqualTo("Hi Bob at ");
  }
}
