package outreach.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import outreach.http.CampaignRequests.CreateCampaign;
import outreach.http.CampaignRequests.DelayBody;
import outreach.http.CampaignRequests.FooterBody;
import outreach.http.CampaignRequests.ScheduleBody;
import outreach.protocol.campaign.CampaignSpec;
import outreach.protocol.campaign.DelayRange;
import outreach.protocol.campaign.SendSchedule;

class CampaignRequestsTest {

  private static final FooterBody FOOTER = new FooterBody("Acme Ltd, 1 Main St, Springfield");

  @Test
  void aMinimalCampaignTakesTheDefaults() {
    CampaignRequests.ValidCampaign valid =
        CampaignRequests.validate(
            new CreateCampaign(null, " Spring ", "Hello {name}", "Hi {name} at {company}, {email}\n", null, List.of("acc-1"), FOOTER, null, null, null),
            "cmp_generated",
            "Europe/Berlin");

    assertThat(valid.id()).isEqualTo("cmp_generated");
    CampaignSpec spec = valid.spec();
    assertThat(spec.name()).isEqualTo("Spring");
    assertThat(spec.text()).isEqualTo("Hi {name} at {company}, {email}\n");
    assertThat(spec.html()).isEmpty();
    assertThat(spec.schedule())
        .isEqualTo(new SendSchedule("Europe/Berlin", EnumSet.allOf(DayOfWeek.class), LocalTime.MIN, LocalTime.MAX));
    assertThat(spec.delay()).isEqualTo(DelayRange.NONE);
    assertThat(spec.footerAddress()).isEqualTo("Acme Ltd, 1 Main St, Springfield");
  }

  @Test
  void anUndeclaredPlaceholderIsNamed() {
    assertThatThrownBy(() -> CampaignRequests.template("Hi {name}", "Your {plan} renews on {renewal}", Optional.empty(), Set.of()))
        .isInstanceOf(Problem.class)
        .hasMessageStartingWith("template: unknown placeholders {plan}, {renewal}")
        .hasMessageContaining("'variables'");
    assertThatThrownBy(
            () -> CampaignRequests.template("Hi", "text", Optional.of("<p>{Name}</p>"), Set.of()))
        .hasMessageContaining("{Name}");
  }

  @Test
  void declaredVariablesMakePlaceholdersKnown() {
    CampaignRequests.template("Hi {name}", "Your {plan} renews on {renewal}", Optional.empty(), Set.of("plan", "renewal"));
    CampaignRequests.validate(
        new CreateCampaign("c1", "n", "s", "{plan}", null, List.of("a"), FOOTER, null, null, List.of("plan")), "x", "UTC");
  }

  @Test
  void aMistypedPlaceholderIsATemplateError() {
    assertThatThrownBy(() -> CampaignRequests.template("Hi", "Dear {first name}", Optional.empty(), Set.of()))
        .hasMessageStartingWith("template: ")
        .hasMessageContaining("{first name}");
  }

  @Test
  void variablesMustBeLowerCaseDistinctColumnNames() {
    assertThat(CampaignRequests.variables(List.of("plan", "renewal_date", "städte"))).containsExactly("plan", "renewal_date", "städte");
    assertThatThrownBy(() -> CampaignRequests.variables(List.of("plan", "Plan"))).hasMessageContaining("variables[1]").hasMessageContaining("lower case");
    assertThatThrownBy(() -> CampaignRequests.variables(List.of("plan", "plan"))).hasMessage("field 'variables[1]' repeats 'plan'");
    assertThatThrownBy(() -> CampaignRequests.variables(List.of("first name"))).hasMessageContaining("variables[0]");
    assertThatThrownBy(() -> CampaignRequests.variables(List.of("consent"))).hasMessageContaining("consent record");
  }

  @Test
  void requiredFieldsAreNamed() {
    assertThatThrownBy(() -> validate(body(null, "s", "t"))).hasMessage("field 'name' is required");
    assertThatThrownBy(() -> validate(body("n", " ", "t"))).hasMessage("field 'subject' is required");
    assertThatThrownBy(() -> validate(body("n", "s", null))).hasMessage("field 'text' is required");
    assertThatThrownBy(() -> validate(new CreateCampaign("bad id", "n", "s", "t", null, List.of("a"), FOOTER, null, null, null)))
        .hasMessageStartingWith("field 'id' must be");
  }

  @Test
  void theSubjectMustBeSafeInAHeader() {
    assertThatThrownBy(() -> validate(body("n", "Hi\r\nBcc: x@example.com", "t"))).hasMessage("field 'subject' contains a line break");
    assertThatThrownBy(() -> validate(body("n", "a".repeat(999), "t"))).hasMessage("field 'subject' is longer than 998 characters");
  }

  @Test
  void accountsAreANonEmptyListOfDistinctIds() {
    assertThatThrownBy(() -> CampaignRequests.accounts(null)).hasMessage("field 'accounts' must list at least one account id");
    assertThatThrownBy(() -> CampaignRequests.accounts(List.of())).hasMessage("field 'accounts' must list at least one account id");
    assertThatThrownBy(() -> CampaignRequests.accounts(List.of("a", "b|c"))).hasMessage("field 'accounts[1]' is not an account id");
    assertThatThrownBy(() -> CampaignRequests.accounts(Arrays.asList("a", null))).hasMessage("field 'accounts[1]' is not an account id");
    assertThatThrownBy(() -> CampaignRequests.accounts(List.of("a", "b", "a"))).hasMessage("field 'accounts[2]' repeats 'a'");
    assertThat(CampaignRequests.accounts(List.of("a", "b"))).containsExactly("a", "b");
  }

  @Test
  void theFooterNeedsAPostalAddress() {
    assertThatThrownBy(() -> CampaignRequests.footerAddress(null)).hasMessageStartingWith("field 'footer.address' is required").hasMessageContaining("CAN-SPAM");
    assertThatThrownBy(() -> CampaignRequests.footerAddress(new FooterBody("  "))).hasMessageStartingWith("field 'footer.address' is required");
    assertThatThrownBy(() -> CampaignRequests.footerAddress(new FooterBody("1 Main St\u0000"))).hasMessage("field 'footer.address' contains a control character");
    assertThatThrownBy(() -> CampaignRequests.footerAddress(new FooterBody("x".repeat(501)))).hasMessageContaining("longer than 500");
    assertThat(CampaignRequests.footerAddress(new FooterBody(" Acme Ltd\n1 Main St\n"))).isEqualTo("Acme Ltd\n1 Main St");
  }

  @Test
  void aScheduleIsReadInItsZoneWithWorkingDaysAndHours() {
    SendSchedule s =
        CampaignRequests.schedule(new ScheduleBody("America/New_York", List.of("MON", "tue", "FRI"), "09:00", "17:30"), "UTC");
    assertThat(s.timeZone()).isEqualTo("America/New_York");
    assertThat(s.days()).containsExactlyInAnyOrder(DayOfWeek.MONDAY, DayOfWeek.TUESDAY, DayOfWeek.FRIDAY);
    assertThat(s.start()).isEqualTo(LocalTime.of(9, 0));
    assertThat(s.end()).isEqualTo(LocalTime.of(17, 30));

    SendSchedule defaults = CampaignRequests.schedule(new ScheduleBody(null, null, "08:00", "24:00"), "Asia/Tokyo");
    assertThat(defaults.timeZone()).isEqualTo("Asia/Tokyo");
    assertThat(defaults.days()).hasSize(7);
    assertThat(defaults.end()).isEqualTo(LocalTime.MAX);
    assertThat(CampaignRequests.format(defaults.end())).isEqualTo("24:00");
    assertThat(CampaignRequests.format(LocalTime.of(8, 5))).isEqualTo("08:05");
  }

  @Test
  void aBadScheduleNamesTheField() {
    assertThatThrownBy(() -> schedule("Mars/Olympus", List.of("MON"), "09:00", "17:00")).hasMessageStartingWith("field 'schedule.timeZone' is not an IANA time zone");
    assertThatThrownBy(() -> schedule("+02:00", List.of("MON"), "09:00", "17:00")).hasMessageStartingWith("field 'schedule.timeZone'");
    assertThatThrownBy(() -> schedule("UTC", List.of(), "09:00", "17:00")).hasMessage("field 'schedule.days' must name at least one day");
    assertThatThrownBy(() -> schedule("UTC", List.of("MON", "MONDAY"), "09:00", "17:00"))
        .hasMessage("field 'schedule.days[1]' must be one of MON, TUE, WED, THU, FRI, SAT, SUN");
    assertThatThrownBy(() -> schedule("UTC", List.of("MON", "mon"), "09:00", "17:00")).hasMessage("field 'schedule.days[1]' repeats MON");
    assertThatThrownBy(() -> schedule("UTC", List.of("MON"), "9:00", "17:00")).hasMessageStartingWith("field 'schedule.start' must be a time as HH:mm");
    assertThatThrownBy(() -> schedule("UTC", List.of("MON"), "09:00", "17:60")).hasMessageStartingWith("field 'schedule.end' must be a time as HH:mm");
    assertThatThrownBy(() -> schedule("UTC", List.of("MON"), "24:00", "24:00")).hasMessageStartingWith("field 'schedule.start'");
    assertThatThrownBy(() -> schedule("UTC", List.of("MON"), "17:00", "09:00")).hasMessageStartingWith("field 'schedule.end' must be after schedule.start");
    assertThatThrownBy(() -> schedule("UTC", List.of("MON"), "09:00", "09:00")).hasMessageStartingWith("field 'schedule.end' must be after schedule.start");
  }

  @ParameterizedTest
  @CsvSource({"0s, PT0S, 0s", "60s, PT1M, 1m", "90s, PT1M30S, 90s", "3m, PT3M, 3m", "1h, PT1H, 1h", "120m, PT2H, 2h"})
  void delaysAreAWholeNumberAndAUnit(String text, Duration expected, String canonical) {
    assertThat(CampaignRequests.duration(text, "delay.min")).isEqualTo(expected);
    assertThat(CampaignRequests.format(expected)).isEqualTo(canonical);
  }

  @ParameterizedTest
  @ValueSource(strings = {"60", "1.5m", "-5s", "5 s", "5S", "1d", "s", "PT1M", "123456s"})
  void otherDelaySpellingsAreRefused(String text) {
    assertThatThrownBy(() -> CampaignRequests.duration(text, "delay.min"))
        .isInstanceOf(Problem.class)
        .hasMessageStartingWith("field 'delay.min' must be a whole number with s, m or h");
  }

  @Test
  void aDelayRangeIsOrderedAndAtMostAnHour() {
    assertThat(CampaignRequests.delay(new DelayBody("60s", "3m"))).isEqualTo(new DelayRange(Duration.ofSeconds(60), Duration.ofMinutes(3)));
    assertThat(CampaignRequests.delay(new DelayBody("0s", "1h")).max()).isEqualTo(Duration.ofHours(1));
    assertThat(CampaignRequests.delay(null)).isEqualTo(DelayRange.NONE);
    assertThatThrownBy(() -> CampaignRequests.delay(new DelayBody("3m", "60s"))).hasMessage("field 'delay.max' must not be less than delay.min");
    assertThatThrownBy(() -> CampaignRequests.delay(new DelayBody("0s", "61m"))).hasMessage("field 'delay.max' must be at most 1h");
    assertThatThrownBy(() -> CampaignRequests.delay(new DelayBody(null, "1m"))).hasMessageStartingWith("field 'delay.min' is required");
  }

  @Test
  void theRequestBodyIsStrictJson() {
    assertThatThrownBy(() -> Json.read("{\"name\":\"n\",\"footer\":{\"address\":\"a\",\"city\":\"x\"}}", CreateCampaign.class))
        .hasMessage("unknown field 'footer.city'");
    CreateCampaign read =
        Json.read(
            """
            {"name":"n","subject":"s","text":"t","accounts":["a"],"footer":{"address":"1 Main St"},
             "schedule":{"timeZone":"UTC","days":["MON"],"start":"09:00","end":"17:00"},
             "delay":{"min":"60s","max":"180s"},"variables":["plan"]}
            """,
            CreateCampaign.class);
    assertThat(validate(read).spec().delay()).isEqualTo(new DelayRange(Duration.ofMinutes(1), Duration.ofMinutes(3)));
  }

  private static CreateCampaign body(String name, String subject, String text) {
    return new CreateCampaign("c1", name, subject, text, null, List.of("a"), FOOTER, null, null, null);
  }

  private static CampaignRequests.ValidCampaign validate(CreateCampaign body) {
    return CampaignRequests.validate(body, "generated", "UTC");
  }

  private static SendSchedule schedule(String zone, List<String> days, String start, String end) {
    return CampaignRequests.schedule(new ScheduleBody(zone, days, start, end), "UTC");
  }
}
