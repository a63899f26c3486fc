package outreach.persistence.campaign;

import akka.projection.eventsourced.EventEnvelope;
import akka.projection.jdbc.javadsl.JdbcHandler;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import outreach.persistence.PooledJdbcSession;
import outreach.protocol.EntityIds;
import outreach.protocol.campaign.CampaignEvent;
import outreach.protocol.delivery.DeliveryOutcome;

/**
 * Folds the recipient events of Campaigns into {@code delivery}, one row per recipient, in the
 * transaction that stores the projection's offset.
 */
final class DeliveryHandler extends JdbcHandler<List<EventEnvelope<CampaignEvent>>, PooledJdbcSession> {

  /**
   * Every recipient the campaign now knows, as pending. All of them up to {@code lastSeq} rather than
   * the last {@code added}: uploads that overlap may reach the campaign in either order.
   */
  private static final String ADD_PENDING =
      """
      INSERT INTO delivery (tenant_id, campaign_id, seq, email, status, account, attempts, message_id, last_code,
        last_enhanced, last_text, possible_duplicate, first_at, updated_at, next_attempt_at)
      SELECT tenant_id, campaign_id, seq, email, 'pending', NULL, 0, NULL, NULL, NULL, NULL, FALSE, ?, ?, NULL
      FROM campaign_recipient WHERE tenant_id = ? AND campaign_id = ? AND seq <= ?
      ON CONFLICT (tenant_id, campaign_id, seq) DO NOTHING
      """;

  private static final String UPDATE =
      """
      UPDATE delivery SET status = ?, account = COALESCE(?, account), attempts = attempts + ?,
        message_id = COALESCE(?, message_id), last_code = CASE WHEN ? THEN ? ELSE last_code END,
        last_enhanced = CASE WHEN ? THEN ? ELSE last_enhanced END, last_text = CASE WHEN ? THEN ? ELSE last_text END,
        possible_duplicate = possible_duplicate OR ?, updated_at = ?, next_attempt_at = ?
      WHERE tenant_id = ? AND campaign_id = ? AND seq = ?
      """;

  /**
   * The changes of a group to existing rows, as one statement: arrays of the changes' fields, one element per row,
   * joined to the rows by key. It answers the keys it updated; a change whose row does not exist yet is not among them.
   */
  private static final String UPDATE_ALL =
      """
      UPDATE delivery d SET status = v.status, account = COALESCE(v.account, d.account), attempts = d.attempts + v.attempts,
        message_id = COALESCE(v.message_id, d.message_id),
        last_code = CASE WHEN v.replied THEN v.last_code ELSE d.last_code END,
        last_enhanced = CASE WHEN v.replied THEN v.last_enhanced ELSE d.last_enhanced END,
        last_text = CASE WHEN v.replied THEN v.last_text ELSE d.last_text END,
        possible_duplicate = d.possible_duplicate OR v.possible_duplicate, updated_at = v.updated_at,
        next_attempt_at = v.next_attempt_at
      FROM unnest(?::varchar[], ?::varchar[], ?::bigint[], ?::varchar[], ?::varchar[], ?::int[], ?::varchar[], ?::boolean[],
          ?::int[], ?::varchar[], ?::varchar[], ?::boolean[], ?::varchar[]::timestamptz[], ?::varchar[]::timestamptz[])
        AS v(tenant_id, campaign_id, seq, status, account, attempts, message_id, replied, last_code, last_enhanced, last_text,
          possible_duplicate, updated_at, next_attempt_at)
      WHERE d.tenant_id = v.tenant_id AND d.campaign_id = v.campaign_id AND d.seq = v.seq
      RETURNING d.tenant_id, d.campaign_id, d.seq
      """;

  private static final String INSERT =
      """
      INSERT INTO delivery (tenant_id, campaign_id, seq, email, status, account, attempts, message_id, last_code,
        last_enhanced, last_text, possible_duplicate, first_at, updated_at, next_attempt_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      """;

  /**
   * What one event, or several in a row for the same recipient, do to a recipient's row; empty fields leave
   * the row's value as it is. {@code firstAt} is when the row begins if this change has to write it.
   */
  private record Change(
      long seq,
      Optional<String> email,
      DeliveryStatus status,
      Optional<String> account,
      int attempts,
      Optional<String> messageId,
      Optional<DeliveryOutcome> reply,
      boolean possibleDuplicate,
      Optional<Instant> nextAttemptAt,
      Instant at,
      Instant firstAt) {

    Change(long seq, Optional<String> email, DeliveryStatus status, Optional<String> account, int attempts,
        Optional<String> messageId, Optional<DeliveryOutcome> reply, boolean possibleDuplicate,
        Optional<Instant> nextAttemptAt, Instant at) {
      this(seq, email, status, account, attempts, messageId, reply, possibleDuplicate, nextAttemptAt, at, at);
    }

    static Change to(long seq, Optional<String> email, DeliveryStatus status, Optional<DeliveryOutcome> reply, Instant at) {
      return new Change(seq, email, status, Optional.empty(), 0, Optional.empty(), reply, false, Optional.empty(), at);
    }

    /**
     * Whether this change followed by {@code next} is one change, whether the row exists or not. When it does
     * not, a change without the address writes nothing, so one without it cannot take in one with it.
     */
    boolean absorbs(Change next) {
      return email.isPresent() || next.email().isEmpty();
    }

    /** This change, then {@code next}: the UPDATE applied twice, or the INSERT of this one and the UPDATE. */
    Change then(Change next) {
      return new Change(
          seq,
          email.or(next::email),
          next.status(),
          next.account().or(() -> account),
          attempts + next.attempts(),
          next.messageId().or(() -> messageId),
          next.reply().or(() -> reply),
          possibleDuplicate || next.possibleDuplicate(),
          next.nextAttemptAt(),
          next.at(),
          firstAt);
    }
  }

  /** A change bound for one campaign's row. */
  private record Pending(String tenant, String campaign, Change change) {}

  private record Row(String tenant, String campaign, long seq) {}

  /**
   * Applies a group of envelopes in order, the events of a batch in theirs. The changes of a group to one
   * recipient's row (typically its dispatch and its outcome) are folded into one, and the row updates go to the
   * database as one statement; an update that found no row (a recipient dispatched before its upload's pending
   * rows were written) is done again after it, with the insert it needs. Rows cannot appear during that
   * statement, so every update of such a recipient found none. An upload's pending rows are written between the
   * changes before it and those after it.
   */
  @Override
  public void process(PooledJdbcSession session, List<EventEnvelope<CampaignEvent>> envelopes) throws Exception {
    session.withConnection(
        c -> {
          Map<Row, Pending> batch = new LinkedHashMap<>();
          try (PreparedStatement update = c.prepareStatement(UPDATE_ALL)) {
            for (EventEnvelope<CampaignEvent> envelope : envelopes) {
              String entityId = envelope.persistenceId().substring(envelope.persistenceId().indexOf('|') + 1);
              String tenant = EntityIds.tenantOf(entityId);
              String campaign = EntityIds.localIdOf(entityId);
              for (CampaignEvent event : CampaignEvent.each(envelope.event())) {
                if (event instanceof CampaignEvent.RecipientsAdded e) {
                  flush(c, update, batch);
                  addPending(c, tenant, campaign, e);
                  continue;
                }
                // The campaign's own life (created, started, paused...) does not touch a recipient.
                Optional<Change> change = change(event);
                if (change.isEmpty()) continue;
                Row row = new Row(tenant, campaign, change.get().seq());
                Pending before = batch.get(row);
                if (before != null && !before.change().absorbs(change.get())) {
                  flush(c, update, batch);
                  before = null;
                }
                Change merged = before == null ? change.get() : before.change().then(change.get());
                batch.put(row, new Pending(tenant, campaign, merged));
              }
            }
            flush(c, update, batch);
          }
          return null;
        });
  }

  private static void flush(Connection c, PreparedStatement update, Map<Row, Pending> batch) throws SQLException {
    if (batch.isEmpty()) return;
    int n = batch.size();
    String[] tenants = new String[n];
    String[] campaigns = new String[n];
    Long[] seqs = new Long[n];
    String[] statuses = new String[n];
    String[] accounts = new String[n];
    Integer[] attempts = new Integer[n];
    String[] messageIds = new String[n];
    Boolean[] replied = new Boolean[n];
    Integer[] codes = new Integer[n];
    String[] enhanced = new String[n];
    String[] texts = new String[n];
    Boolean[] duplicates = new Boolean[n];
    String[] updatedAt = new String[n];
    String[] nextAttemptAt = new String[n];
    int i = 0;
    for (Pending p : batch.values()) {
      Change change = p.change();
      tenants[i] = p.tenant();
      campaigns[i] = p.campaign();
      seqs[i] = change.seq();
      statuses[i] = change.status().wireName();
      accounts[i] = change.account().orElse(null);
      attempts[i] = change.attempts();
      messageIds[i] = change.messageId().orElse(null);
      replied[i] = change.reply().isPresent();
      codes[i] = change.reply().map(DeliveryOutcome::code).orElse(null);
      enhanced[i] = change.reply().flatMap(DeliveryOutcome::enhanced).orElse(null);
      texts[i] = change.reply().map(DeliveryHandler::text).orElse(null);
      duplicates[i] = change.possibleDuplicate();
      updatedAt[i] = change.at().toString();
      nextAttemptAt[i] = change.nextAttemptAt().map(Instant::toString).orElse(null);
      i++;
    }
    Object[][] columns = {
      tenants, campaigns, seqs, statuses, accounts, attempts, messageIds, replied, codes, enhanced, texts, duplicates, updatedAt,
      nextAttemptAt
    };
    String[] types = {
      "varchar", "varchar", "int8", "varchar", "varchar", "int4", "varchar", "bool", "int4", "varchar", "varchar", "bool", "varchar",
      "varchar"
    };
    for (int column = 0; column < columns.length; column++) {
      update.setArray(column + 1, c.createArrayOf(types[column], columns[column]));
    }
    Set<Row> updated = new HashSet<>();
    try (ResultSet rows = update.executeQuery()) {
      while (rows.next()) updated.add(new Row(rows.getString(1), rows.getString(2), rows.getLong(3)));
    }
    for (Map.Entry<Row, Pending> e : batch.entrySet()) {
      if (!updated.contains(e.getKey())) apply(c, e.getValue().tenant(), e.getValue().campaign(), e.getValue().change());
    }
    batch.clear();
  }

  private static Optional<Change> change(CampaignEvent event) {
    if (event instanceof CampaignEvent.RecipientDispatched e) {
      return Optional.of(
          new Change(
              e.seq(),
              Optional.of(e.email()),
              DeliveryStatus.IN_FLIGHT,
              Optional.of(e.account()),
              1,
              Optional.of(e.messageId()),
              Optional.empty(),
              e.possibleDuplicate(),
              Optional.empty(),
              e.at()));
    }
    if (event instanceof CampaignEvent.DispatchReturned e) {
      return Optional.of(
          new Change(
              e.seq(), Optional.empty(), DeliveryStatus.DEFERRED, Optional.empty(), 0, Optional.empty(), Optional.empty(),
              e.possibleDuplicate(), Optional.of(e.dueAt()), e.at()));
    }
    if (event instanceof CampaignEvent.RecipientPostponed e) {
      return Optional.of(
          new Change(
              e.seq(), Optional.of(e.email()), DeliveryStatus.DEFERRED, Optional.empty(), 0, Optional.empty(),
              Optional.empty(), false, Optional.of(e.dueAt()), e.at()));
    }
    if (event instanceof CampaignEvent.RecipientRetryScheduled e) {
      return Optional.of(
          new Change(
              e.seq(), Optional.empty(), DeliveryStatus.DEFERRED, Optional.empty(), 0, Optional.empty(),
              Optional.of(e.outcome()), false, Optional.of(e.dueAt()), e.at()));
    }
    if (event instanceof CampaignEvent.RecipientSent e) {
      return Optional.of(
          new Change(
              e.seq(), Optional.empty(), DeliveryStatus.SENT, Optional.of(e.account()), 0, Optional.empty(),
              Optional.of(e.outcome()), false, Optional.empty(), e.at()));
    }
    if (event instanceof CampaignEvent.RecipientFailed e) {
      return Optional.of(Change.to(e.seq(), Optional.of(e.email()), DeliveryStatus.FAILED, Optional.of(e.outcome()), e.at()));
    }
    if (event instanceof CampaignEvent.RecipientBounced e) {
      return Optional.of(Change.to(e.seq(), Optional.of(e.email()), DeliveryStatus.BOUNCED, Optional.of(e.outcome()), e.at()));
    }
    if (event instanceof CampaignEvent.RecipientSuppressed e) {
      return Optional.of(Change.to(e.seq(), Optional.of(e.email()), DeliveryStatus.SUPPRESSED, Optional.empty(), e.at()));
    }
    return Optional.empty();
  }

  /**
   * Pending rows written at once from which the table's planner statistics are brought up to date: the updates
   * that follow join their changes to the rows by key, and PostgreSQL plans that join from the statistics. Left to
   * autovacuum (within a minute or more), a table that had just grown by a large upload was planned as the small
   * one it had been: the campaign's sends then updated their rows through a scan of the whole table each time.
   */
  static final int ANALYZE_AFTER_ROWS = 10_000;

  private static int addPending(Connection c, String tenant, String campaign, CampaignEvent.RecipientsAdded added)
      throws SQLException {
    int written;
    try (PreparedStatement s = c.prepareStatement(ADD_PENDING)) {
      Timestamp at = Timestamp.from(added.at());
      s.setTimestamp(1, at);
      s.setTimestamp(2, at);
      s.setString(3, tenant);
      s.setString(4, campaign);
      s.setLong(5, added.lastSeq());
      written = s.executeUpdate();
    }
    if (written >= ANALYZE_AFTER_ROWS) {
      // Within the transaction: its own new rows count, and it blocks no reader or writer of the table.
      try (Statement s = c.createStatement()) {
        s.execute("ANALYZE delivery");
      }
    }
    return written;
  }

  /**
   * Updates the recipient's row, or writes it when there is none yet. Only events that carry the
   * address can write it; the others (sent, retry, returned) always follow a dispatch of the same
   * recipient in the campaign's journal, so their row exists.
   */
  private static int apply(Connection c, String tenant, String campaign, Change change) throws SQLException {
    int updated;
    try (PreparedStatement s = c.prepareStatement(UPDATE)) {
      bindUpdate(s, tenant, campaign, change);
      updated = s.executeUpdate();
    }
    if (updated > 0 || change.email().isEmpty()) return updated;
    try (PreparedStatement s = c.prepareStatement(INSERT)) {
      Timestamp firstAt = Timestamp.from(change.firstAt());
      Timestamp at = Timestamp.from(change.at());
      s.setString(1, tenant);
      s.setString(2, campaign);
      s.setLong(3, change.seq());
      s.setString(4, change.email().get());
      s.setString(5, change.status().wireName());
      setString(s, 6, change.account());
      s.setInt(7, change.attempts());
      setString(s, 8, change.messageId());
      setInt(s, 9, change.reply().map(DeliveryOutcome::code));
      setString(s, 10, change.reply().flatMap(DeliveryOutcome::enhanced));
      setString(s, 11, change.reply().map(DeliveryHandler::text));
      s.setBoolean(12, change.possibleDuplicate());
      s.setTimestamp(13, firstAt);
      s.setTimestamp(14, at);
      setTimestamp(s, 15, change.nextAttemptAt());
      return s.executeUpdate();
    }
  }

  private static void bindUpdate(PreparedStatement s, String tenant, String campaign, Change change) throws SQLException {
    boolean replied = change.reply().isPresent();
    s.setString(1, change.status().wireName());
    setString(s, 2, change.account());
    s.setInt(3, change.attempts());
    setString(s, 4, change.messageId());
    s.setBoolean(5, replied);
    setInt(s, 6, change.reply().map(DeliveryOutcome::code));
    s.setBoolean(7, replied);
    setString(s, 8, change.reply().flatMap(DeliveryOutcome::enhanced));
    s.setBoolean(9, replied);
    setString(s, 10, change.reply().map(DeliveryHandler::text));
    s.setBoolean(11, change.possibleDuplicate());
    s.setTimestamp(12, Timestamp.from(change.at()));
    setTimestamp(s, 13, change.nextAttemptAt());
    s.setString(14, tenant);
    s.setString(15, campaign);
    s.setLong(16, change.seq());
  }

  /** The reply text; a reply without one is stored as empty so that "replied" stays visible. */
  private static String text(DeliveryOutcome outcome) {
    return outcome.text() == null ? "" : outcome.text();
  }

  private static void setString(PreparedStatement s, int index, Optional<String> value) throws SQLException {
    if (value.isPresent()) s.setString(index, value.get());
    else s.setNull(index, Types.VARCHAR);
  }

  private static void setInt(PreparedStatement s, int index, Optional<Integer> value) throws SQLException {
    if (value.isPresent()) s.setInt(index, value.get());
    else s.setNull(index, Types.INTEGER);
  }

  private static void setTimestamp(PreparedStatement s, int index, Optional<Instant> value) throws SQLException {
    if (value.isPresent()) s.setTimestamp(index, Timestamp.from(value.get()));
    else s.setNull(index, Types.TIMESTAMP);
  }
}
