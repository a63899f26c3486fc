package outreach.actors.account;

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
import akka.persistence.typed.javadsl.CommandHandlerWithReply;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import akka.persistence.typed.javadsl.ReplyEffect;
import akka.persistence.typed.javadsl.RetentionCriteria;
import akka.persistence.typed.javadsl.SignalHandler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.pcollections.OrderedPMap;
import outreach.actors.limit.PermitDecision;
import outreach.actors.limit.SendWindows;
import outreach.actors.limit.WarmUpSchedule;
import outreach.actors.smtp.SmtpGateway;
import outreach.actors.smtp.SmtpSession;
import outreach.mail.secret.SecretCipher;
import outreach.protocol.EntityIds;
import outreach.protocol.RateLimit;
import outreach.protocol.account.AccountCommand;
import outreach.protocol.account.AccountEvent;
import outreach.protocol.account.AccountReply;
import outreach.protocol.account.AccountSettings;
import outreach.protocol.account.AccountSettingsChange;
import outreach.protocol.account.AccountState;
import outreach.protocol.account.AccountStatus;
import outreach.protocol.account.AccountView;
import outreach.protocol.account.SendReply;
import outreach.protocol.account.SendStatus;
import outreach.protocol.account.SmtpAccountKeys;
import outreach.protocol.delivery.DeliveryOutcome;
import outreach.protocol.delivery.OutcomeClass;
import outreach.protocol.limit.PermitLog;

/**
 * One SMTP account of one tenant, as an event-sourced entity: it owns the account's limits,
 * warm-up and health, grants a permit (persisted before the SMTP transaction it allows), sends
 * through its session child, and records the outcome. One transaction at a time: sends that
 * arrive while one runs wait in the stash and are judged against the limits when their turn comes.
 */
public final class SmtpAccount
    extends EventSourcedBehaviorWithEnforcedReplies<AccountCommand, AccountEvent, AccountState> {

  /**
   * Two events per send: a snapshot every 250 sends. A busy account's snapshot holds its remembered outcomes (up
   * to 2,000, some 150 KB), so snapshotting more often would write more snapshot than journal per send; a
   * recovery replays at most 500 small events after it.
   */
  private static final int SNAPSHOT_EVERY = 500;
  private static final int SNAPSHOTS_KEPT = 2;
  private static final String HEALTH_TIMER = "health-check";

  /** The session child finished a transaction. */
  record SessionFinished(String messageId, DeliveryOutcome outcome, ActorRef<SendReply> replyTo) implements AccountCommand {}

  /** Time to check a paused account. */
  record HealthTick() implements AccountCommand {}

  /** The session child finished a health check. */
  record ProbeFinished(DeliveryOutcome outcome) implements AccountCommand {}

  /**
   * Sharding's stop message (a hand-off to another node after a rebalance, or passivation). An SMTP transaction
   * under way is let finish and its outcome written first: stopping in the middle would cut it off, and the
   * message would be sent again as a possible duplicate.
   */
  record Stop() implements AccountCommand {}

  private final String entityId;
  private final Clock clock;
  private final AccountPolicy policy;
  private final SecretCipher cipher;
  private final SmtpGateway gateway;
  private final ActorContext<AccountCommand> context;
  private final TimerScheduler<AccountCommand> timers;

  /** The message whose SMTP transaction runs now; empty after a restart (the child died with the old incarnation). */
  private Optional<String> sending = Optional.empty();
  /** Sends waiting in the stash for the running one to end. */
  private final Set<String> waiting = new HashSet<>();
  private boolean probing;
  /** Asked to stop while a transaction ran: stop as soon as it has ended. */
  private boolean stopping;
  private ActorRef<SmtpSession.Command> session;
  private int sessions;

  public static void init(
      ActorSystem<?> system, Clock clock, AccountPolicy policy, SecretCipher cipher, SmtpGateway gateway) {
    ClusterSharding.get(system)
        .init(
            Entity.of(SmtpAccountKeys.ENTITY_KEY, ctx -> create(ctx.getEntityId(), clock, policy, cipher, gateway))
                .withStopMessage(new Stop()));
  }

  public static Behavior<AccountCommand> create(
      String entityId, Clock clock, AccountPolicy policy, SecretCipher cipher, SmtpGateway gateway) {
    return Behaviors.setup(
        ctx -> Behaviors.withTimers(timers -> new SmtpAccount(entityId, clock, policy, cipher, gateway, ctx, timers)));
  }

  private SmtpAccount(
      String entityId,
      Clock clock,
      AccountPolicy policy,
      SecretCipher cipher,
      SmtpGateway gateway,
      ActorContext<AccountCommand> context,
      TimerScheduler<AccountCommand> timers) {
    // Entity ids carry the tenant as "<tenant>|<id>"; PersistenceId.of rejects '|' in the id part,
    // so the id is built whole: "SmtpAccount|<tenant>|<id>" (the type name still ends at the first '|').
    super(
        PersistenceId.ofUniqueId(SmtpAccountKeys.ENTITY_KEY.name() + "|" + entityId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
    this.entityId = entityId;
    this.clock = clock;
    this.policy = policy;
    this.cipher = cipher;
    this.gateway = gateway;
    this.context = context;
    this.timers = timers;
  }

  @Override
  public AccountState emptyState() {
    return new AccountState.Unregistered();
  }

  /**
   * Only the events that change the account listing are tagged for its projection. Sends and health checks,
   * nearly all of an account's journal, stay untagged: tagging them cost two tag rows per email and a read of
   * both by a projection that has nothing to do with them. Audit and recovery read by persistence id.
   */
  @Override
  public Set<String> tagsFor(AccountEvent event) {
    return listed(event) ? Set.of(SmtpAccountKeys.tagFor(entityId)) : Set.of();
  }

  static boolean listed(AccountEvent event) {
    return !(event instanceof AccountEvent.SendStarted
        || event instanceof AccountEvent.SendFinished
        || event instanceof AccountEvent.SendWithdrawn
        || event instanceof AccountEvent.HealthChecked);
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(SNAPSHOT_EVERY, SNAPSHOTS_KEPT);
  }

  @Override
  public SignalHandler<AccountState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(
            RecoveryCompleted.instance(),
            state -> {
              // After a restart (a failed write restarts the entity in place; its session child is stopped)
              // nothing runs: a send that was under way is Interrupted now, and the next one opens a new session.
              sending = Optional.empty();
              waiting.clear();
              probing = false;
              stopping = false;
              session = null;
              scheduleHealthCheck(state, Duration.ZERO);
            })
        .build();
  }

  // ---------------------------------------------------------------- commands

  @Override
  public CommandHandlerWithReply<AccountCommand, AccountEvent, AccountState> commandHandler() {
    var builder = newCommandHandlerWithReplyBuilder();
    builder
        .forStateType(AccountState.Unregistered.class)
        .onCommand(AccountCommand.Register.class, this::register)
        .onCommand(AccountCommand.Get.class, cmd -> Effect().reply(cmd.replyTo(), notFound()))
        .onCommand(AccountCommand.Pause.class, cmd -> Effect().reply(cmd.replyTo(), notFound()))
        .onCommand(AccountCommand.Resume.class, cmd -> Effect().reply(cmd.replyTo(), notFound()))
        .onCommand(AccountCommand.UpdateSettings.class, cmd -> Effect().reply(cmd.replyTo(), notFound()))
        .onCommand(AccountCommand.Disable.class, cmd -> Effect().reply(cmd.replyTo(), notFound()))
        .onCommand(AccountCommand.Delete.class, cmd -> Effect().reply(cmd.replyTo(), notFound()))
        .onCommand(
            AccountCommand.Send.class,
            cmd ->
                Effect()
                    .reply(
                        cmd.replyTo(),
                        new SendReply.Unavailable(
                            localId(), AccountStatus.DISABLED, Optional.empty(), "no such account")))
        .onCommand(
            AccountCommand.QuerySend.class,
            cmd -> Effect().reply(cmd.replyTo(), new SendStatus.NeverStarted(cmd.messageId())))
        .onCommand(Stop.class, cmd -> Effect().stop().thenNoReply())
        .onAnyCommand(cmd -> Effect().noReply());
    // A deleted account keeps its journal (and so its id) but is not found and sends nothing.
    builder
        .forState(AccountState.Registered.class, s -> s.status() == AccountStatus.DELETED)
        .onCommand(
            AccountCommand.Register.class,
            (state, cmd) -> Effect().reply(cmd.replyTo(), new AccountReply.AlreadyExists(state.accountId())))
        .onCommand(AccountCommand.Get.class, cmd -> Effect().reply(cmd.replyTo(), notFound()))
        .onCommand(AccountCommand.Pause.class, cmd -> Effect().reply(cmd.replyTo(), notFound()))
        .onCommand(AccountCommand.Resume.class, cmd -> Effect().reply(cmd.replyTo(), notFound()))
        .onCommand(AccountCommand.UpdateSettings.class, cmd -> Effect().reply(cmd.replyTo(), notFound()))
        .onCommand(AccountCommand.Disable.class, cmd -> Effect().reply(cmd.replyTo(), notFound()))
        .onCommand(AccountCommand.Delete.class, cmd -> Effect().reply(cmd.replyTo(), notFound()))
        .onCommand(AccountCommand.Send.class, this::send)
        .onCommand(AccountCommand.QuerySend.class, this::querySend)
        .onCommand(Stop.class, this::stop)
        .onAnyCommand(cmd -> Effect().noReply());
    builder
        .forStateType(AccountState.Registered.class)
        .onCommand(
            AccountCommand.Register.class,
            (state, cmd) -> Effect().reply(cmd.replyTo(), new AccountReply.AlreadyExists(state.accountId())))
        .onCommand(AccountCommand.Get.class, (state, cmd) -> Effect().reply(cmd.replyTo(), found(state)))
        .onCommand(AccountCommand.Send.class, this::send)
        .onCommand(SessionFinished.class, this::sessionFinished)
        .onCommand(AccountCommand.QuerySend.class, this::querySend)
        .onCommand(AccountCommand.Pause.class, this::pause)
        .onCommand(AccountCommand.Resume.class, this::resume)
        .onCommand(AccountCommand.UpdateSettings.class, this::updateSettings)
        .onCommand(AccountCommand.Disable.class, this::disable)
        .onCommand(AccountCommand.Delete.class, this::delete)
        .onCommand(HealthTick.class, this::healthTick)
        .onCommand(ProbeFinished.class, this::probeFinished)
        .onCommand(Stop.class, this::stop);
    return builder.build();
  }

  private ReplyEffect<AccountEvent, AccountState> register(AccountCommand.Register cmd) {
    Instant now = now();
    ZoneId zone = ZoneId.of(cmd.timeZone());
    var event =
        new AccountEvent.AccountRegistered(
            EntityIds.tenantOf(entityId),
            localId(),
            cmd.settings(),
            zone.getId(),
            now.atZone(zone).toLocalDate(),
            now);
    return Effect().persist(event).thenReply(cmd.replyTo(), state -> found((AccountState.Registered) state));
  }

  private ReplyEffect<AccountEvent, AccountState> send(AccountState.Registered state, AccountCommand.Send cmd) {
    String messageId = cmd.message().messageId();
    DeliveryOutcome delivered = state.outcomes().get(messageId);
    if (delivered != null && delivered.succeeded()) {
      // Idempotent: a message that was accepted is never sent again under the same id.
      return Effect().reply(cmd.replyTo(), new SendReply.Attempted(localId(), messageId, delivered));
    }
    waiting.remove(messageId);
    Instant now = now();
    Instant withdrawn = state.withdrawn().get(messageId);
    if (withdrawn != null && !cmd.startBy().isAfter(withdrawn)) {
      // Held up on its way until its campaign had asked about it and tried again: nobody waits for this answer.
      return Effect().reply(cmd.replyTo(), new SendReply.Throttled(localId(), now, "the send was withdrawn by its campaign"));
    }
    Optional<SendReply> unavailable = unavailable(state, now);
    if (unavailable.isPresent()) return Effect().reply(cmd.replyTo(), unavailable.get());
    if (stopping) {
      // Moving to another node: the campaign tries again at once, and the account answers from there.
      return Effect().reply(cmd.replyTo(), new SendReply.Throttled(localId(), now, "the account is moving to another node"));
    }
    if (sending.isPresent() || probing) {
      waiting.add(messageId);
      return Effect().stash();
    }
    if (now.isAfter(cmd.startBy())) {
      // Its turn came too late: the quota's and the domain's permits were for a send by startBy.
      return Effect().reply(cmd.replyTo(), new SendReply.Throttled(localId(), now, "the send was not started by " + cmd.startBy()));
    }
    PermitDecision decision = windows(policy, state).check(state.permits(), now, warmUpCap(state, now));
    if (decision instanceof PermitDecision.Throttled t) {
      return Effect().reply(cmd.replyTo(), new SendReply.Throttled(localId(), t.retryAt(), t.limit()));
    }
    var started =
        new AccountEvent.SendStarted(messageId, cmd.message().campaignId(), cmd.message().recipientDomain(), now);
    return Effect()
        .persist(started)
        .thenRun(
            s -> {
              sending = Optional.of(messageId);
              ActorRef<SmtpSession.Delivered> adapter =
                  context.messageAdapter(
                      SmtpSession.Delivered.class, d -> new SessionFinished(d.messageId(), d.outcome(), cmd.replyTo()));
              session((AccountState.Registered) s).tell(new SmtpSession.Deliver(cmd.message(), adapter));
            })
        .thenNoReply();
  }

  private ReplyEffect<AccountEvent, AccountState> sessionFinished(AccountState.Registered state, SessionFinished msg) {
    Instant now = now();
    List<AccountEvent> events = new ArrayList<>();
    events.add(new AccountEvent.SendFinished(msg.messageId(), msg.outcome(), now));
    events.addAll(reaction(state, msg.outcome(), now));
    return Effect()
        .persist(events)
        .thenRun(
            s -> {
              sending = Optional.empty();
              msg.replyTo().tell(new SendReply.Attempted(localId(), msg.messageId(), msg.outcome()));
              scheduleHealthCheck(s, Duration.ZERO);
              if (stopping) context.getSelf().tell(new Stop());
            })
        .thenNoReply()
        .thenUnstashAll();
  }

  /** Stops now when nothing runs; otherwise once the transaction (or health check) under way has ended. */
  private ReplyEffect<AccountEvent, AccountState> stop(AccountState state, Stop cmd) {
    if (sending.isEmpty() && !probing) return Effect().stop().thenNoReply();
    stopping = true;
    return Effect().noReply();
  }

  /** What the account does about an outcome: pause after consecutive account-level failures, disable on refused credentials. */
  private List<AccountEvent> reaction(AccountState.Registered state, DeliveryOutcome outcome, Instant now) {
    if (state.status() != AccountStatus.ACTIVE) return List.of();
    if (outcome.outcome() == OutcomeClass.AUTHENTICATION) {
      return List.of(new AccountEvent.AccountDisabled("authentication refused: " + outcome.summary(), now));
    }
    if (countsAgainstAccount(outcome) && state.consecutiveFailures() + 1 >= policy.failuresBeforePause()) {
      return List.of(
          new AccountEvent.AccountPaused(
              Optional.of(now.plus(policy.pauseAfterFailures())),
              policy.failuresBeforePause() + " consecutive failures, last: " + outcome.summary(),
              now));
    }
    return List.of();
  }

  /** What became of a message; one that never started is withdrawn (persisted before the answer). */
  private ReplyEffect<AccountEvent, AccountState> querySend(AccountState.Registered state, AccountCommand.QuerySend cmd) {
    String id = cmd.messageId();
    SendStatus status;
    if (sending.filter(id::equals).isPresent() || waiting.contains(id)) status = new SendStatus.InProgress(id);
    else if (state.outcomes().containsKey(id)) status = new SendStatus.Finished(id, state.outcomes().get(id));
    else if (state.inFlight().containsKey(id)) status = new SendStatus.Interrupted(id);
    else {
      Instant now = now();
      Instant known = state.withdrawn().get(id);
      SendStatus never = new SendStatus.NeverStarted(id);
      if (!cmd.withdrawUpTo().isAfter(now) || (known != null && !known.isBefore(cmd.withdrawUpTo()))) {
        // Nothing due by then can start any more: past its start-by, or already withdrawn that far.
        return Effect().reply(cmd.replyTo(), never);
      }
      return Effect().persist(new AccountEvent.SendWithdrawn(id, cmd.withdrawUpTo(), now)).thenReply(cmd.replyTo(), s -> never);
    }
    return Effect().reply(cmd.replyTo(), status);
  }

  private ReplyEffect<AccountEvent, AccountState> pause(AccountState.Registered state, AccountCommand.Pause cmd) {
    return Effect()
        .persist(new AccountEvent.AccountPaused(cmd.until(), cmd.reason(), now()))
        .thenRun(s -> scheduleHealthCheck(s, Duration.ZERO))
        .thenReply(cmd.replyTo(), s -> found((AccountState.Registered) s));
  }

  private ReplyEffect<AccountEvent, AccountState> resume(AccountState.Registered state, AccountCommand.Resume cmd) {
    return Effect()
        .persist(new AccountEvent.AccountResumed(now()))
        .thenRun(s -> timers.cancel(HEALTH_TIMER))
        .thenReply(cmd.replyTo(), s -> found((AccountState.Registered) s));
  }

  private ReplyEffect<AccountEvent, AccountState> updateSettings(
      AccountState.Registered state, AccountCommand.UpdateSettings cmd) {
    // The session holds a connection opened with the old settings: change them between transactions only.
    if (sending.isPresent() || probing) return Effect().stash();
    Instant now = now();
    AccountSettings settings = cmd.change().applyTo(state.settings());
    boolean reconnect = AccountSettingsChange.changesConnection(state.settings(), settings);
    List<AccountEvent> events = new ArrayList<>();
    events.add(new AccountEvent.AccountSettingsChanged(settings, now));
    // A disabled account stays disabled until what was refused (host or credentials) changes.
    if (reconnect && state.status() == AccountStatus.DISABLED) events.add(new AccountEvent.AccountResumed(now));
    return Effect()
        .persist(events)
        .thenRun(
            s -> {
              if (reconnect) stopSession();
            })
        .thenReply(cmd.replyTo(), s -> found((AccountState.Registered) s));
  }

  private ReplyEffect<AccountEvent, AccountState> disable(AccountState.Registered state, AccountCommand.Disable cmd) {
    return Effect()
        .persist(new AccountEvent.AccountDisabled(cmd.reason(), now()))
        .thenRun(s -> scheduleHealthCheck(s, Duration.ZERO))
        .thenReply(cmd.replyTo(), s -> found((AccountState.Registered) s));
  }

  private ReplyEffect<AccountEvent, AccountState> delete(AccountState.Registered state, AccountCommand.Delete cmd) {
    // A running transaction ends and is recorded first, so the journal holds its outcome.
    if (sending.isPresent() || probing) return Effect().stash();
    return Effect()
        .persist(new AccountEvent.AccountDeleted(now()))
        .thenRun(
            s -> {
              timers.cancel(HEALTH_TIMER);
              stopSession();
            })
        .thenReply(cmd.replyTo(), s -> new AccountReply.Deleted(localId()));
  }

  private ReplyEffect<AccountEvent, AccountState> healthTick(AccountState.Registered state, HealthTick tick) {
    boolean due = state.status() == AccountStatus.PAUSED && state.pausedUntil().filter(u -> !u.isAfter(now())).isPresent();
    if (!due) {
      scheduleHealthCheck(state, Duration.ZERO);
      return Effect().noReply();
    }
    if (probing || sending.isPresent() || stopping) {
      scheduleHealthCheck(state, policy.healthCheckInterval());
      return Effect().noReply();
    }
    probing = true;
    ActorRef<SmtpSession.Probed> adapter = context.messageAdapter(SmtpSession.Probed.class, p -> new ProbeFinished(p.outcome()));
    session(state).tell(new SmtpSession.Probe(adapter));
    return Effect().noReply();
  }

  private ReplyEffect<AccountEvent, AccountState> probeFinished(AccountState.Registered state, ProbeFinished msg) {
    Instant now = now();
    boolean passed = msg.outcome().succeeded();
    List<AccountEvent> events = new ArrayList<>();
    events.add(new AccountEvent.HealthChecked(passed, msg.outcome().summary(), now));
    if (passed && state.status() == AccountStatus.PAUSED) events.add(new AccountEvent.AccountResumed(now));
    return Effect()
        .persist(events)
        .thenRun(
            s -> {
              probing = false;
              scheduleHealthCheck(s, policy.healthCheckInterval());
              if (stopping) context.getSelf().tell(new Stop());
            })
        .thenNoReply()
        .thenUnstashAll();
  }

  // ---------------------------------------------------------------- events

  @Override
  public EventHandler<AccountState, AccountEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent((state, event) -> apply(policy, state, event));
  }

  /** The event handler as a pure function, shared with audit replay: no I/O, no clock, no randomness. */
  public static AccountState apply(AccountPolicy policy, AccountState state, AccountEvent event) {
    if (state instanceof AccountState.Unregistered) {
      if (event instanceof AccountEvent.AccountRegistered e) {
        return new AccountState.Registered(
            e.tenantId(), e.accountId(), e.settings(), e.timeZone(), e.firstDay(), e.at(), AccountStatus.ACTIVE,
            Optional.empty(), Optional.empty(), 0, PermitLog.EMPTY, Map.of(), Map.of(), Map.of());
      }
      throw new IllegalStateException("unexpected " + event.getClass().getSimpleName() + " before registration");
    }
    AccountState.Registered s = (AccountState.Registered) state;
    if (event instanceof AccountEvent.SendStarted e) return started(policy, s, e);
    if (event instanceof AccountEvent.SendFinished e) return finished(policy, s, e);
    if (event instanceof AccountEvent.SendWithdrawn e) return withdrawn(s, e);
    if (event instanceof AccountEvent.AccountPaused e) {
      return withStatus(s, AccountStatus.PAUSED, e.until(), Optional.of(e.reason()), s.consecutiveFailures());
    }
    if (event instanceof AccountEvent.AccountDisabled e) {
      return withStatus(s, AccountStatus.DISABLED, Optional.empty(), Optional.of(e.reason()), s.consecutiveFailures());
    }
    if (event instanceof AccountEvent.AccountResumed) {
      return withStatus(s, AccountStatus.ACTIVE, Optional.empty(), Optional.empty(), 0);
    }
    if (event instanceof AccountEvent.HealthChecked) return s;
    if (event instanceof AccountEvent.AccountSettingsChanged e) {
      // Permits already granted stay counted; the new limits judge the permits asked for from now on.
      return new AccountState.Registered(
          s.tenantId(), s.accountId(), e.settings(), s.timeZone(), s.firstDay(), s.createdAt(), s.status(),
          s.pausedUntil(), s.statusReason(), s.consecutiveFailures(), s.permits(), s.inFlight(), s.outcomes(), s.withdrawn());
    }
    if (event instanceof AccountEvent.AccountDeleted) {
      return withStatus(s, AccountStatus.DELETED, Optional.empty(), Optional.of("deleted"), s.consecutiveFailures());
    }
    throw new IllegalStateException("unexpected " + event.getClass().getSimpleName() + " for a registered account");
  }

  private static AccountState started(AccountPolicy policy, AccountState.Registered s, AccountEvent.SendStarted e) {
    Map<String, String> inFlight = new HashMap<>(s.inFlight());
    inFlight.put(e.messageId(), e.campaignId());
    return new AccountState.Registered(
        s.tenantId(), s.accountId(), s.settings(), s.timeZone(), s.firstDay(), s.createdAt(), s.status(),
        s.pausedUntil(), s.statusReason(), s.consecutiveFailures(), windows(policy, s).record(s.permits(), e.at(), e.messageId()), inFlight,
        s.outcomes(), unexpired(s.withdrawn(), e.at()));
  }

  private static AccountState finished(AccountPolicy policy, AccountState.Registered s, AccountEvent.SendFinished e) {
    Map<String, String> inFlight = new HashMap<>(s.inFlight());
    inFlight.remove(e.messageId());
    // The latest outcome of a message goes last; the oldest beyond remembered-outcomes are forgotten.
    OrderedPMap<String, DeliveryOutcome> outcomes =
        AccountState.Registered.outcomes(s.outcomes()).minus(e.messageId()).plus(e.messageId(), e.outcome());
    while (outcomes.size() > policy.rememberedOutcomes()) outcomes = outcomes.minus(outcomes.keySet().iterator().next());
    int failures =
        e.outcome().succeeded() ? 0 : countsAgainstAccount(e.outcome()) ? s.consecutiveFailures() + 1 : s.consecutiveFailures();
    return new AccountState.Registered(
        s.tenantId(), s.accountId(), s.settings(), s.timeZone(), s.firstDay(), s.createdAt(), s.status(),
        s.pausedUntil(), s.statusReason(), failures, windows(policy, s).settle(s.permits(), e.messageId(), e.at()), inFlight,
        outcomes, s.withdrawn());
  }

  private static AccountState withdrawn(AccountState.Registered s, AccountEvent.SendWithdrawn e) {
    Map<String, Instant> withdrawn = new HashMap<>(unexpired(s.withdrawn(), e.at()));
    withdrawn.merge(e.messageId(), e.upTo(), (a, b) -> a.isAfter(b) ? a : b);
    return new AccountState.Registered(
        s.tenantId(), s.accountId(), s.settings(), s.timeZone(), s.firstDay(), s.createdAt(), s.status(),
        s.pausedUntil(), s.statusReason(), s.consecutiveFailures(), s.permits(), s.inFlight(), s.outcomes(), withdrawn);
  }

  /** Withdrawals whose sends could still arrive at {@code at}; later a send due by then is refused as too late anyway. */
  private static Map<String, Instant> unexpired(Map<String, Instant> withdrawn, Instant at) {
    if (withdrawn.isEmpty()) return withdrawn;
    Map<String, Instant> kept = new HashMap<>(withdrawn);
    kept.values().removeIf(upTo -> upTo.isBefore(at));
    return kept.size() == withdrawn.size() ? withdrawn : kept;
  }

  private static AccountState withStatus(
      AccountState.Registered s, AccountStatus status, Optional<Instant> until, Optional<String> reason, int failures) {
    return new AccountState.Registered(
        s.tenantId(), s.accountId(), s.settings(), s.timeZone(), s.firstDay(), s.createdAt(), status, until, reason,
        failures, s.permits(), s.inFlight(), s.outcomes(), s.withdrawn());
  }

  // ---------------------------------------------------------------- helpers

  /** Account-level failures: the connection, the account's credentials, or policy/reputation replies. Recipient bounces do not count. */
  static boolean countsAgainstAccount(DeliveryOutcome outcome) {
    return switch (outcome.outcome()) {
      case CONNECTION, POLICY, AUTHENTICATION -> true;
      default -> false;
    };
  }

  private Optional<SendReply> unavailable(AccountState.Registered state, Instant now) {
    return switch (state.status()) {
      case ACTIVE -> Optional.empty();
      case DISABLED ->
          Optional.of(
              new SendReply.Unavailable(localId(), AccountStatus.DISABLED, Optional.empty(), state.statusReason().orElse("disabled")));
      case DELETED -> Optional.of(new SendReply.Unavailable(localId(), AccountStatus.DELETED, Optional.empty(), "deleted"));
      case PAUSED -> {
        // Back only after a passing health check, which runs once the pause has ended.
        Optional<Instant> until =
            state.pausedUntil().map(u -> u.isAfter(now) ? u : now.plus(policy.healthCheckInterval()));
        yield Optional.of(new SendReply.Unavailable(localId(), AccountStatus.PAUSED, until, state.statusReason().orElse("paused")));
      }
    };
  }

  /**
   * A paused account is checked when its pause ends, then every health-check interval until a check
   * passes; {@code notBefore} delays the next check (after a failed one).
   */
  private void scheduleHealthCheck(AccountState state, Duration notBefore) {
    if (state instanceof AccountState.Registered r && r.status() == AccountStatus.PAUSED && r.pausedUntil().isPresent()) {
      Duration untilEnd = Duration.between(now(), r.pausedUntil().get());
      Duration delay = untilEnd.compareTo(notBefore) > 0 ? untilEnd : notBefore;
      timers.startSingleTimer(HEALTH_TIMER, new HealthTick(), delay.isZero() ? Duration.ofMillis(1) : delay);
    } else {
      timers.cancel(HEALTH_TIMER);
    }
  }

  /** Closes the session's connection; the next send opens one with the current settings. */
  private void stopSession() {
    if (session != null) {
      context.stop(session);
      session = null;
    }
  }

  private ActorRef<SmtpSession.Command> session(AccountState.Registered state) {
    if (session == null) {
      sessions++;
      session =
          context.spawn(
              SmtpSession.create(
                  () ->
                      gateway.open(
                          state.settings(),
                          cipher.open(
                              new SecretCipher.Sealed(state.settings().password().keyId(), state.settings().password().sealed()),
                              entityId))),
              // A stopped session's name is free only once it has terminated; each session gets its own.
              "session-" + sessions,
              DispatcherSelector.blocking());
    }
    return session;
  }

  private static SendWindows windows(AccountPolicy policy, AccountState.Registered state) {
    return SendWindows.of(state.settings().limits(), state.timeZone(), policy.permitHold());
  }

  private int warmUpCap(AccountState.Registered state, Instant now) {
    SendWindows windows = windows(policy, state);
    // The /1d limit (none: no cap) bounds the warm-up schedule.
    return WarmUpSchedule.capOn(
        state.settings().warmUp(), state.firstDay(), windows.dayOf(now), windows.dailyCap(Integer.MAX_VALUE));
  }

  private AccountReply found(AccountState.Registered s) {
    Instant now = now();
    SendWindows windows = windows(policy, s);
    LocalDate today = windows.dayOf(now);
    int cap = windows.dailyCap(warmUpCap(s, now));
    List<RateLimit> sliding = s.settings().limits().stream().filter(l -> !l.calendarDay()).toList();
    List<Integer> usage = windows.usage(s.permits(), now);
    List<AccountView.WindowUsage> inWindows = new ArrayList<>();
    for (int i = 0; i < sliding.size(); i++) inWindows.add(new AccountView.WindowUsage(sliding.get(i), usage.get(i)));
    s.settings().limits().stream()
        .filter(RateLimit::calendarDay)
        .forEach(l -> inWindows.add(new AccountView.WindowUsage(l, s.permits().grantedOn(today))));
    return new AccountReply.Found(
        new AccountView(
            s.tenantId(), s.accountId(), s.settings().host(), s.settings().port(), s.settings().security(),
            s.settings().username(), s.settings().fromAddress(), s.settings().fromName(), s.settings().pool(),
            s.settings().limits(), s.settings().warmUp(), s.status(), s.createdAt(), s.permits().grantedOn(today),
            cap == Integer.MAX_VALUE ? -1 : cap, inWindows, s.consecutiveFailures(), s.pausedUntil(),
            s.status() == AccountStatus.ACTIVE ? Optional.empty() : s.statusReason()));
  }

  private AccountReply notFound() {
    return new AccountReply.NotFound(localId());
  }

  private String localId() {
    return EntityIds.localIdOf(entityId);
  }

  /** The clock's time at the precision the database keeps (microseconds), so read models equal the entity. */
  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }
}
