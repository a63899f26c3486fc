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
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Function;
import outreach.persistence.audit.AuditKind;
import outreach.persistence.audit.JournalReader;
import outreach.persistence.audit.StateReplay;
import outreach.persistence.audit.TenantShareReplay;
import outreach.protocol.DomainNames;
import outreach.protocol.EntityIds;

/**
 * {@code /v1/audit/{kind}/{id}}: the event-sourced audit trail of a tenant's account, campaign or
 * sending domain — its journal page by page, and its state at any past instant, folded with the
 * entity's own event handler — and of a recipient domain, which all tenants share, cut to the
 * calling tenant's share. Secrets are masked.
 */
public final class AuditRoutes extends JsonRoutes {

  /** One journalled event. */
  public record AuditEvent(long sequenceNr, Instant timestamp, String type, JsonNode event) {}

  /** A page of events; {@code nextCursor} is the sequence number to continue after. */
  public record AuditEventPage(List<AuditEvent> items, Optional<Long> nextCursor) {}

  /** The state at {@code at}: after the events up to {@code sequenceNr} (0: before the first). */
  public record AuditState(Instant at, long sequenceNr, JsonNode state) {}

  /** An event of a shared entity as the tenant sees it, and whether the tenant did it. */
  private record Seen(JournalReader.JournalEvent shown, boolean own) {}

  private static final String MASK = "***";

  private final Authentication auth;
  private final JournalReader journal;
  private final StateReplay replay;
  private final TenantShareReplay shares;

  public AuditRoutes(ApiSettings settings, Authentication auth, JournalReader journal, StateReplay replay, TenantShareReplay shares) {
    super(settings);
    this.auth = auth;
    this.journal = journal;
    this.replay = replay;
    this.shares = shares;
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
                                  .orElseThrow(() -> Problem.notFound("no audit trail of kind '" + kindName + "'; use " + AuditKind.wireNames()));
                          if (kind.perTenant()) {
                            if (!EntityIds.isValidLocalId(id)) throw notFound(kind, id);
                            String pid = kind.persistenceId(tenant.id(), id);
                            return concat(
                                path("events", () -> get(() -> events(kind, id, pid))),
                                path("state", () -> get(() -> state(kind, id, pid))));
                          }
                          String name = id.toLowerCase(Locale.ROOT);
                          if (!DomainNames.isDomainName(name)) throw notFound(kind, id);
                          String pid = kind.systemWidePersistenceId(name);
                          return concat(
                              path("events", () -> get(() -> sharedEvents(kind, tenant.id(), id, pid))),
                              path("state", () -> get(() -> sharedState(kind, tenant.id(), id, name, pid))));
                        })));
  }

  private Route events(AuditKind kind, String id, String pid) {
    return page(
        (after, limit) ->
            onSuccess(
                journal.events(pid, after + 1, after + limit + 1),
                events -> {
                  if (events.isEmpty() && after == 0) throw notFound(kind, id);
                  return json(StatusCodes.OK, page(events, limit));
                }));
  }

  /**
   * A shared entity's journal as the tenant sees it: the events that concern it, filtered while
   * reading so that a page holds {@code limit} of them whenever that many follow, with the journal's
   * own sequence numbers. Not found unless the tenant has at least one event of its own there: a
   * tenant does not learn that others send to a domain it never sent to.
   */
  private Route sharedEvents(AuditKind kind, String tenantId, String id, String pid) {
    return page(
        (after, limit) -> {
          CompletionStage<List<Seen>> seen =
              journal.firstMatching(
                  pid,
                  after + 1,
                  limit + 1,
                  e ->
                      shares
                          .event(kind, tenantId, e.event())
                          .map(v -> new Seen(new JournalReader.JournalEvent(e.sequenceNr(), e.timestamp(), v), shares.isOwn(kind, tenantId, e.event()))));
          CompletionStage<Optional<List<Seen>>> visible =
              seen.thenCompose(
                  s -> {
                    if (s.stream().anyMatch(Seen::own)) return CompletableFuture.completedFuture(Optional.of(s));
                    return hasOwnEvent(kind, tenantId, pid).thenApply(own -> own ? Optional.of(s) : Optional.empty());
                  });
          return onSuccess(
              visible,
              s -> json(StatusCodes.OK, page(s.orElseThrow(() -> notFound(kind, id)).stream().map(Seen::shown).toList(), limit)));
        });
  }

  private CompletionStage<Boolean> hasOwnEvent(AuditKind kind, String tenantId, String pid) {
    return journal
        .firstMatching(pid, 1, 1, e -> shares.isOwn(kind, tenantId, e.event()) ? Optional.of(e) : Optional.empty())
        .thenApply(own -> !own.isEmpty());
  }

  private Route page(BiFunction<Long, Integer, Route> inner) {
    return parameterOptional(
        "cursor",
        cursor ->
            parameterOptional(
                "limit",
                limitText -> inner.apply(cursor.map(AuditRoutes::sequenceNr).orElse(0L), pageSize(limitText))));
  }

  /** Up to {@code limit} of {@code events}, with a cursor when there are more. */
  private static AuditEventPage page(List<JournalReader.JournalEvent> events, int limit) {
    List<AuditEvent> items = new ArrayList<>();
    for (JournalReader.JournalEvent e : events.subList(0, Math.min(limit, events.size()))) {
      items.add(new AuditEvent(e.sequenceNr(), e.timestamp(), e.event().getClass().getSimpleName(), masked(e.event())));
    }
    Optional<Long> next = events.size() > limit ? Optional.of(items.get(items.size() - 1).sequenceNr()) : Optional.empty();
    return new AuditEventPage(items, next);
  }

  private Route state(AuditKind kind, String id, String pid) {
    return at(
        at ->
            onSuccess(
                journal.events(pid, 1, Long.MAX_VALUE),
                events -> {
                  if (events.isEmpty()) throw notFound(kind, id);
                  List<Object> upTo = new ArrayList<>();
                  long seq = 0;
                  for (JournalReader.JournalEvent e : events) {
                    if (e.timestamp().isAfter(at)) break;
                    upTo.add(e.event());
                    seq = e.sequenceNr();
                  }
                  return json(StatusCodes.OK, new AuditState(at, seq, masked(replay.fold(kind, id, upTo))));
                }));
  }

  /**
   * The tenant's share of a shared entity at an instant: the whole journal up to then is folded with
   * the entity's own event handler and the result cut to the tenant's part. {@code sequenceNr} is the
   * last event up to then that the tenant's trail shows.
   */
  private Route sharedState(AuditKind kind, String tenantId, String id, String name, String pid) {
    return at(
        at ->
            onSuccess(
                journal.events(pid, 1, Long.MAX_VALUE),
                events -> {
                  if (events.stream().noneMatch(e -> shares.isOwn(kind, tenantId, e.event()))) throw notFound(kind, id);
                  List<Object> upTo = new ArrayList<>();
                  long seq = 0;
                  for (JournalReader.JournalEvent e : events) {
                    if (e.timestamp().isAfter(at)) break;
                    upTo.add(e.event());
                    if (shares.event(kind, tenantId, e.event()).isPresent()) seq = e.sequenceNr();
                  }
                  return json(StatusCodes.OK, new AuditState(at, seq, masked(shares.state(kind, tenantId, name, upTo, at))));
                }));
  }

  private Route at(Function<Instant, Route> inner) {
    return parameterOptional("at", atText -> inner.apply(atText.map(AuditRoutes::instant).orElse(Instant.now())));
  }

  private static Problem notFound(AuditKind kind, String id) {
    return Problem.notFound("no " + kind.wireName() + " '" + id + "'");
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
