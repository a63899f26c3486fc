package outreach.actors.quota;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.Entity;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.RecoveryCompleted;
import akka.persistence.typed.javadsl.SignalHandler;
import akka.persistence.typed.javadsl.CommandHandler;
import akka.persistence.typed.javadsl.Effect;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehavior;
import akka.persistence.typed.javadsl.RetentionCriteria;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import outreach.actors.dispatch.DeepStackExecutor;
import outreach.actors.limit.PermitDecision;
import outreach.actors.limit.SendWindows;
import outreach.protocol.RateLimit;
import outreach.protocol.limit.PermitLog;
import outreach.protocol.quota.QuotaCommand;
import outreach.protocol.quota.QuotaEvent;
import outreach.protocol.quota.QuotaKeys;
import outreach.protocol.quota.QuotaState;

/**
 * A send quota above accounts and domains: the system-wide limit (OUTREACH_GLOBAL_LIMIT, 100/1m by
 * default) or one tenant's limit. Every send of every tenant passes the global one, so grants are decided one by one against the state plus the grants not yet
 * written and persisted in batches: one database round trip per batch. Replies go out once written.
 */
public final class Quota extends EventSourcedBehavior<QuotaCommand, QuotaEvent, QuotaState> {

  private static final int SNAPSHOT_EVERY = 200;
  private static final int REMEMBERED_GRANTS = 5_000;

  /** Write the grants decided since the last flush. */
  record Flush() implements QuotaCommand {}

  private record Pending(QuotaEvent.Grant grant, ActorRef<QuotaCommand.QuotaReply> replyTo) {}

  private final Clock clock;
  private final SendWindows windows;
  private final ActorContext<QuotaCommand> context;
  private final List<Pending> pending = new ArrayList<>();
  private final List<String> settled = new ArrayList<>();
  private QuotaState working;

  /**
   * @param hold how long a permit whose send has not been reported over may still turn into a message at
   *     the server ({@link outreach.actors.limit.PermitHold#ofReservation})
   */
  public static void init(ActorSystem<?> system, Clock clock, QuotaPolicy policy, Duration hold) {
    ClusterSharding.get(system)
        .init(
            Entity.of(QuotaKeys.ENTITY_KEY, ctx -> create(ctx.getEntityId(), clock, policy.limitsOf(ctx.getEntityId()), hold))
                .withEntityProps(DispatcherSelector.fromConfig(DeepStackExecutor.DISPATCHER)));
  }

  public static Behavior<QuotaCommand> create(String entityId, Clock clock, List<RateLimit> limits, Duration hold) {
    return Behaviors.setup(ctx -> new Quota(entityId, clock, limits, hold, ctx));
  }

  private Quota(String entityId, Clock clock, List<RateLimit> limits, Duration hold, ActorContext<QuotaCommand> context) {
    super(
        PersistenceId.ofUniqueId(QuotaKeys.ENTITY_KEY.name() + "|" + entityId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
    this.clock = clock;
    this.windows = new SendWindows(limits, ZoneOffset.UTC, hold);
    this.context = context;
  }

  @Override
  public QuotaState emptyState() {
    return QuotaState.EMPTY;
  }

  /**
   * A failed write restarts the entity in place: the decisions not written are void (their asks go
   * unanswered and are asked again), and settlements not written leave their permits open until the hold.
   */
  @Override
  public SignalHandler<QuotaState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(
            RecoveryCompleted.instance(),
            state -> {
              pending.clear();
              settled.clear();
              working = null;
            })
        .build();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(SNAPSHOT_EVERY, 2);
  }

  @Override
  public CommandHandler<QuotaCommand, QuotaEvent, QuotaState> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(QuotaCommand.Acquire.class, this::acquire)
        .onCommand(Flush.class, this::flush)
        .onCommand(QuotaCommand.Release.class, this::release)
        .onCommand(QuotaCommand.Settle.class, this::settle)
        .build();
  }

  private Effect<QuotaEvent, QuotaState> acquire(QuotaState state, QuotaCommand.Acquire cmd) {
    QuotaState current = working == null ? state : working;
    if (current.grants().containsKey(cmd.messageId())) {
      cmd.replyTo().tell(new QuotaCommand.Granted(cmd.messageId()));
      return Effect().none();
    }
    Instant now = now();
    PermitDecision decision = windows.check(current.permits(), now, Integer.MAX_VALUE);
    if (decision instanceof PermitDecision.Throttled t) {
      cmd.replyTo().tell(new QuotaCommand.Throttled(cmd.messageId(), t.retryAt(), t.limit() + " system-wide"));
      return Effect().none();
    }
    var grant = new QuotaEvent.Grant(cmd.tenantId(), cmd.messageId(), now);
    working = fold(windows, current, grant);
    pending.add(new Pending(grant, cmd.replyTo()));
    flushSoon();
    return Effect().none();
  }

  /** The send of a granted permit ended: written with the next batch, it counts at the time of writing. */
  private Effect<QuotaEvent, QuotaState> settle(QuotaState state, QuotaCommand.Settle cmd) {
    QuotaState current = working == null ? state : working;
    if (!current.grants().containsKey(cmd.messageId()) || settled.contains(cmd.messageId())) return Effect().none();
    settled.add(cmd.messageId());
    flushSoon();
    return Effect().none();
  }

  private void flushSoon() {
    if (pending.size() + settled.size() == 1) context.getSelf().tell(new Flush());
  }

  private Effect<QuotaEvent, QuotaState> flush(QuotaState state, Flush flush) {
    if (pending.isEmpty() && settled.isEmpty()) return Effect().none();
    List<Pending> batch = List.copyOf(pending);
    pending.clear();
    List<QuotaEvent> events = new ArrayList<>(2);
    Instant now = now();
    if (!batch.isEmpty()) events.add(new QuotaEvent.PermitsGranted(batch.stream().map(Pending::grant).toList(), now));
    if (!settled.isEmpty()) events.add(new QuotaEvent.PermitsSettled(List.copyOf(settled), now));
    settled.clear();
    return Effect()
        .persist(events)
        .thenRun(
            s -> {
              working = null;
              batch.forEach(p -> p.replyTo().tell(new QuotaCommand.Granted(p.grant().messageId())));
            })
        .thenUnstashAll();
  }

  private Effect<QuotaEvent, QuotaState> release(QuotaState state, QuotaCommand.Release cmd) {
    QuotaState current = working == null ? state : working;
    Instant grantedAt = current.grants().get(cmd.messageId());
    if (grantedAt == null) return Effect().none();
    // Grants or settlements not written yet: let the flush (already asked for) write them first. Writing the
    // release now would leave them out of the state decisions are made against until the flush, and the quota
    // would grant past its limit meanwhile.
    if (!pending.isEmpty() || !settled.isEmpty()) return Effect().stash();
    return Effect().persist(new QuotaEvent.PermitReleased(cmd.messageId(), grantedAt, now()));
  }

  @Override
  public EventHandler<QuotaState, QuotaEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent((state, event) -> apply(windows, state, event));
  }

  /** The event handler as a pure function, shared with audit replay: no I/O, no clock, no randomness. */
  public static QuotaState apply(SendWindows windows, QuotaState s, QuotaEvent event) {
    if (event instanceof QuotaEvent.PermitsGranted e) {
      QuotaState folded = s;
      for (QuotaEvent.Grant g : e.grants()) folded = fold(windows, folded, g);
      return folded;
    }
    if (event instanceof QuotaEvent.PermitsSettled e) {
      Map<String, Instant> grants = new LinkedHashMap<>(s.grants());
      PermitLog permits = s.permits();
      for (String id : e.messageIds()) {
        permits = windows.settle(permits, id, e.at());
        grants.remove(id);
      }
      return new QuotaState(permits, grants);
    }
    QuotaEvent.PermitReleased e = (QuotaEvent.PermitReleased) event;
    Map<String, Instant> grants = new LinkedHashMap<>(s.grants());
    grants.remove(e.messageId());
    return new QuotaState(windows.release(s.permits(), e.grantedAt(), e.messageId()), grants);
  }

  private static QuotaState fold(SendWindows windows, QuotaState s, QuotaEvent.Grant g) {
    LinkedHashMap<String, Instant> grants = new LinkedHashMap<>(s.grants());
    grants.put(g.messageId(), g.at());
    while (grants.size() > REMEMBERED_GRANTS) grants.remove(grants.keySet().iterator().next());
    return new QuotaState(windows.record(s.permits(), g.at(), g.messageId()), grants);
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }
}
