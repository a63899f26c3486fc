package outreach.actors.account;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.SupervisorStrategy;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.Entity;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.javadsl.CommandHandlerWithReply;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import akka.persistence.typed.javadsl.ReplyEffect;
import akka.persistence.typed.javadsl.RetentionCriteria;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import outreach.protocol.EntityIds;
import outreach.protocol.account.AccountCommand;
import outreach.protocol.account.AccountEvent;
import outreach.protocol.account.AccountReply;
import outreach.protocol.account.AccountState;
import outreach.protocol.account.AccountStatus;
import outreach.protocol.account.SmtpAccountKeys;

/** One SMTP account of one tenant: its settings, limits, warm-up and health, as an event-sourced entity. */
public final class SmtpAccount
    extends EventSourcedBehaviorWithEnforcedReplies<AccountCommand, AccountEvent, AccountState> {

  private static final int SNAPSHOT_EVERY = 100;
  private static final int SNAPSHOTS_KEPT = 2;

  private final String entityId;
  private final Clock clock;

  public static void init(ActorSystem<?> system, Clock clock) {
    ClusterSharding.get(system)
        .init(Entity.of(SmtpAccountKeys.ENTITY_KEY, ctx -> create(ctx.getEntityId(), clock)));
  }

  public static Behavior<AccountCommand> create(String entityId, Clock clock) {
    return new SmtpAccount(entityId, clock);
  }

  private SmtpAccount(String entityId, Clock clock) {
    super(
        // Entity ids carry the tenant as "<tenant>|<id>"; PersistenceId.of rejects '|' in the id part,
        // so the id is built whole: "SmtpAccount|<tenant>|<id>" (the type name still ends at the first '|').
        PersistenceId.ofUniqueId(SmtpAccountKeys.ENTITY_KEY.name() + "|" + entityId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
    this.entityId = entityId;
    this.clock = clock;
  }

  @Override
  public AccountState emptyState() {
    return new AccountState.Unregistered();
  }

  @Override
  public Set<String> tagsFor(AccountEvent event) {
    return Set.of(SmtpAccountKeys.tagFor(entityId));
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(SNAPSHOT_EVERY, SNAPSHOTS_KEPT);
  }

  @Override
  public CommandHandlerWithReply<AccountCommand, AccountEvent, AccountState> commandHandler() {
    var builder = newCommandHandlerWithReplyBuilder();
    builder
        .forStateType(AccountState.Unregistered.class)
        .onCommand(AccountCommand.Register.class, this::register)
        .onCommand(
            AccountCommand.Get.class,
            cmd -> Effect().reply(cmd.replyTo(), new AccountReply.NotFound(EntityIds.localIdOf(entityId))));
    builder
        .forStateType(AccountState.Registered.class)
        .onCommand(
            AccountCommand.Register.class,
            (state, cmd) -> Effect().reply(cmd.replyTo(), new AccountReply.AlreadyExists(state.accountId())))
        .onCommand(
            AccountCommand.Get.class,
            (state, cmd) -> Effect().reply(cmd.replyTo(), new AccountReply.Found(state.view())));
    return builder.build();
  }

  private ReplyEffect<AccountEvent, AccountState> register(AccountCommand.Register cmd) {
    var event =
        new AccountEvent.AccountRegistered(
            EntityIds.tenantOf(entityId), EntityIds.localIdOf(entityId), cmd.settings(), now());
    return Effect()
        .persist(event)
        .thenReply(
            cmd.replyTo(), state -> new AccountReply.Found(((AccountState.Registered) state).view()));
  }

  /** The clock's time at the precision the database keeps (microseconds), so read models equal the entity. */
  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  @Override
  public EventHandler<AccountState, AccountEvent> eventHandler() {
    var builder = newEventHandlerBuilder();
    builder
        .forStateType(AccountState.Unregistered.class)
        .onEvent(
            AccountEvent.AccountRegistered.class,
            (state, e) ->
                new AccountState.Registered(e.tenantId(), e.accountId(), e.settings(), AccountStatus.ACTIVE, e.at()));
    return builder.build();
  }
}
