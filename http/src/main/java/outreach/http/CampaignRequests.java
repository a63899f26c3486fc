package outreach.http;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import outreach.mail.HeaderText;
import outreach.mail.template.MessageTemplate;
import outreach.mail.template.TemplateException;
import outreach.protocol.EntityIds;
import outreach.protocol.campaign.CampaignSpec;
import outreach.protocol.campaign.DelayRange;
import outreach.protocol.campaign.SendSchedule;

/** Validation of campaign requests into a {@link CampaignSpec}; every problem names its field. */
final class CampaignRequests {

  /** Body of {@code POST /v1/campaigns}; missing optional fields take their defaults. */
  record CreateCampaign(
      String id,
      String name,
      String subject,
      String text,
      String html,
      List<String> accounts,
      FooterBody footer,
      ScheduleBody schedule,
      DelayBody delay,
      List<String> variables) {}

  /** Body of {@code POST /v1/campaigns/{id}/clone}: the new campaign's id (generated when absent) and name (the original's when absent). */
  record CloneCampaign(String id, String name) {}

  /** The footer every message carries: the sender's physical postal address (CAN-SPAM). */
  record FooterBody(String address) {}

  /** When the campaign may send; without a time zone, the tenant's. */
  record ScheduleBody(String timeZone, List<String> days, String start, String end) {}

  /** The random pause between two sends from one account, as {@code 90s}, {@code 3m} or {@code 1h}. */
  record DelayBody(String min, String max) {}

  /** A validated request: the campaign's id and what it is to send. */
  record ValidCampaign(String id, CampaignSpec spec) {}

  /**
   * Placeholders every campaign may use without declaring them: the address itself and the two
   * columns a recipient list most often has. Other CSV columns are declared in {@code variables}.
   */
  static final Set<String> STANDARD_VARIABLES = Set.of("email", "name", "company");

  /** The most a campaign may wait between two sends of one account. */
  static final Duration MAX_DELAY = Duration.ofHours(1);

  private static final Pattern TIME = Pattern.compile("([01][0-9]|2[0-3]):([0-5][0-9])");
  /** The end of the day, allowed as the end of a window only. */
  private static final String END_OF_DAY = "24:00";
  private static final Pattern DURATION = Pattern.compile("([0-9]{1,5})([smh])");
  /** CSV column names are read lower-cased, so a declared variable must be lower-case to ever have a value. */
  private static final Pattern VARIABLE = Pattern.compile("[\\p{Ll}\\p{Lo}\\p{N}_-]{1,64}");
  private static final String CONSENT_COLUMN = "consent";

  private static final int MAX_NAME = 200;
  private static final int MAX_FOOTER_ADDRESS = 500;

  private CampaignRequests() {}

  static ValidCampaign validate(CreateCampaign body, String generatedId, String tenantTimeZone) {
    String id = body.id() == null ? generatedId : body.id();
    if (!EntityIds.isValidLocalId(id)) {
      throw Problem.badRequest(
          "field 'id' must be 1-64 letters, digits, '.', '-' or '_', starting with a letter or digit");
    }
    String name = name(body.name());
    String subject = required(body.subject(), "subject");
    HeaderText.problem(subject, MessageTemplate.MAX_SUBJECT_LENGTH)
        .ifPresent(p -> {
          throw Problem.badRequest("field 'subject' " + p);
        });
    // The body is kept exactly as written; only its presence is checked here.
    String text = body.text();
    required(text, "text");
    Optional<String> html = Optional.ofNullable(body.html());
    if (html.isPresent() && html.get().isBlank()) throw Problem.badRequest("field 'html' is empty; leave it out instead");
    template(subject, text, html, variables(body.variables()));
    return new ValidCampaign(
        id,
        new CampaignSpec(
            name,
            subject,
            text,
            html,
            accounts(body.accounts()),
            footerAddress(body.footer()),
            schedule(body.schedule(), tenantTimeZone),
            delay(body.delay())));
  }

  /**
   * Checks the body of {@code PATCH /v1/campaigns/{id}}: the whole definition, with the rules and
   * defaults of create; an {@code id} in the body must be the campaign's own.
   */
  static CampaignSpec validateUpdate(CreateCampaign body, String id, String tenantTimeZone) {
    if (body.id() != null && !body.id().equals(id)) throw Problem.badRequest("field 'id' cannot be changed");
    return validate(body, id, tenantTimeZone).spec();
  }

  /** Checks a clone request: the new id, or the generated one, and the name if one is given. */
  static String cloneId(CloneCampaign body, String generatedId) {
    String id = body.id() == null ? generatedId : body.id();
    if (!EntityIds.isValidLocalId(id)) {
      throw Problem.badRequest(
          "field 'id' must be 1-64 letters, digits, '.', '-' or '_', starting with a letter or digit");
    }
    return id;
  }

  static String name(String value) {
    String name = required(value, "name");
    HeaderText.problem(name, MAX_NAME)
        .ifPresent(p -> {
          throw Problem.badRequest("field 'name' " + p);
        });
    return name;
  }

  /** Compiles the template and checks that every placeholder can have a value. */
  static void template(String subject, String text, Optional<String> html, Set<String> declared) {
    MessageTemplate template;
    try {
      template = MessageTemplate.compile(subject, text, html);
    } catch (TemplateException e) {
      throw Problem.badRequest("template: " + e.getMessage());
    }
    Set<String> known = new HashSet<>(STANDARD_VARIABLES);
    known.addAll(declared);
    try {
      template.requireKnown(known);
    } catch (TemplateException e) {
      throw Problem.badRequest("template: " + e.getMessage() + "; list the other CSV columns it uses in 'variables'");
    }
  }

  static Set<String> variables(List<String> variables) {
    if (variables == null) return Set.of();
    Set<String> names = new LinkedHashSet<>();
    for (int i = 0; i < variables.size(); i++) {
      String v = variables.get(i);
      String field = "field 'variables[" + i + "]'";
      if (v == null || !VARIABLE.matcher(v).matches()) {
        throw Problem.badRequest(
            field + " must be a CSV column name in lower case: letters, digits, '_' or '-', at most 64");
      }
      if (v.equals(CONSENT_COLUMN)) throw Problem.badRequest(field + ": the 'consent' column is kept as the consent record, not as a variable");
      if (!names.add(v)) throw Problem.badRequest(field + " repeats '" + v + "'");
    }
    return names;
  }

  static List<String> accounts(List<String> accounts) {
    if (accounts == null || accounts.isEmpty()) {
      throw Problem.badRequest("field 'accounts' must list at least one account id");
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < accounts.size(); i++) {
      String account = accounts.get(i);
      if (!EntityIds.isValidLocalId(account)) throw Problem.badRequest("field 'accounts[" + i + "]' is not an account id");
      if (!seen.add(account)) throw Problem.badRequest("field 'accounts[" + i + "]' repeats '" + account + "'");
    }
    return List.copyOf(accounts);
  }

  /** Required by CAN-SPAM in every commercial message; several lines are fine, it goes into the body. */
  static String footerAddress(FooterBody footer) {
    if (footer == null || footer.address() == null || footer.address().isBlank()) {
      throw Problem.badRequest("field 'footer.address' is required: the sender's physical postal address (CAN-SPAM)");
    }
    String address = footer.address().strip();
    if (address.length() > MAX_FOOTER_ADDRESS) {
      throw Problem.badRequest("field 'footer.address' is longer than " + MAX_FOOTER_ADDRESS + " characters");
    }
    for (int i = 0; i < address.length(); i++) {
      char c = address.charAt(i);
      if (Character.isISOControl(c) && c != '\n' && c != '\r') {
        throw Problem.badRequest("field 'footer.address' contains a control character");
      }
    }
    return address;
  }

  static SendSchedule schedule(ScheduleBody body, String tenantTimeZone) {
    if (body == null) {
      return new SendSchedule(tenantTimeZone, SendSchedule.ALWAYS.days(), SendSchedule.ALWAYS.start(), SendSchedule.ALWAYS.end());
    }
    String zone = body.timeZone() == null ? tenantTimeZone : body.timeZone();
    if (!ZoneId.getAvailableZoneIds().contains(zone)) {
      throw Problem.badRequest("field 'schedule.timeZone' is not an IANA time zone such as Europe/Berlin, got '" + zone + "'");
    }
    Set<DayOfWeek> days = body.days() == null ? EnumSet.allOf(DayOfWeek.class) : days(body.days());
    LocalTime start = body.start() == null ? LocalTime.MIN : time(body.start(), "schedule.start", false);
    LocalTime end = body.end() == null ? LocalTime.MAX : time(body.end(), "schedule.end", true);
    if (!end.isAfter(start)) {
      throw Problem.badRequest("field 'schedule.end' must be after schedule.start (windows across midnight are not supported)");
    }
    return new SendSchedule(zone, days, start, end);
  }

  static DelayRange delay(DelayBody body) {
    if (body == null) return DelayRange.NONE;
    Duration min = duration(body.min(), "delay.min");
    Duration max = duration(body.max(), "delay.max");
    if (max.compareTo(min) < 0) throw Problem.badRequest("field 'delay.max' must not be less than delay.min");
    if (max.compareTo(MAX_DELAY) > 0) throw Problem.badRequest("field 'delay.max' must be at most " + format(MAX_DELAY));
    return new DelayRange(min, max);
  }

  /** {@code 60s}, {@code 3m}, {@code 1h}: a whole number and a unit. */
  static Duration duration(String text, String field) {
    if (text == null) throw Problem.badRequest("field '" + field + "' is required, such as \"90s\", \"3m\" or \"1h\"");
    Matcher m = DURATION.matcher(text);
    if (!m.matches()) {
      throw Problem.badRequest("field '" + field + "' must be a whole number with s, m or h, such as \"90s\", got '" + text + "'");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofHours(n);
    };
  }

  /** The shortest spelling {@link #duration} reads back as the same duration. */
  static String format(Duration d) {
    long s = d.toSeconds();
    if (s != 0 && s % 3600 == 0) return s / 3600 + "h";
    if (s != 0 && s % 60 == 0) return s / 60 + "m";
    return s + "s";
  }

  /** {@code HH:mm}; the end of the day, {@link LocalTime#MAX}, is {@code 24:00}. */
  static String format(LocalTime time) {
    if (time.equals(LocalTime.MAX)) return END_OF_DAY;
    return String.format(Locale.ROOT, "%02d:%02d", time.getHour(), time.getMinute());
  }

  /** {@code MON} to {@code SUN}. */
  static String format(DayOfWeek day) {
    return day.name().substring(0, 3);
  }

  private static Set<DayOfWeek> days(List<String> names) {
    if (names.isEmpty()) throw Problem.badRequest("field 'schedule.days' must name at least one day");
    Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
    List<String> all = new ArrayList<>();
    for (DayOfWeek d : DayOfWeek.values()) all.add(format(d));
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i) == null ? "" : names.get(i).toUpperCase(Locale.ROOT);
      int index = all.indexOf(name);
      if (index < 0) throw Problem.badRequest("field 'schedule.days[" + i + "]' must be one of " + String.join(", ", all));
      if (!days.add(DayOfWeek.of(index + 1))) throw Problem.badRequest("field 'schedule.days[" + i + "]' repeats " + name);
    }
    return days;
  }

  private static LocalTime time(String text, String field, boolean end) {
    if (end && text.equals(END_OF_DAY)) return LocalTime.MAX;
    Matcher m = TIME.matcher(text);
    if (!m.matches()) {
      throw Problem.badRequest(
          "field '" + field + "' must be a time as HH:mm, such as \"09:00\"" + (end ? " (or \"24:00\")" : "") + ", got '" + text + "'");
    }
    return LocalTime.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
  }

  private static String required(String value, String field) {
    if (value == null || value.isBlank()) throw Problem.badRequest("field '" + field + "' is required");
    return value.strip();
  }
}
