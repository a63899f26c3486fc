package outreach.protocol.campaign;

import java.util.List;
import java.util.Optional;

/** What a tenant defines for a campaign: its content, the accounts it rotates over, the footer and when it sends. */
public record CampaignSpec(
    String name,
    String subject,
    String text,
    Optional<String> html,
    List<String> accounts,
    String footerAddress,
    SendSchedule schedule,
    DelayRange delay) {

  public CampaignSpec {
    accounts = List.copyOf(accounts);
  }
}
