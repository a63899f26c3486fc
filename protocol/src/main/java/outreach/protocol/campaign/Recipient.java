package outreach.protocol.campaign;

import java.util.Map;

/** One row of a campaign's recipient table: its sequence number, address, variables and whether it is suppressed now. */
public record Recipient(long seq, String email, Map<String, String> variables, boolean suppressed) {

  public Recipient {
    variables = Map.copyOf(variables);
  }
}
