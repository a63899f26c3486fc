package outreach.http;

import java.time.ZoneId;
import java.util.Optional;
import outreach.mail.HeaderText;

/** Validation of tenant requests; every problem names its field. */
final class TenantRequests {

  /** The longest tenant name the table holds. */
  static final int MAX_NAME = 200;

  /** Body of {@code PATCH /v1/tenants/{id}}: only the fields present change. */
  record UpdateTenant(String name, String timeZone) {}

  /** A valid change: the new name and zone, each absent when it stays as it is. */
  record TenantChange(Optional<String> name, Optional<String> timeZone) {}

  private TenantRequests() {}

  /** A tenant name, stripped; it ends up in mail headers, so no line breaks or control characters. */
  static String name(String name) {
    if (name == null || name.isBlank()) throw Problem.badRequest("field 'name' is required");
    String stripped = name.strip();
    HeaderText.problem(stripped, MAX_NAME)
        .ifPresent(
            p -> {
              throw Problem.badRequest("field 'name' " + p);
            });
    return stripped;
  }

  /** An IANA zone id such as {@code Europe/Berlin}; offsets like {@code +02:00} are refused because they ignore daylight saving. */
  static String timeZone(String zone) {
    if (zone == null || !ZoneId.getAvailableZoneIds().contains(zone)) {
      throw Problem.badRequest("field 'timeZone' is not an IANA time zone such as Europe/Berlin, got '" + zone + "'");
    }
    return zone;
  }

  static TenantChange change(UpdateTenant body) {
    return new TenantChange(
        Optional.ofNullable(body.name()).map(TenantRequests::name),
        Optional.ofNullable(body.timeZone()).map(TenantRequests::timeZone));
  }
}
