package outreach.http;

import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.PathMatchers;
import akka.http.javadsl.server.Route;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import outreach.persistence.audit.AuditKind;
import outreach.persistence.audit.JournalReader;
import outreach.persistence.audit.StateReplay;
import outreach.protocol.EntityIds;

/**
 * {@code /v1/audit/{kind}/{id}}: the event-sourced audit trail of a tenant's account or campaign —
 * its journal page by page, and its state at any past instant, folded with the entity's own event
 * handler. Secrets are masked.
 */
public final class AuditRoutes extends JsonRoutes {

  /** One journalled event. */
  public record AuditEvent(long sequenceNr, Instant timestamp, String type, JsonNode event) {}

  /** A page of events; {@code nextCursor} is the sequence number to continue after. */
  public record AuditEventPage(List<AuditEvent> items, Optional<Long> nextCursor) {}

  /** The state at {@code at}: after the events up to {@code sequenceNr} (0: before the first). */
  public record AuditState(Instant at, long sequenceNr, JsonNode state) {}

  private static final String MASK = "***";

  private final Authentication auth;
  private final JournalReader journal;
  private final StateReplay replay;

  public AuditRoutes(ApiSettings settings, Authentication auth, JournalReader journal, StateReplay replay) {
    super(settings);
    this.auth = auth;
    this.journal = journal;
    this.replay = replay;
  }

  public Route route() {
    return pathPrefix(
        "audit",
        () ->
            auth.tenant(
                tenant ->
                    pathPrefix(
                        PathMatchers.segment().slash(PathMatchers.segment()),
                        (kindName, id) -> {
                          AuditKind kind =
                              AuditKind.fromWireName(kindName)
                                  .orElseThrow(() -> Problem.notFound("no audit trail of kind '" + kindName + "'; use account, campaign or sending-domain"));
                          if (!EntityIds.isValidLocalId(id)) throw Problem.notFound("no " + kind.wireName() + " '" + id + "'");
                          String pid = kind.persistenceId(tenant.id(), id);
                          return concat(
                              path("events", () -> get(() -> events(kind, id, pid))),
                              path("state", () -> get(() -> state(kind, id, pid))));
                        })));
  }

  private Route events(AuditKind kind, String id, String pid) {
    return parameterOptional(
        "cursor",
        cursor ->
            parameterOptional(
                "limit",
                limitText -> {
                  int limit = pageSize(limitText);
                  long after = cursor.map(AuditRoutes::sequenceNr).orElse(0L);
                  return onSuccess(
                      journal.events(pid, after + 1, after + limit + 1),
                      events -> {
                        if (events.isEmpty() && after == 0) throw Problem.notFound("no " + kind.wireName() + " '" + id + "'");
                        List<AuditEvent> items = new ArrayList<>();
                        for (JournalReader.JournalEvent e : events.subList(0, Math.min(limit, events.size()))) {
                          items.add(new AuditEvent(e.sequenceNr(), e.timestamp(), e.event().getClass().getSimpleName(), masked(e.event())));
                        }
                        Optional<Long> next =
                            events.size() > limit ? Optional.of(items.get(items.size() - 1).sequenceNr()) : Optional.empty();
                        return json(StatusCodes.OK, new AuditEventPage(items, next));
                      });
                }));
  }

  private Route state(AuditKind kind, String id, String pid) {
    return parameterOptional(
        "at",
        atText -> {
          Instant at = atText.map(AuditRoutes::instant).orElse(Instant.now());
          return onSuccess(
              journal.events(pid, 1, Long.MAX_VALUE),
              events -> {
                if (events.isEmpty()) throw Problem.notFound("no " + kind.wireName() + " '" + id + "'");
                List<Object> upTo = new ArrayList<>();
                long seq = 0;
                for (JournalReader.JournalEvent e : events) {
                  if (e.timestamp().isAfter(at)) break;
                  upTo.add(e.event());
                  seq = e.sequenceNr();
                }
                return json(StatusCodes.OK, new AuditState(at, seq, masked(replay.fold(kind, upTo))));
              });
        });
  }

  /** The JSON of an event or state with secrets replaced: sealed passwords and keys never leave, not even encrypted. */
  public static JsonNode masked(Object value) {
    JsonNode node = Json.MAPPER.valueToTree(value);
    mask(node);
    return node;
  }

  private static void mask(JsonNode node) {
    if (node.isObject()) {
      ObjectNode object = (ObjectNode) node;
      for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        JsonNode value = field.getValue();
        if (field.getKey().equals("password") || value.isObject() && value.has("keyId") && value.has("sealed")) {
          field.setValue(TextNode.valueOf(MASK));
        } else {
          mask(value);
        }
      }
    } else if (node.isArray()) {
      node.forEach(AuditRoutes::mask);
    }
  }

  private static long sequenceNr(String text) {
    try {
      long n = Long.parseLong(text);
      if (n < 0) throw new NumberFormatException();
      return n;
    } catch (NumberFormatException e) {
      throw Problem.badRequest("query parameter 'cursor' must be a sequence number");
    }
  }

  private static Instant instant(String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw Problem.badRequest("query parameter 'at' must be an ISO-8601 instant such as 2026-03-02T10:15:30Z");
    }
  }
}
