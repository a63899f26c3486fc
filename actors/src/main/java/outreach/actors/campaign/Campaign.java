package outreach.actors.campaign;

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
import akka.persistence.typed.javadsl.EventHandlerBuilder;
import akka.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import akka.persistence.typed.javadsl.ReplyEffect;
import akka.persistence.typed.javadsl.RetentionCriteria;
import akka.persistence.typed.javadsl.SignalHandler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.pcollections.PMap;
import org.pcollections.TreePMap;
import outreach.actors.dispatch.DeepStackExecutor;
import outreach.protocol.EntityIds;
import outreach.protocol.account.AccountCommand;
import outreach.protocol.account.AccountPool;
import outreach.protocol.account.AccountReply;
import outreach.protocol.account.AccountStatus;
import outreach.protocol.account.AccountView;
import outreach.protocol.account.SendStatus;
import outreach.protocol.account.SmtpAccountKeys;
import outreach.protocol.campaign.CampaignCommand;
import outreach.protocol.campaign.CampaignCounts;
import outreach.protocol.campaign.CampaignEvent;
import outreach.protocol.campaign.CampaignKeys;
import outreach.protocol.campaign.CampaignReply;
import outreach.protocol.campaign.CampaignSpec;
import outreach.protocol.campaign.CampaignState;
import outreach.protocol.campaign.CampaignStatus;
import outreach.protocol.campaign.CampaignView;
import outreach.protocol.campaign.DelayRange;
import outreach.protocol.campaign.Recipient;
import outreach.protocol.delivery.DeliveryOutcome;
import outreach.protocol.delivery.OutcomeClass;
import outreach.protocol.delivery.RenderedMessage;
import outreach.protocol.domain.DomainCommand;
import outreach.protocol.domain.RecipientDomainKeys;

/**
 * A campaign, as an event-sourced entity that drives its own sending: it reads recipients by
 * cursor, writes "dispatched" before it hands a message to an account (chosen by rotation) and the
 * outcome after, retries temporary failures on a schedule, pauses itself when too many recipients
 * bounce, and after a crash asks the accounts what became of the messages it had dispatched.
 */
public final class Campaign
    extends EventSourcedBehaviorWithEnforcedReplies<CampaignCommand, CampaignEvent, CampaignState> {

  /**
   * A running campaign's snapshot holds every send in flight and every account's next turn, so it grows with the
   * campaign's accounts; a busy campaign writes thousands of events a minute, most of them in batches of tens
   * (at most {@link CampaignEvent#MAX_BATCH}). Recovery replays at most this many journal entries, each event in
   * them a few map operations.
   */
  private static final int SNAPSHOT_EVERY = 500;
  private static final String PUMP_TIMER = "pump";
  private static final String RECHECK_TIMER = "recheck";
  /** How stale the accounts' fill may get before rotation asks them again. */
  private static final Duration ACCOUNT_REFRESH = Duration.ofMinutes(1);

  /** Time to dispatch what is due. */
  record Pump() implements CampaignCommand {}

  /** A page of recipients arrived from the table (empty on failure). */
  /** Recipients read from the table after sequence number {@code after}. */
  record Fetched(long after, List<Recipient> recipients, Optional<String> failure) implements CampaignCommand {}

  /** A send attempt ended. */
  record AttemptEnded(long seq, String messageId, SendAttempt.Result result) implements CampaignCommand {}

  /** An account answered what became of a message dispatched before a restart. */
  record StatusKnown(long seq, String messageId, Optional<SendStatus> status) implements CampaignCommand {}

  /** Write the outcomes decided since the last write. */
  record Flush() implements CampaignCommand {}

  /** Fresh state of the campaign's accounts (pool and fill of today's cap), for rotation. */
  record AccountsSeen(Map<String, AccountView> accounts) implements CampaignCommand {}

  /** Ask the accounts about dispatches whose outcome is unknown. */
  record Recheck() implements CampaignCommand {}

  private final String entityId;
  private final Clock clock;
  private final CampaignSettings settings;
  private final RecipientSource recipients;
  private final MessageRenderer renderer;
  private final RandomGenerator random;
  private final ActorContext<CampaignCommand> context;
  private final TimerScheduler<CampaignCommand> timers;
  private final ClusterSharding sharding;
  private final SendAttempt attempts;

  // Runtime state, rebuilt after a restart: it steers sending but every decision is an event.
  private final Deque<Recipient> buffer = new ArrayDeque<>();
  private boolean fetching;
  private final Set<Long> running = new HashSet<>();
  private final Set<Long> unknown = new HashSet<>();
  /**
   * Outcomes decided but not written yet: a busy campaign hears of many sends while one write is under
   * way, and writes them all with the next one, not one write each.
   */
  private final List<CampaignEvent> unwritten = new ArrayList<>();
  /** The state with the unwritten outcomes applied: what further outcomes are decided against. */
  private CampaignState.Defined working;
  private final Map<String, Instant> accountBlockedUntil = new HashMap<>();
  private final Map<String, Instant> domainBlockedUntil = new HashMap<>();
  private Instant quotaBlockedUntil = Instant.MIN;
  private Map<String, AccountView> accountViews = Map.of();
  private Instant accountsSeenAt = Instant.MIN;
  private int rotation;

  public static void init(
      ActorSystem<?> system,
      Clock clock,
      CampaignSettings settings,
      RecipientSource recipients,
      MessageRenderer renderer) {
    ClusterSharding.get(system)
        .init(
            Entity.of(
                    CampaignKeys.ENTITY_KEY,
                    ctx -> create(ctx.getEntityId(), clock, settings, recipients, renderer, RandomGenerator.getDefault()))
                .withEntityProps(DispatcherSelector.fromConfig(DeepStackExecutor.DISPATCHER)));
  }

  public static Behavior<CampaignCommand> create(
      String entityId,
      Clock clock,
      CampaignSettings settings,
      RecipientSource recipients,
      MessageRenderer renderer,
      RandomGenerator random) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> new Campaign(entityId, clock, settings, recipients, renderer, random, ctx, timers)));
  }

  private Campaign(
      String entityId,
      Clock clock,
      CampaignSettings settings,
      RecipientSource recipients,
      MessageRenderer renderer,
      RandomGenerator random,
      ActorContext<CampaignCommand> context,
      TimerScheduler<CampaignCommand> timers) {
    super(
        PersistenceId.ofUniqueId(CampaignKeys.ENTITY_KEY.name() + "|" + entityId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
    this.entityId = entityId;
    this.clock = clock;
    this.settings = settings;
    this.recipients = recipients;
    this.renderer = renderer;
    this.random = random;
    this.context = context;
    this.timers = timers;
    this.sharding = ClusterSharding.get(context.getSystem());
    this.attempts = new SendAttempt(context.getSystem(), settings, clock);
  }

  @Override
  public CampaignState emptyState() {
    return new CampaignState.Empty();
  }

  @Override
  public Set<String> tagsFor(CampaignEvent event) {
    return Set.of(CampaignKeys.tagFor(entityId));
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(SNAPSHOT_EVERY, 2);
  }

  @Override
  public SignalHandler<CampaignState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(
            RecoveryCompleted.instance(),
            state -> {
              // A failed write restarts the entity in place: what it held in memory describes a state it no
              // longer has. Start over from the journal's.
              buffer.clear();
              fetching = false;
              running.clear();
              unknown.clear();
              unwritten.clear();
              working = null;
              if (state instanceof CampaignState.Defined d && !d.inFlight().isEmpty()) {
                // Dispatched before the restart: their outcome is with the accounts.
                unknown.addAll(d.inFlight().keySet());
                context.getSelf().tell(new Recheck());
              }
              if (state instanceof CampaignState.Defined d && d.status() == CampaignStatus.RUNNING) {
                refreshAccounts(d);
                context.getSelf().tell(new Pump());
              }
            })
        .build();
  }

  // ---------------------------------------------------------------- commands

  @Override
  public CommandHandlerWithReply<CampaignCommand, CampaignEvent, CampaignState> commandHandler() {
    var builder = newCommandHandlerWithReplyBuilder();
    builder
        .forStateType(CampaignState.Empty.class)
        .onCommand(CampaignCommand.Create.class, this::create)
        .onCommand(CampaignCommand.RecipientsAdded.class, cmd -> Effect().reply(cmd.replyTo(), notFound()))
        .onCommand(CampaignCommand.Start.class, cmd -> Effect().reply(cmd.replyTo(), notFound()))
        .onCommand(CampaignCommand.Pause.class, cmd -> Effect().reply(cmd.replyTo(), notFound()))
        .onCommand(CampaignCommand.Resume.class, cmd -> Effect().reply(cmd.replyTo(), notFound()))
        .onCommand(CampaignCommand.Cancel.class, cmd -> Effect().reply(cmd.replyTo(), notFound()))
        .onCommand(CampaignCommand.Get.class, cmd -> Effect().reply(cmd.replyTo(), notFound()))
        .onCommand(CampaignCommand.UpdateSpec.class, cmd -> Effect().reply(cmd.replyTo(), notFound()))
        .onCommand(CampaignCommand.Delete.class, cmd -> Effect().reply(cmd.replyTo(), notFound()))
        .onAnyCommand(cmd -> Effect().noReply());
    // A deleted campaign keeps its journal, and so its id, but is not found.
    builder
        .forStateType(CampaignState.Deleted.class)
        .onCommand(
            CampaignCommand.Create.class,
            (s, cmd) -> Effect().reply(cmd.replyTo(), new CampaignReply.AlreadyExists(s.campaignId())))
        .onCommand(CampaignCommand.RecipientsAdded.class, cmd -> Effect().reply(cmd.replyTo(), notFound()))
        .onCommand(CampaignCommand.Start.class, cmd -> Effect().reply(cmd.replyTo(), notFound()))
        .onCommand(CampaignCommand.Pause.class, cmd -> Effect().reply(cmd.replyTo(), notFound()))
        .onCommand(CampaignCommand.Resume.class, cmd -> Effect().reply(cmd.replyTo(), notFound()))
        .onCommand(CampaignCommand.Cancel.class, cmd -> Effect().reply(cmd.replyTo(), notFound()))
        .onCommand(CampaignCommand.Get.class, cmd -> Effect().reply(cmd.replyTo(), notFound()))
        .onCommand(CampaignCommand.UpdateSpec.class, cmd -> Effect().reply(cmd.replyTo(), notFound()))
        .onCommand(CampaignCommand.Delete.class, cmd -> Effect().reply(cmd.replyTo(), notFound()))
        .onAnyCommand(cmd -> Effect().noReply());
    builder
        .forStateType(CampaignState.Defined.class)
        .onCommand(
            CampaignCommand.Create.class,
            (s, cmd) -> Effect().reply(cmd.replyTo(), new CampaignReply.AlreadyExists(s.campaignId())))
        .onCommand(CampaignCommand.Get.class, (s, cmd) -> Effect().reply(cmd.replyTo(), found(s)))
        .onCommand(CampaignCommand.RecipientsAdded.class, this::recipientsAdded)
        .onCommand(CampaignCommand.Start.class, this::start)
        .onCommand(CampaignCommand.Pause.class, this::pause)
        .onCommand(CampaignCommand.Resume.class, this::resume)
        .onCommand(CampaignCommand.Cancel.class, this::cancel)
        .onCommand(CampaignCommand.UpdateSpec.class, this::updateSpec)
        .onCommand(CampaignCommand.Delete.class, this::delete)
        .onCommand(CampaignCommand.KeepAlive.class, (s, cmd) -> keepAlive(s))
        .onCommand(Pump.class, (s, cmd) -> pump(s))
        .onCommand(Fetched.class, this::fetched)
        .onCommand(AttemptEnded.class, this::attemptEnded)
        .onCommand(StatusKnown.class, this::statusKnown)
        .onCommand(Flush.class, this::flush)
        .onCommand(Recheck.class, (s, cmd) -> recheck(s))
        .onCommand(
            AccountsSeen.class,
            (s, cmd) -> {
              accountViews = cmd.accounts();
              return Effect().noReply();
            });
    return builder.build();
  }

  private ReplyEffect<CampaignEvent, CampaignState> create(CampaignCommand.Create cmd) {
    var event = new CampaignEvent.CampaignCreated(EntityIds.tenantOf(entityId), EntityIds.localIdOf(entityId), cmd.spec(), now());
    return Effect().persist(event).thenReply(cmd.replyTo(), s -> found((CampaignState.Defined) s));
  }

  private ReplyEffect<CampaignEvent, CampaignState> recipientsAdded(CampaignState.Defined s, CampaignCommand.RecipientsAdded cmd) {
    if (finished(s)) return Effect().reply(cmd.replyTo(), notAllowed(s, "recipients cannot be added to a " + s.status().wireName() + " campaign"));
    if (cmd.added() == 0 && cmd.lastSeq() <= s.lastSeq()) return Effect().reply(cmd.replyTo(), found(s));
    return Effect()
        .persist(new CampaignEvent.RecipientsAdded(cmd.added(), Math.max(cmd.lastSeq(), s.lastSeq()), now()))
        .thenRun(st -> schedulePump(Duration.ZERO))
        .thenReply(cmd.replyTo(), st -> found((CampaignState.Defined) st));
  }

  private ReplyEffect<CampaignEvent, CampaignState> start(CampaignState.Defined s, CampaignCommand.Start cmd) {
    if (s.status() != CampaignStatus.DRAFT) return Effect().reply(cmd.replyTo(), notAllowed(s, "only a draft campaign can be started"));
    if (s.total() == 0) return Effect().reply(cmd.replyTo(), notAllowed(s, "the campaign has no recipients; upload them first"));
    return Effect()
        .persist(new CampaignEvent.CampaignStarted(now()))
        .thenRun(
            st -> {
              refreshAccounts((CampaignState.Defined) st);
              schedulePump(Duration.ZERO);
            })
        .thenReply(cmd.replyTo(), st -> found((CampaignState.Defined) st));
  }

  private ReplyEffect<CampaignEvent, CampaignState> pause(CampaignState.Defined s, CampaignCommand.Pause cmd) {
    if (s.status() != CampaignStatus.RUNNING) return Effect().reply(cmd.replyTo(), notAllowed(s, "only a running campaign can be paused"));
    return Effect()
        .persist(new CampaignEvent.CampaignPaused(Optional.empty(), now()))
        .thenRun(st -> timers.cancel(PUMP_TIMER))
        .thenReply(cmd.replyTo(), st -> found((CampaignState.Defined) st));
  }

  private ReplyEffect<CampaignEvent, CampaignState> resume(CampaignState.Defined s, CampaignCommand.Resume cmd) {
    if (s.status() != CampaignStatus.PAUSED) return Effect().reply(cmd.replyTo(), notAllowed(s, "only a paused campaign can be resumed"));
    return Effect()
        .persist(new CampaignEvent.CampaignResumed(now()))
        .thenRun(
            st -> {
              // What the campaign learnt about its accounts may be stale: the tenant may have fixed them.
              accountBlockedUntil.clear();
              refreshAccounts((CampaignState.Defined) st);
              schedulePump(Duration.ZERO);
            })
        .thenReply(cmd.replyTo(), st -> found((CampaignState.Defined) st));
  }

  private ReplyEffect<CampaignEvent, CampaignState> cancel(CampaignState.Defined s, CampaignCommand.Cancel cmd) {
    if (finished(s)) return Effect().reply(cmd.replyTo(), notAllowed(s, "the campaign is already " + s.status().wireName()));
    return Effect()
        .persist(new CampaignEvent.CampaignCancelled(now()))
        .thenRun(st -> timers.cancel(PUMP_TIMER))
        .thenReply(cmd.replyTo(), st -> found((CampaignState.Defined) st));
  }

  private ReplyEffect<CampaignEvent, CampaignState> updateSpec(CampaignState.Defined s, CampaignCommand.UpdateSpec cmd) {
    if (s.status() != CampaignStatus.DRAFT) return Effect().reply(cmd.replyTo(), notAllowed(s, "only a draft campaign can be changed"));
    return Effect()
        .persist(new CampaignEvent.CampaignSpecChanged(cmd.spec(), now()))
        .thenReply(cmd.replyTo(), st -> found((CampaignState.Defined) st));
  }

  private ReplyEffect<CampaignEvent, CampaignState> delete(CampaignState.Defined s, CampaignCommand.Delete cmd) {
    if (s.status() != CampaignStatus.DRAFT) {
      return Effect().reply(cmd.replyTo(), notAllowed(s, "only a draft campaign can be deleted; cancel it instead"));
    }
    return Effect()
        .persist(new CampaignEvent.CampaignDeleted(now()))
        .thenRun(st -> timers.cancel(PUMP_TIMER))
        .thenReply(cmd.replyTo(), st -> new CampaignReply.Deleted(s.campaignId()));
  }

  private ReplyEffect<CampaignEvent, CampaignState> keepAlive(CampaignState.Defined s) {
    if (s.status() == CampaignStatus.RUNNING && !timers.isTimerActive(PUMP_TIMER)) context.getSelf().tell(new Pump());
    return Effect().noReply();
  }

  // ---------------------------------------------------------------- the sending loop

  /** Dispatches what is due now to the accounts that can take it, and sleeps until the next thing is due. */
  private ReplyEffect<CampaignEvent, CampaignState> pump(CampaignState.Defined s) {
    if (s.status() != CampaignStatus.RUNNING) return Effect().noReply();
    // Outcomes wait to be written: the write pumps once it is done, against the state they make.
    if (!unwritten.isEmpty()) return Effect().noReply();
    Instant now = now();
    if (completed(s)) return Effect().persist(new CampaignEvent.CampaignCompleted(now)).thenNoReply();
    if (accountsSeenAt.plus(ACCOUNT_REFRESH).isBefore(now)) refreshAccounts(s);
    ScheduleWindow window = new ScheduleWindow(s.spec().schedule());
    if (!window.allows(now)) {
      schedulePump(Duration.between(now, window.nextOpening(now)));
      return Effect().noReply();
    }
    List<CampaignEvent> events = new ArrayList<>();
    List<Launch> launches = new ArrayList<>();
    Set<String> busy = new HashSet<>();
    s.inFlight().values().forEach(d -> busy.add(d.account()));
    Map<String, Instant> readyAt = new HashMap<>(s.accountReadyAt());
    long cursor = s.cursor();
    int rotationAtStart = rotation;

    // Retries and returned dispatches first, oldest due first; then fresh recipients in table order.
    List<Map.Entry<Long, CampaignState.Due>> due = new ArrayList<>(s.due().entrySet());
    due.sort((a, b) -> a.getValue().dueAt().compareTo(b.getValue().dueAt()));
    Deque<Work> work = new ArrayDeque<>();
    for (var e : due) {
      if (e.getValue().dueAt().isAfter(now)) continue;
      work.add(new Work(e.getKey(), e.getValue().email(), e.getValue().variables(), e.getValue().attempt(), e.getValue().possibleDuplicate(), false));
    }
    for (Recipient r : buffer) work.add(new Work(r.seq(), r.email(), r.variables(), 1, false, r.suppressed()));

    int taken = 0;
    while (!work.isEmpty()) {
      Work w = work.poll();
      boolean fresh = !s.due().containsKey(w.seq()) && w.seq() > s.cursor();
      if (fresh && w.suppressed()) {
        events.add(new CampaignEvent.RecipientSuppressed(w.seq(), w.email(), now));
        cursor = w.seq();
        taken++;
        continue;
      }
      if (quotaBlockedUntil.isAfter(now)) break;
      String domain = w.email().substring(w.email().lastIndexOf('@') + 1).toLowerCase(java.util.Locale.ROOT);
      if (domainBlockedUntil.getOrDefault(domain, Instant.MIN).isAfter(now)) {
        if (fresh) {
          // Taken from the table in order, it waits with the due ones until its domain takes mail again.
          events.add(
              new CampaignEvent.RecipientPostponed(w.seq(), w.email(), w.variables(), domainBlockedUntil.get(domain), domain + " is resting", now));
          cursor = w.seq();
          taken++;
        }
        continue;
      }
      Optional<String> account = nextAccount(s, busy, readyAt, now);
      if (account.isEmpty()) break;
      RenderedMessage message = renderer.render(s.tenantId(), s.campaignId(), s.spec(), w.email(), w.variables());
      Instant ready = now.plus(randomDelay(s.spec().delay()));
      events.add(
          new CampaignEvent.RecipientDispatched(
              w.seq(), w.email(), w.variables(), message.messageId(), account.get(), w.attempt(), w.possibleDuplicate(), ready, now));
      busy.add(account.get());
      readyAt.put(account.get(), ready);
      launches.add(new Launch(w.seq(), account.get(), message, now));
      if (fresh) {
        cursor = w.seq();
        taken++;
      }
    }
    for (int i = 0; i < taken; i++) buffer.poll();
    if (buffer.isEmpty() && cursor < s.lastSeq()) fetch(s, cursor);
    if (events.isEmpty()) {
      rotation = rotationAtStart;
      if (s.inFlight().isEmpty() && s.spec().accounts().stream().allMatch(a -> accountBlockedUntil.getOrDefault(a, Instant.MIN).equals(Instant.MAX))) {
        // Every account refused its credentials: nothing will send until the tenant fixes one, so say so.
        return Effect()
            .persist(new CampaignEvent.CampaignPaused(Optional.of("no usable account: every account of the campaign is disabled"), now))
            .thenNoReply();
      }
      scheduleNextWake(s, now);
      return Effect().noReply();
    }
    return Effect()
        .persist(journalled(events))
        .thenRun(
            st -> {
              for (Launch l : launches) launch(l);
              CampaignState.Defined d = (CampaignState.Defined) st;
              if (completed(d)) context.getSelf().tell(new Pump());
              scheduleNextWake(d, now());
            })
        .thenNoReply();
  }

  private record Work(long seq, String email, Map<String, String> variables, int attempt, boolean possibleDuplicate, boolean suppressed) {}

  private record Launch(long seq, String account, RenderedMessage message, Instant dispatchedAt) {}

  private void launch(Launch l) {
    running.add(l.seq());
    context.pipeToSelf(
        attempts.run(l.account(), l.message(), l.message().messageId() + " " + l.dispatchedAt()),
        (result, failure) ->
            new AttemptEnded(
                l.seq(), l.message().messageId(), failure == null ? result : new SendAttempt.Unanswered(String.valueOf(failure.getMessage()))));
  }

  private ReplyEffect<CampaignEvent, CampaignState> fetched(CampaignState.Defined s, Fetched msg) {
    fetching = false;
    if (msg.failure().isPresent()) {
      context.getLog().warn("reading recipients of {} failed: {}", entityId, msg.failure().get());
      schedulePump(settings.recheckInterval());
      return Effect().noReply();
    }
    long last = buffer.isEmpty() ? s.cursor() : buffer.peekLast().seq();
    if (msg.after() != last) {
      // Read for a cursor this campaign no longer has: a write that would have moved it failed and the
      // entity restarted from its journal, or the buffer changed meanwhile. Read again from where it is.
      if (s.status() == CampaignStatus.RUNNING) context.getSelf().tell(new Pump());
      return Effect().noReply();
    }
    for (Recipient r : msg.recipients()) if (r.seq() > last) buffer.add(r);
    if (s.status() == CampaignStatus.RUNNING) context.getSelf().tell(new Pump());
    return Effect().noReply();
  }

  private void fetch(CampaignState.Defined s, long after) {
    if (fetching) return;
    fetching = true;
    context.pipeToSelf(
        recipients.fetch(s.tenantId(), s.campaignId(), after, settings.fetchSize()),
        (list, failure) ->
            failure == null
                ? new Fetched(after, list, Optional.empty())
                : new Fetched(after, List.of(), Optional.of(String.valueOf(failure.getMessage()))));
  }

  private ReplyEffect<CampaignEvent, CampaignState> attemptEnded(CampaignState.Defined written, AttemptEnded msg) {
    running.remove(msg.seq());
    CampaignState.Defined s = working(written);
    CampaignState.Dispatch dispatch = s.inFlight().get(msg.seq());
    if (dispatch == null || !dispatch.messageId().equals(msg.messageId())) return Effect().noReply();
    Instant now = now();
    List<CampaignEvent> events = new ArrayList<>();
    if (msg.result() instanceof SendAttempt.Attempted a) {
      events.addAll(outcome(s, msg.seq(), dispatch, a.outcome(), now));
    } else if (msg.result() instanceof SendAttempt.Returned r) {
      block(r, dispatch);
      // An account that cannot take it now is no reason to wait: the next account may.
      Instant dueAt = r.blocker() == SendAttempt.Blocker.ACCOUNT ? now : r.retryAt();
      events.add(new CampaignEvent.DispatchReturned(msg.seq(), dueAt, r.reason(), dispatch.possibleDuplicate(), now));
    } else {
      unknown.add(msg.seq());
      timers.startSingleTimer(RECHECK_TIMER, new Recheck(), settings.recheckInterval());
      return Effect().noReply();
    }
    return writeSoon(s, events);
  }

  private CampaignState.Defined working(CampaignState.Defined written) {
    return working == null ? written : working;
  }

  /** Decided outcomes join the next write; the first of a batch asks for it. */
  private ReplyEffect<CampaignEvent, CampaignState> writeSoon(CampaignState.Defined current, List<CampaignEvent> events) {
    if (events.isEmpty()) return Effect().noReply();
    CampaignState next = current;
    for (CampaignEvent e : events) next = EVENT_HANDLER.apply(next, e);
    working = (CampaignState.Defined) next;
    if (unwritten.isEmpty()) context.getSelf().tell(new Flush());
    unwritten.addAll(events);
    return Effect().noReply();
  }

  private ReplyEffect<CampaignEvent, CampaignState> flush(CampaignState.Defined s, Flush flush) {
    if (unwritten.isEmpty()) return Effect().noReply();
    List<CampaignEvent> events = List.copyOf(unwritten);
    unwritten.clear();
    working = null;
    return persistAndContinue(events);
  }

  /** What an SMTP outcome means for this recipient. */
  private List<CampaignEvent> outcome(CampaignState.Defined s, long seq, CampaignState.Dispatch d, DeliveryOutcome o, Instant now) {
    List<CampaignEvent> events = new ArrayList<>();
    if (o.outcome() == OutcomeClass.SUCCESS) {
      events.add(new CampaignEvent.RecipientSent(seq, d.account(), o, now));
      return events;
    }
    if (o.uncertain()) {
      // Cut off during DATA: it may have arrived. Same Message-ID again, counted as a possible duplicate.
      events.add(new CampaignEvent.DispatchReturned(seq, now, "cut off mid-transaction: " + o.summary(), true, now));
      return events;
    }
    switch (o.outcome()) {
      case RECIPIENT_HARD -> {
        events.add(new CampaignEvent.RecipientBounced(seq, d.email(), o, now));
        bounceGuard(s, events, now);
      }
      case MESSAGE_REJECTED -> events.add(new CampaignEvent.RecipientFailed(seq, d.email(), o, now));
      case AUTHENTICATION -> {
        // The account is disabled now; the recipient is not to blame and goes to another account.
        accountBlockedUntil.put(d.account(), Instant.MAX);
        events.add(new CampaignEvent.DispatchReturned(seq, now, "account " + d.account() + " refused authentication", d.possibleDuplicate(), now));
      }
      case POLICY -> {
        if (o.code() >= 500) {
          // Policy or reputation at this account: the message moves to the next account at once.
          accountBlockedUntil.put(d.account(), now.plus(settings.recheckInterval()));
          events.add(retryOrFail(seq, d, o, now, now));
        } else {
          // 421 / 4.7.x: the recipient's domain asks us to slow down.
          String domain = d.email().substring(d.email().lastIndexOf('@') + 1).toLowerCase(java.util.Locale.ROOT);
          Instant until = now.plus(settings.domainDeferral());
          domainBlockedUntil.put(domain, until);
          sharding
              .entityRefFor(RecipientDomainKeys.ENTITY_KEY, RecipientDomainKeys.entityId(domain))
              .tell(new DomainCommand.Defer(until, o.summary()));
          events.add(retryOrFail(seq, d, o, now, backoff(d.attempt(), now)));
        }
      }
      default -> events.add(retryOrFail(seq, d, o, now, backoff(d.attempt(), now)));
    }
    return events;
  }

  private CampaignEvent retryOrFail(long seq, CampaignState.Dispatch d, DeliveryOutcome o, Instant now, Instant dueAt) {
    if (d.attempt() >= settings.maxAttempts()) return new CampaignEvent.RecipientFailed(seq, d.email(), o, now);
    return new CampaignEvent.RecipientRetryScheduled(seq, d.attempt() + 1, dueAt, o, now);
  }

  private Instant backoff(int attempt, Instant now) {
    List<Duration> delays = settings.retryDelays();
    return now.plus(delays.get(Math.min(attempt, delays.size()) - 1));
  }

  /** Pauses the campaign when hard bounces exceed the limit over enough sends. */
  private void bounceGuard(CampaignState.Defined s, List<CampaignEvent> events, Instant now) {
    int bounced = s.tally().bounced() + 1;
    int attempted = s.tally().sent() + bounced;
    if (s.status() == CampaignStatus.RUNNING
        && attempted >= settings.bounceGuardMinimumSends()
        && bounced > settings.bounceRateLimit() * attempted) {
      events.add(
          new CampaignEvent.CampaignPaused(
              Optional.of(String.format(java.util.Locale.ROOT, "bounce guard: %d of %d sends bounced (%.1f%%, limit %.0f%%)",
                  bounced, attempted, 100.0 * bounced / attempted, 100 * settings.bounceRateLimit())),
              now));
    }
  }

  private void block(SendAttempt.Returned r, CampaignState.Dispatch d) {
    switch (r.blocker()) {
      case QUOTA -> quotaBlockedUntil = r.retryAt();
      case DOMAIN -> domainBlockedUntil.put(d.email().substring(d.email().lastIndexOf('@') + 1).toLowerCase(java.util.Locale.ROOT), r.retryAt());
      case ACCOUNT -> accountBlockedUntil.put(d.account(), r.retryAt());
    }
  }

  private ReplyEffect<CampaignEvent, CampaignState> recheck(CampaignState.Defined s) {
    for (Long seq : List.copyOf(unknown)) {
      CampaignState.Dispatch d = s.inFlight().get(seq);
      if (d == null || running.contains(seq)) {
        unknown.remove(seq);
        continue;
      }
      context.pipeToSelf(
          sharding
              .entityRefFor(SmtpAccountKeys.ENTITY_KEY, EntityIds.of(s.tenantId(), d.account()))
              .<SendStatus>ask(
                  r -> new AccountCommand.QuerySend(d.messageId(), now().plus(settings.sendStartWithin()), r), settings.permitTimeout()),
          (status, failure) -> new StatusKnown(seq, d.messageId(), Optional.ofNullable(status)));
    }
    return Effect().noReply();
  }

  private ReplyEffect<CampaignEvent, CampaignState> statusKnown(CampaignState.Defined written, StatusKnown msg) {
    CampaignState.Defined s = working(written);
    CampaignState.Dispatch d = s.inFlight().get(msg.seq());
    if (d == null || !d.messageId().equals(msg.messageId()) || !unknown.contains(msg.seq())) return Effect().noReply();
    Instant now = now();
    SendStatus status = msg.status().orElse(null);
    if (status == null || status instanceof SendStatus.InProgress) {
      timers.startSingleTimer(RECHECK_TIMER, new Recheck(), settings.recheckInterval());
      return Effect().noReply();
    }
    unknown.remove(msg.seq());
    List<CampaignEvent> events = new ArrayList<>();
    if (status instanceof SendStatus.Finished f) events.addAll(outcome(s, msg.seq(), d, f.outcome(), now));
    else if (status instanceof SendStatus.Interrupted) {
      events.add(new CampaignEvent.DispatchReturned(msg.seq(), now, "cut off by a restart of account " + d.account(), true, now));
    } else {
      events.add(new CampaignEvent.DispatchReturned(msg.seq(), now, "never reached account " + d.account(), d.possibleDuplicate(), now));
    }
    return writeSoon(s, events);
  }

  /** The events of one step as they go to the journal: as batches, or each on its own while nodes that cannot read a batch run. */
  private List<CampaignEvent> journalled(List<CampaignEvent> events) {
    return settings.journalBatches() ? CampaignEvent.batched(events) : events;
  }

  private ReplyEffect<CampaignEvent, CampaignState> persistAndContinue(List<CampaignEvent> events) {
    return Effect()
        .persist(journalled(events))
        .thenRun(
            st -> {
              CampaignState.Defined d = (CampaignState.Defined) st;
              if (d.status() == CampaignStatus.RUNNING) context.getSelf().tell(new Pump());
            })
        .thenNoReply();
  }

  /** The next account by rotation: active, ready after its delay, not busy, primary pool before reserve, below 90% of today's cap. */
  private Optional<String> nextAccount(CampaignState.Defined s, Set<String> busy, Map<String, Instant> readyAt, Instant now) {
    List<String> accounts = s.spec().accounts();
    for (int pass = 0; pass < 3; pass++) {
      for (int i = 0; i < accounts.size(); i++) {
        int index = Math.floorMod(rotation + i, accounts.size());
        String a = accounts.get(index);
        if (busy.contains(a)) continue;
        if (readyAt.getOrDefault(a, Instant.MIN).isAfter(now)) continue;
        if (accountBlockedUntil.getOrDefault(a, Instant.MIN).isAfter(now)) continue;
        AccountView v = accountViews.get(a);
        if (!inPass(v, pass)) continue;
        rotation = index + 1;
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }

  /** Pass 0: primary accounts below 90% of today's cap; pass 1: reserve ones; pass 2: any left (the account enforces its cap). */
  private static boolean inPass(AccountView v, int pass) {
    if (v == null) return pass == 0;
    if (v.status() != AccountStatus.ACTIVE) return false;
    boolean roomy = v.dailyCap() < 0 || v.sentToday() < 0.9 * v.dailyCap();
    return switch (pass) {
      case 0 -> v.pool() == AccountPool.PRIMARY && roomy;
      case 1 -> v.pool() != AccountPool.PRIMARY && roomy;
      default -> true;
    };
  }

  private void refreshAccounts(CampaignState.Defined s) {
    accountsSeenAt = now();
    List<java.util.concurrent.CompletableFuture<Optional<AccountView>>> asks = new ArrayList<>();
    for (String a : s.spec().accounts()) {
      asks.add(
          sharding
              .entityRefFor(SmtpAccountKeys.ENTITY_KEY, EntityIds.of(s.tenantId(), a))
              .<AccountReply>ask(AccountCommand.Get::new, settings.permitTimeout())
              .handle((r, f) -> r instanceof AccountReply.Found found ? Optional.of(found.account()) : Optional.<AccountView>empty())
              .toCompletableFuture());
    }
    context.pipeToSelf(
        java.util.concurrent.CompletableFuture.allOf(asks.toArray(new java.util.concurrent.CompletableFuture[0])),
        (done, failure) -> {
          Map<String, AccountView> seen = new HashMap<>();
          for (var f : asks) f.getNow(Optional.empty()).ifPresent(v -> seen.put(v.accountId(), v));
          return new AccountsSeen(seen);
        });
  }

  private Duration randomDelay(DelayRange delay) {
    long min = delay.min().toMillis();
    long max = delay.max().toMillis();
    return Duration.ofMillis(max == min ? min : random.nextLong(min, max + 1));
  }

  private void scheduleNextWake(CampaignState.Defined s, Instant now) {
    if (s.status() != CampaignStatus.RUNNING) return;
    Instant next = Instant.MAX;
    for (CampaignState.Due d : s.due().values()) next = min(next, d.dueAt());
    for (Instant t : s.accountReadyAt().values()) if (t.isAfter(now)) next = min(next, t);
    for (Instant t : accountBlockedUntil.values()) if (t.isAfter(now)) next = min(next, t);
    for (Instant t : domainBlockedUntil.values()) if (t.isAfter(now)) next = min(next, t);
    if (quotaBlockedUntil.isAfter(now)) next = min(next, quotaBlockedUntil);
    if (next.equals(Instant.MAX)) return;
    Duration wait = Duration.between(now, next);
    schedulePump(wait.isNegative() ? Duration.ZERO : wait);
  }

  private void schedulePump(Duration delay) {
    timers.startSingleTimer(PUMP_TIMER, new Pump(), delay.isZero() ? Duration.ofMillis(1) : delay);
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  // ---------------------------------------------------------------- events

  @Override
  public EventHandler<CampaignState, CampaignEvent> eventHandler() {
    return EVENT_HANDLER;
  }

  /** The event handler as a pure function, shared with audit replay: no I/O, no clock, no randomness. */
  public static CampaignState apply(CampaignState state, CampaignEvent event) {
    return EVENT_HANDLER.apply(state, event);
  }

  private static final EventHandler<CampaignState, CampaignEvent> EVENT_HANDLER = buildEventHandler();

  private static EventHandler<CampaignState, CampaignEvent> buildEventHandler() {
    var builder = EventHandlerBuilder.<CampaignState, CampaignEvent>builder();
    builder
        .forStateType(CampaignState.Empty.class)
        .onEvent(
            CampaignEvent.CampaignCreated.class,
            (s, e) ->
                new CampaignState.Defined(
                    e.tenantId(), e.campaignId(), e.spec(), CampaignStatus.DRAFT, Optional.empty(), e.at(), 0, 0, 0,
                    Map.of(), Map.of(), Map.of(), CampaignState.Tally.ZERO));
    builder
        .forStateType(CampaignState.Defined.class)
        .onEvent(CampaignEvent.RecipientsAdded.class, (s, e) -> with(s).total(s.total() + e.added()).lastSeq(e.lastSeq()).build())
        .onEvent(CampaignEvent.CampaignStarted.class, (s, e) -> with(s).status(CampaignStatus.RUNNING).build())
        .onEvent(CampaignEvent.CampaignPaused.class, (s, e) -> with(s).status(CampaignStatus.PAUSED).pausedReason(e.reason()).build())
        .onEvent(CampaignEvent.CampaignResumed.class, (s, e) -> with(s).status(CampaignStatus.RUNNING).pausedReason(Optional.empty()).build())
        .onEvent(CampaignEvent.CampaignCancelled.class, (s, e) -> with(s).status(CampaignStatus.CANCELLED).build())
        .onEvent(CampaignEvent.CampaignCompleted.class, (s, e) -> with(s).status(CampaignStatus.COMPLETED).build())
        .onEvent(CampaignEvent.CampaignSpecChanged.class, (s, e) -> with(s).spec(e.spec()).build())
        .onEvent(CampaignEvent.CampaignDeleted.class, (s, e) -> new CampaignState.Deleted(s.tenantId(), s.campaignId(), e.at()))
        .onEvent(
            CampaignEvent.RecipientSuppressed.class,
            (s, e) -> with(s).cursor(Math.max(s.cursor(), e.seq())).tally(tally(s, 0, 0, 0, 1, 0)).build())
        .onEvent(CampaignEvent.RecipientDispatched.class, Campaign::dispatched)
        .onEvent(
            CampaignEvent.RecipientPostponed.class,
            (s, e) ->
                with(s)
                    .cursor(Math.max(s.cursor(), e.seq()))
                    .putDue(e.seq(), new CampaignState.Due(e.email(), e.variables(), 1, e.dueAt(), false))
                    .build())
        .onEvent(
            CampaignEvent.DispatchReturned.class,
            (s, e) -> {
              var builder2 = with(s);
              CampaignState.Dispatch d = s.inFlight().get(e.seq());
              CampaignState.Due earlier = s.due().get(e.seq());
              String email = d != null ? d.email() : earlier != null ? earlier.email() : "";
              Map<String, String> vars = d != null ? d.variables() : earlier != null ? earlier.variables() : Map.of();
              int attempt = d != null ? d.attempt() : earlier != null ? earlier.attempt() : 1;
              builder2.removeInFlight(e.seq()).putDue(e.seq(), new CampaignState.Due(email, vars, attempt, e.dueAt(), e.possibleDuplicate()));
              return builder2.build();
            })
        .onEvent(
            CampaignEvent.RecipientSent.class,
            (s, e) -> {
              CampaignState.Dispatch d = s.inFlight().get(e.seq());
              int duplicate = d != null && d.possibleDuplicate() ? 1 : 0;
              return with(s).removeInFlight(e.seq()).tally(tally(s, 1, 0, 0, 0, duplicate)).build();
            })
        .onEvent(
            CampaignEvent.RecipientRetryScheduled.class,
            (s, e) -> {
              CampaignState.Dispatch d = s.inFlight().get(e.seq());
              return with(s)
                  .removeInFlight(e.seq())
                  .putDue(e.seq(), new CampaignState.Due(d.email(), d.variables(), e.nextAttempt(), e.dueAt(), false))
                  .build();
            })
        .onEvent(CampaignEvent.RecipientFailed.class, (s, e) -> with(s).removeInFlight(e.seq()).tally(tally(s, 0, 1, 0, 0, 0)).build())
        .onEvent(CampaignEvent.RecipientBounced.class, (s, e) -> with(s).removeInFlight(e.seq()).tally(tally(s, 0, 0, 1, 0, 0)).build())
        .onEvent(
            CampaignEvent.Batch.class,
            (s, e) -> {
              CampaignState state = s;
              for (CampaignEvent event : e.events()) state = apply(state, event);
              return state;
            });
    return builder.build();
  }

  private static CampaignState dispatched(CampaignState.Defined s, CampaignEvent.RecipientDispatched e) {
    StateBuilder b = with(s).cursor(Math.max(s.cursor(), e.seq())).removeDue(e.seq());
    b.putInFlight(
        e.seq(), new CampaignState.Dispatch(e.email(), e.variables(), e.messageId(), e.account(), e.attempt(), e.possibleDuplicate(), e.at()));
    // Without a delay the account is ready when the outcome comes; only a later readiness needs keeping.
    Instant earlier = s.accountReadyAt().get(e.account());
    if (e.accountReadyAt().isAfter(e.at()) || (earlier != null && earlier.isAfter(e.at()))) b.accountReadyAt(e.account(), e.accountReadyAt());
    return b.build();
  }

  private static CampaignState.Tally tally(CampaignState.Defined s, int sent, int failed, int bounced, int suppressed, int duplicates) {
    CampaignState.Tally t = s.tally();
    return new CampaignState.Tally(t.sent() + sent, t.failed() + failed, t.bounced() + bounced, t.suppressed() + suppressed, t.duplicates() + duplicates);
  }

  // ---------------------------------------------------------------- views and helpers

  private boolean completed(CampaignState.Defined s) {
    return s.status() == CampaignStatus.RUNNING && s.cursor() >= s.lastSeq() && s.inFlight().isEmpty() && s.due().isEmpty() && buffer.isEmpty();
  }

  private static boolean finished(CampaignState.Defined s) {
    return s.status() == CampaignStatus.COMPLETED || s.status() == CampaignStatus.CANCELLED;
  }

  private CampaignReply found(CampaignState.Defined s) {
    CampaignState.Tally t = s.tally();
    int done = t.sent() + t.failed() + t.bounced() + t.suppressed();
    CampaignCounts counts =
        new CampaignCounts(s.total(), s.total() - done, s.inFlight().size(), t.sent(), s.due().size(), t.failed(), t.bounced(), t.suppressed(), t.duplicates());
    return new CampaignReply.Found(new CampaignView(s.tenantId(), s.campaignId(), s.spec(), s.status(), s.pausedReason(), counts, s.createdAt()));
  }

  private CampaignReply notFound() {
    return new CampaignReply.NotFound(EntityIds.localIdOf(entityId));
  }

  private static CampaignReply notAllowed(CampaignState.Defined s, String detail) {
    return new CampaignReply.NotAllowed(s.status(), detail);
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  private static StateBuilder with(CampaignState.Defined s) {
    return new StateBuilder(s);
  }

  /**
   * Copies a campaign state with changes; keeps the event handler readable. A map is copied only when
   * it changes, and handed to the new state as an unmodifiable view of that private copy, which the
   * state takes without copying it again.
   */
  private static final class StateBuilder {
    private final CampaignState.Defined s;
    private CampaignSpec spec;
    private CampaignStatus status;
    private Optional<String> pausedReason;
    private long lastSeq;
    private int total;
    private long cursor;
    private TreePMap<Long, CampaignState.Dispatch> inFlight;
    private TreePMap<Long, CampaignState.Due> due;
    private PMap<String, Instant> accountReadyAt;
    private CampaignState.Tally tally;

    StateBuilder(CampaignState.Defined s) {
      this.s = s;
      this.spec = s.spec();
      this.status = s.status();
      this.pausedReason = s.pausedReason();
      this.lastSeq = s.lastSeq();
      this.total = s.total();
      this.cursor = s.cursor();
      this.tally = s.tally();
    }

    StateBuilder spec(CampaignSpec v) { spec = v; return this; }
    StateBuilder status(CampaignStatus v) { status = v; return this; }
    StateBuilder pausedReason(Optional<String> v) { pausedReason = v; return this; }
    StateBuilder lastSeq(long v) { lastSeq = v; return this; }
    StateBuilder total(int v) { total = v; return this; }
    StateBuilder cursor(long v) { cursor = v; return this; }
    StateBuilder tally(CampaignState.Tally v) { tally = v; return this; }

    StateBuilder putInFlight(long seq, CampaignState.Dispatch d) {
      inFlight = inFlight().plus(seq, d);
      return this;
    }

    StateBuilder removeInFlight(long seq) {
      inFlight = inFlight().minus(seq);
      return this;
    }

    StateBuilder putDue(long seq, CampaignState.Due d) {
      due = due().plus(seq, d);
      return this;
    }

    StateBuilder removeDue(long seq) {
      due = due().minus(seq);
      return this;
    }

    StateBuilder accountReadyAt(String account, Instant at) {
      accountReadyAt = (accountReadyAt == null ? CampaignState.StateMaps.frozen(s.accountReadyAt()) : accountReadyAt).plus(account, at);
      return this;
    }

    private TreePMap<Long, CampaignState.Dispatch> inFlight() {
      return inFlight == null ? CampaignState.StateMaps.frozenSorted(s.inFlight()) : inFlight;
    }

    private TreePMap<Long, CampaignState.Due> due() {
      return due == null ? CampaignState.StateMaps.frozenSorted(s.due()) : due;
    }

    CampaignState.Defined build() {
      return new CampaignState.Defined(
          s.tenantId(), s.campaignId(), spec, status, pausedReason, s.createdAt(), lastSeq, total, cursor,
          inFlight == null ? s.inFlight() : inFlight,
          due == null ? s.due() : due,
          accountReadyAt == null ? s.accountReadyAt() : accountReadyAt,
          tally);
    }
  }
}
