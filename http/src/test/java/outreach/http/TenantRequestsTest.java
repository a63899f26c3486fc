package outreach.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import outreach.http.TenantRequests.UpdateTenant;

class TenantRequestsTest {

  @Test
  void onlyThePresentFieldsChange() {
    assertThat(TenantRequests.change(new UpdateTenant(" Acme ", null)))
        .isEqualTo(new TenantRequests.TenantChange(Optional.of("Acme"), Optional.empty()));
    assertThat(TenantRequests.change(new UpdateTenant(null, "America/New_York")))
        .isEqualTo(new TenantRequests.TenantChange(Optional.empty(), Optional.of("America/New_York")));
    assertThat(TenantRequests.change(new UpdateTenant(null, null)))
        .isEqualTo(new TenantRequests.TenantChange(Optional.empty(), Optional.empty()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", "Acme\r\nBcc: x@example.com", "Acme\u0000", "x"})
  void aNameThatCannotGoIntoAHeaderIsRefused(String name) {
    String tooLong = name.equals("x") ? "x".repeat(TenantRequests.MAX_NAME + 1) : name;
    assertThatThrownBy(() -> TenantRequests.name(tooLong)).isInstanceOf(Problem.class).hasMessageContaining("field 'name'");
  }

  @Test
  void aNameOfTheLongestLengthIsKept() {
    String longest = "n".repeat(TenantRequests.MAX_NAME);
    assertThat(TenantRequests.name(longest)).isEqualTo(longest);
  }

  @ParameterizedTest
  @ValueSource(strings = {"Europe/Berlin", "UTC", "Asia/Kolkata", "America/Argentina/Buenos_Aires"})
  void ianaZonesAreAccepted(String zone) {
    assertThat(TenantRequests.timeZone(zone)).isEqualTo(zone);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "Mars/Olympus", "+02:00", "GMT+2", "europe/berlin", "CEST"})
  void anythingElseIsA400NamingTheField(String zone) {
    assertThatThrownBy(() -> TenantRequests.timeZone(zone))
        .isInstanceOf(Problem.class)
        .hasMessageContaining("field 'timeZone'")
        .satisfies(e -> assertThat(((Problem) e).status().intValue()).isEqualTo(400));
  }
}
