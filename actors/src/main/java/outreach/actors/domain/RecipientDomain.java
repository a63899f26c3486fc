package outreach.actors.domain;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.TimerScheduler;
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
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import outreach.actors.dispatch.DeepStackExecutor;
import outreach.actors.limit.PermitDecision;
import outreach.actors.limit.SendWindows;
import outreach.protocol.domain.DomainCommand;
import outreach.protocol.domain.DomainEvent;
import outreach.protocol.domain.DomainReply;
import outreach.protocol.domain.DomainState;
import outreach.protocol.domain.DomainView;
import outreach.protocol.domain.RecipientDomainKeys;
import outreach.protocol.limit.PermitLog;

/**
 * One recipient domain for the whole system: its caps per tenant and system-wide, and deferrals
 * after 421/4.7.x. A busy domain (gmail.com) gets many reservations at once, so they are decided
 * one by one against the state plus the reservations not yet written, and persisted together:
 * one database round trip per batch, not per reservation. Replies go out only once written.
 *
 * <p>The end of a send (its settlement) waits for the next reservations and is written with them, in
 * their event, or on its own after {@code settle-within} when none come: a domain then writes one
 * journal row per send, not two. Until written, the reservation still counts at its grant or as a send
 * happening now, and once written it counts at the time of writing, never earlier than the send;
 * waiting only keeps the count on the safe side.
 */
public final class RecipientDomain extends EventSourcedBehavior<DomainCommand, DomainEvent, DomainState> {

  private static final int SNAPSHOT_EVERY = 200;
  private static final int REMEMBERED_RESERVATIONS = 5_000;

  /** Write the reservations decided and the settlements received since the last flush. */
  record Flush() implements DomainCommand {}

  private static final String SETTLE_TIMER = "settle";

  private record Pending(DomainEvent.Reservation reservation, ActorRef<DomainReply> replyTo) {}

  private final String domain;
  private final Clock clock;
  private final DomainPolicy.Caps caps;
  private final ActorContext<DomainCommand> context;
  private final TimerScheduler<DomainCommand> timers;
  private final Duration settleWithin;
  private final List<Pending> pending = new ArrayList<>();
  private final List<DomainEvent.Settlement> settled = new ArrayList<>();
  /** The state with the pending reservations applied: what decisions are made against. */
  private DomainState working;

  public static void init(ActorSystem<?> system, Clock clock, DomainPolicy policy) {
    ClusterSharding.get(system)
        .init(
            Entity.of(RecipientDomainKeys.ENTITY_KEY, ctx -> create(ctx.getEntityId(), clock, policy))
                .withEntityProps(DispatcherSelector.fromConfig(DeepStackExecutor.DISPATCHER)));
  }

  public static Behavior<DomainCommand> create(String entityId, Clock clock, DomainPolicy policy) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new RecipientDomain(entityId, clock, policy, ctx, timers)));
  }

  private RecipientDomain(
      String entityId, Clock clock, DomainPolicy policy, ActorContext<DomainCommand> context, TimerScheduler<DomainCommand> timers) {
    super(
        PersistenceId.ofUniqueId(RecipientDomainKeys.ENTITY_KEY.name() + "|" + entityId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
    this.domain = entityId.substring(entityId.indexOf('|') + 1);
    this.clock = clock;
    this.caps = policy.capsFor(domain);
    this.context = context;
    this.timers = timers;
    this.settleWithin = policy.settleWithin();
  }

  @Override
  public DomainState emptyState() {
    return DomainState.EMPTY;
  }

  /**
   * A failed write restarts the entity in place: the decisions not written are void (their asks go
   * unanswered and are asked again), and settlements not written leave their permits open until the hold.
   */
  @Override
  public SignalHandler<DomainState> signalHandler() {
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
  public CommandHandler<DomainCommand, DomainEvent, DomainState> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(DomainCommand.Reserve.class, this::reserve)
        .onCommand(Flush.class, this::flush)
        .onCommand(DomainCommand.Release.class, this::release)
        .onCommand(DomainCommand.Settle.class, this::settle)
        .onCommand(DomainCommand.Defer.class, this::defer)
        .onCommand(DomainCommand.Get.class, this::get)
        .build();
  }

  private Effect<DomainEvent, DomainState> reserve(DomainState state, DomainCommand.Reserve cmd) {
    Instant now = now();
    DomainState current = working(state);
    if (current.reservations().containsKey(cmd.messageId())) {
      // Already reserved (a campaign repeating itself after a restart): still one send.
      cmd.replyTo().tell(new DomainReply.Reserved(cmd.messageId()));
      return Effect().none();
    }
    if (current.deferredUntil().filter(now::isBefore).isPresent()) {
      cmd.replyTo().tell(new DomainReply.Throttled(cmd.messageId(), current.deferredUntil().get(), domain + " deferred our sends"));
      return Effect().none();
    }
    PermitLog tenantLog = current.tenants().getOrDefault(cmd.tenantId(), PermitLog.EMPTY);
    Optional<PermitDecision.Throttled> full =
        latestThrottle(
            tenantWindows().check(tenantLog, now, Integer.MAX_VALUE), systemWindows().check(current.system(), now, Integer.MAX_VALUE));
    if (full.isPresent()) {
      cmd.replyTo().tell(new DomainReply.Throttled(cmd.messageId(), full.get().retryAt(), full.get().limit()));
      return Effect().none();
    }
    var reservation = new DomainEvent.Reservation(cmd.tenantId(), cmd.messageId(), now);
    working = fold(caps, current, reservation);
    pending.add(new Pending(reservation, cmd.replyTo()));
    flushSoon();
    return Effect().none();
  }

  /**
   * The send of a reservation ended: written with the next reservations, or alone after {@code settle-within}; it
   * counts at the time of writing.
   */
  private Effect<DomainEvent, DomainState> settle(DomainState state, DomainCommand.Settle cmd) {
    var settlement = new DomainEvent.Settlement(cmd.tenantId(), cmd.messageId());
    if (!working(state).reservations().containsKey(cmd.messageId()) || settled.contains(settlement)) return Effect().none();
    settled.add(settlement);
    if (pending.isEmpty() && !timers.isTimerActive(SETTLE_TIMER)) timers.startSingleTimer(SETTLE_TIMER, new Flush(), settleWithin);
    return Effect().none();
  }

  /** Reservations are written at once: the first one waiting asks for the flush that writes them all. */
  private void flushSoon() {
    if (pending.size() == 1) context.getSelf().tell(new Flush());
  }

  /** The throttle that lasts longest, if either scope is full. */
  private Optional<PermitDecision.Throttled> latestThrottle(PermitDecision tenant, PermitDecision system) {
    PermitDecision.Throttled latest = null;
    if (tenant instanceof PermitDecision.Throttled t) latest = new PermitDecision.Throttled(t.retryAt(), t.limit() + " per tenant for " + domain);
    if (system instanceof PermitDecision.Throttled s && (latest == null || s.retryAt().isAfter(latest.retryAt()))) {
      latest = new PermitDecision.Throttled(s.retryAt(), s.limit() + " for " + domain + " system-wide");
    }
    return Optional.ofNullable(latest);
  }

  private Effect<DomainEvent, DomainState> flush(DomainState state, Flush flush) {
    if (pending.isEmpty() && settled.isEmpty()) return Effect().none();
    List<Pending> batch = List.copyOf(pending);
    pending.clear();
    Instant now = now();
    // The settlements waiting go into the reservations' event: one journal row for both.
    DomainEvent event =
        batch.isEmpty()
            ? new DomainEvent.SendsSettled(takeSettled(), now)
            : new DomainEvent.SendsReserved(batch.stream().map(Pending::reservation).toList(), takeSettled(), now);
    return Effect()
        .persist(event)
        .thenRun(
            s -> {
              working = null;
              batch.forEach(p -> p.replyTo().tell(new DomainReply.Reserved(p.reservation().messageId())));
            })
        .thenUnstashAll();
  }

  private Effect<DomainEvent, DomainState> release(DomainState state, DomainCommand.Release cmd) {
    Instant reservedAt = working(state).reservations().get(cmd.messageId());
    if (reservedAt == null) return Effect().none();
    // Reservations or settlements not written yet: let the flush (already asked for) write them first. Writing
    // the release now would leave them out of the state decisions are made against until the flush, and the
    // domain would reserve past its caps meanwhile.
    if (unwritten()) return Effect().stash();
    return Effect().persist(withSettlements(new DomainEvent.ReservationReleased(cmd.tenantId(), cmd.messageId(), reservedAt, now())));
  }

  private Effect<DomainEvent, DomainState> defer(DomainState state, DomainCommand.Defer cmd) {
    if (working(state).deferredUntil().filter(u -> !u.isBefore(cmd.until())).isPresent()) return Effect().none();
    if (unwritten()) return Effect().stash();
    return Effect().persist(withSettlements(new DomainEvent.DomainDeferred(cmd.until(), cmd.reason(), now())));
  }

  /** Whether reservations wait to be written; a Flush is then on its way and unstashes what waited for it. */
  private boolean unwritten() {
    return !pending.isEmpty();
  }

  /** The settlements waiting to be written, now taken out of waiting. */
  private List<DomainEvent.Settlement> takeSettled() {
    if (settled.isEmpty()) return List.of();
    timers.cancel(SETTLE_TIMER);
    List<DomainEvent.Settlement> taken = List.copyOf(settled);
    settled.clear();
    return taken;
  }

  /** The settlements waiting to be written, as one event, now taken out of waiting. */
  private Optional<DomainEvent> takeSettlements(Instant now) {
    List<DomainEvent.Settlement> taken = takeSettled();
    return taken.isEmpty() ? Optional.empty() : Optional.of(new DomainEvent.SendsSettled(taken, now));
  }

  /** The event, after the settlements waiting to be written (in the same write). */
  private List<DomainEvent> withSettlements(DomainEvent event) {
    List<DomainEvent> events = new ArrayList<>(2);
    takeSettlements(event.at()).ifPresent(events::add);
    events.add(event);
    return events;
  }

  private Effect<DomainEvent, DomainState> get(DomainState state, DomainCommand.Get cmd) {
    DomainState s = working(state);
    java.time.LocalDate today = systemWindows().dayOf(now());
    Map<String, Integer> byTenant = new HashMap<>();
    s.tenants().forEach((t, log) -> {
      if (log.grantedOn(today) > 0) byTenant.put(t, log.grantedOn(today));
    });
    cmd.replyTo().tell(new DomainView(domain, caps.name(), s.system().grantedOn(today), byTenant, s.deferredUntil().filter(now()::isBefore)));
    return Effect().none();
  }

  @Override
  public EventHandler<DomainState, DomainEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent((state, event) -> apply(caps, state, event));
  }

  /** The event handler as a pure function, shared with audit replay: no I/O, no clock, no randomness. */
  public static DomainState apply(DomainPolicy.Caps caps, DomainState s, DomainEvent event) {
    if (event instanceof DomainEvent.SendsReserved e) {
      DomainState folded = s;
      for (DomainEvent.Reservation r : e.reservations()) folded = fold(caps, folded, r);
      return e.settled().isEmpty() ? folded : settle(caps, folded, e.settled(), e.at());
    }
    if (event instanceof DomainEvent.ReservationReleased e) {
      Map<String, PermitLog> tenants = new HashMap<>(s.tenants());
      tenants.computeIfPresent(e.tenantId(), (t, log) -> tenantWindows(caps).release(log, e.reservedAt(), e.messageId()));
      Map<String, Instant> reservations = new LinkedHashMap<>(s.reservations());
      reservations.remove(e.messageId());
      return new DomainState(
          systemWindows(caps).release(s.system(), e.reservedAt(), e.messageId()), tenants, reservations, s.deferredUntil());
    }
    if (event instanceof DomainEvent.SendsSettled e) return settle(caps, s, e.settlements(), e.at());
    DomainEvent.DomainDeferred e = (DomainEvent.DomainDeferred) event;
    return new DomainState(s.system(), s.tenants(), s.reservations(), Optional.of(e.until()));
  }

  /** The reservations whose sends ended by {@code at}: from now on they count at that instant. */
  private static DomainState settle(DomainPolicy.Caps caps, DomainState s, List<DomainEvent.Settlement> settlements, Instant at) {
    Map<String, PermitLog> tenants = new HashMap<>(s.tenants());
    Map<String, Instant> reservations = new LinkedHashMap<>(s.reservations());
    PermitLog system = s.system();
    SendWindows perTenant = tenantWindows(caps);
    SendWindows all = systemWindows(caps);
    for (DomainEvent.Settlement settlement : settlements) {
      tenants.computeIfPresent(settlement.tenantId(), (t, log) -> perTenant.settle(log, settlement.messageId(), at));
      system = all.settle(system, settlement.messageId(), at);
      reservations.remove(settlement.messageId());
    }
    return new DomainState(system, tenants, reservations, s.deferredUntil());
  }

  private static DomainState fold(DomainPolicy.Caps caps, DomainState s, DomainEvent.Reservation r) {
    Map<String, PermitLog> tenants = new HashMap<>(s.tenants());
    tenants.put(r.tenantId(), tenantWindows(caps).record(tenants.getOrDefault(r.tenantId(), PermitLog.EMPTY), r.at(), r.messageId()));
    LinkedHashMap<String, Instant> reservations = new LinkedHashMap<>(s.reservations());
    reservations.put(r.messageId(), r.at());
    while (reservations.size() > REMEMBERED_RESERVATIONS) reservations.remove(reservations.keySet().iterator().next());
    return new DomainState(systemWindows(caps).record(s.system(), r.at(), r.messageId()), tenants, reservations, s.deferredUntil());
  }

  private DomainState working(DomainState state) {
    return working == null ? state : working;
  }

  private SendWindows tenantWindows() {
    return tenantWindows(caps);
  }

  private SendWindows systemWindows() {
    return systemWindows(caps);
  }

  /** A tenant's windows at a domain; their calendar days are UTC days. */
  static SendWindows tenantWindows(DomainPolicy.Caps caps) {
    return caps.tenantWindows();
  }

  private static SendWindows systemWindows(DomainPolicy.Caps caps) {
    return caps.systemWindows();
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }
}
