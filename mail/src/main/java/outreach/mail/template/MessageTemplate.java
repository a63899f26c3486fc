package outreach.mail.template;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.Template;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import outreach.mail.HeaderText;

/**
 * A campaign's subject, text body and optional HTML body with {@code {placeholder}}s, compiled once and
 * rendered for each recipient.
 *
 * <p>Only {@code {name}} placeholders (letters, digits, {@code _} and {@code -}) are substituted. They are
 * rewritten into Mustache tags under delimiters that occur nowhere in the campaign's text, so whatever else the
 * text holds, other Mustache syntax included, is printed as written. Values are HTML-escaped in the HTML body
 * only; in the subject, line breaks and control characters in values become spaces, so that a value can never
 * start a new header. Immutable and thread-safe: one compiled template serves every recipient of a campaign.
 */
public final class MessageTemplate {

  /** RFC 5322 caps a header line at 998 characters. */
  public static final int MAX_SUBJECT_LENGTH = 998;

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([\\p{L}\\p{N}_-]+)}");
  /** Words in braces that are not a valid name, such as {first name} or { name }: a placeholder typed wrong. */
  private static final Pattern MISTYPED =
      Pattern.compile("\\{\\s*[\\p{L}\\p{N}_-]+(?:[\\s.]+[\\p{L}\\p{N}_-]+)*\\s*}");
  private static final Pattern BREAKS_AND_CONTROLS = Pattern.compile("(?:\\R|\\p{Cc})+");
  /** Private-use characters, which a campaign's text almost never holds: two it lacks become the delimiters. */
  private static final char FIRST_PRIVATE_USE = '\uE000';
  private static final char LAST_PRIVATE_USE = '\uF8FF';

  private final Set<String> placeholders;
  /** Placeholder name to the key it has inside the Mustache templates; user names never reach Mustache. */
  private final Map<String, String> keys;
  private final Template subject;
  private final Template text;
  private final Optional<Template> html;

  /** One recipient's message: the subject is a single line; the HTML body is present when the template has one. */
  public record Rendered(String subject, String text, Optional<String> html) {}

  private MessageTemplate(
      Set<String> placeholders, Map<String, String> keys, Template subject, Template text, Optional<Template> html) {
    this.placeholders = placeholders;
    this.keys = keys;
    this.subject = subject;
    this.text = text;
    this.html = html;
  }

  /** Compiles a campaign's template; throws {@link TemplateException} saying what is wrong with it. */
  public static MessageTemplate compile(String subject, String text, Optional<String> html) {
    Objects.requireNonNull(html, "html");
    if (subject == null || subject.isBlank()) throw new TemplateException("the subject is empty");
    HeaderText.problem(subject, MAX_SUBJECT_LENGTH).ifPresent(p -> {
      throw new TemplateException("the subject " + p);
    });
    if (text == null || text.isBlank()) throw new TemplateException("the text body is empty");
    if (html.isPresent() && html.get().isBlank()) {
      throw new TemplateException("the HTML body is empty; leave it out instead");
    }
    requireWellFormed("subject", subject);
    requireWellFormed("text body", text);
    html.ifPresent(h -> requireWellFormed("HTML body", h));

    Set<String> names = new LinkedHashSet<>();
    names.addAll(placeholdersIn(subject));
    names.addAll(placeholdersIn(text));
    html.ifPresent(h -> names.addAll(placeholdersIn(h)));
    Map<String, String> keys = new LinkedHashMap<>();
    for (String name : names) keys.put(name, "v" + keys.size());

    char open = unusedDelimiter(subject + text + html.orElse(""));
    char close = (char) (open + 1);
    Mustache.Compiler plain =
        Mustache.compiler().standardsMode(true).defaultValue("").escapeHTML(false).withDelims(open + " " + close);
    Mustache.Compiler escaping = plain.escapeHTML(true);
    return new MessageTemplate(
        Collections.unmodifiableSet(names),
        Collections.unmodifiableMap(keys),
        plain.compile(rewrite(subject, keys, open, close)),
        plain.compile(rewrite(text, keys, open, close)),
        html.map(h -> escaping.compile(rewrite(h, keys, open, close))));
  }

  /** The placeholder names used anywhere in the template, in order of first appearance. */
  public Set<String> placeholders() {
    return placeholders;
  }

  /** Throws {@link TemplateException} naming every placeholder that is not among the {@code available} names. */
  public void requireKnown(Set<String> available) {
    List<String> unknown = placeholders.stream().filter(name -> !available.contains(name)).toList();
    if (unknown.isEmpty()) return;
    String known = available.isEmpty() ? "none" : inBraces(new TreeSet<>(available));
    throw new TemplateException(
        (unknown.size() == 1 ? "unknown placeholder " : "unknown placeholders ")
            + inBraces(unknown)
            + "; available: "
            + known);
  }

  /** Renders for one recipient; a placeholder without a value renders as the empty string. */
  public Rendered render(Map<String, String> variables) {
    Map<String, String> values = new HashMap<>();
    Map<String, String> subjectValues = new HashMap<>();
    keys.forEach((name, key) -> {
      String value = variables.get(name);
      if (value != null) {
        values.put(key, value);
        subjectValues.put(key, BREAKS_AND_CONTROLS.matcher(value).replaceAll(" "));
      }
    });
    return new Rendered(subject.execute(subjectValues), text.execute(values), html.map(h -> h.execute(values)));
  }

  private static void requireWellFormed(String part, String source) {
    Matcher m = MISTYPED.matcher(source);
    while (m.find()) {
      if (!PLACEHOLDER.matcher(m.group()).matches()) {
        throw new TemplateException(
            "the " + part + " has '" + m.group() + "', which is not a placeholder:"
                + " write {name}, with letters, digits, '_' or '-' and no spaces or dots between the braces");
      }
    }
  }

  private static Set<String> placeholdersIn(String source) {
    Set<String> names = new LinkedHashSet<>();
    Matcher m = PLACEHOLDER.matcher(source);
    while (m.find()) names.add(m.group(1));
    return names;
  }

  private static String rewrite(String source, Map<String, String> keys, char open, char close) {
    return PLACEHOLDER.matcher(source).replaceAll(m -> Matcher.quoteReplacement(open + keys.get(m.group(1)) + close));
  }

  private static char unusedDelimiter(String source) {
    for (char c = FIRST_PRIVATE_USE; c < LAST_PRIVATE_USE; c++) {
      if (source.indexOf(c) < 0 && source.indexOf(c + 1) < 0) return c;
    }
    throw new TemplateException("the template uses every private-use character; remove them");
  }

  private static String inBraces(Iterable<String> names) {
    StringBuilder out = new StringBuilder();
    for (String name : names) out.append(out.length() == 0 ? "" : ", ").append('{').append(name).append('}');
    return out.toString();
  }
}
