package outreach.persistence.campaign;

import akka.persistence.query.Sequence;
import akka.projection.eventsourced.EventEnvelope;
import akka.projection.jdbc.javadsl.JdbcHandler;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import outreach.persistence.PooledJdbcSession;
import outreach.protocol.campaign.CampaignEvent;

/**
 * Applies a group of one campaign tag's events to {@code campaign_view} and to {@code delivery}, in the
 * transaction that stores the projection's offset.
 *
 * <p>Each read model used to have a projection of its own ({@value #LISTING} and {@value #DELIVERIES}); their
 * last offsets stay in the offset store. The migration starts this projection at the lower of the two, so the
 * part that was ahead gets events again that it has applied: each part skips the events at or before its own
 * old offset, and takes every event after it.
 */
final class CampaignReadHandler extends JdbcHandler<List<EventEnvelope<CampaignEvent>>, PooledJdbcSession> {

  /** The former projection that kept {@code campaign_view}. */
  static final String LISTING = "campaign-view";

  /** The former projection that kept {@code delivery}. */
  static final String DELIVERIES = "delivery";

  private static final String FORMER_OFFSETS =
      "SELECT projection_name, current_offset FROM akka_projection_offset_store"
          + " WHERE projection_key = ? AND manifest = 'SEQ' AND projection_name IN ('" + LISTING + "', '" + DELIVERIES + "')";

  private final String tag;
  private final CampaignViewHandler listing = new CampaignViewHandler();
  private final DeliveryHandler deliveries = new DeliveryHandler();
  /** Per part, the offset up to which it had applied events on its own; read with the first group. */
  private Map<String, Long> applied;

  CampaignReadHandler(String tag) {
    this.tag = tag;
  }

  @Override
  public void process(PooledJdbcSession session, List<EventEnvelope<CampaignEvent>> envelopes) throws Exception {
    if (applied == null) applied = formerOffsets(session);
    List<EventEnvelope<CampaignEvent>> forListing = after(envelopes, LISTING);
    if (!forListing.isEmpty()) listing.process(session, forListing);
    List<EventEnvelope<CampaignEvent>> forDeliveries = after(envelopes, DELIVERIES);
    if (!forDeliveries.isEmpty()) deliveries.process(session, forDeliveries);
  }

  /**
   * The envelopes the part has not applied yet. The former offsets are kept for as long as the handler runs:
   * a group that rolls back comes again, so no part may forget them after a group it saw.
   */
  private List<EventEnvelope<CampaignEvent>> after(List<EventEnvelope<CampaignEvent>> envelopes, String part) {
    Long upTo = applied.get(part);
    if (upTo == null || envelopes.isEmpty() || offset(envelopes.get(0)) > upTo) return envelopes;
    return envelopes.stream().filter(e -> offset(e) > upTo).toList();
  }

  private static long offset(EventEnvelope<CampaignEvent> envelope) {
    return ((Sequence) envelope.offset()).value();
  }

  private Map<String, Long> formerOffsets(PooledJdbcSession session) throws Exception {
    return session.withConnection(
        c -> {
          Map<String, Long> offsets = new HashMap<>();
          try (PreparedStatement s = c.prepareStatement(FORMER_OFFSETS)) {
            s.setString(1, tag);
            try (ResultSet rows = s.executeQuery()) {
              while (rows.next()) offsets.put(rows.getString(1), Long.parseLong(rows.getString(2)));
            }
          }
          return offsets;
        });
  }
}
