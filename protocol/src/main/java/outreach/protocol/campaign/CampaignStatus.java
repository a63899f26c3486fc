package outreach.protocol.campaign;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Life of a campaign: draft, running and paused (back and forth), then completed or cancelled. */
public enum CampaignStatus {
  DRAFT,
  RUNNING,
  PAUSED,
  COMPLETED,
  CANCELLED;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
