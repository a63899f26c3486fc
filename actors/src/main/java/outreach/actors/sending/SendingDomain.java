package outreach.actors.sending;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.SupervisorStrategy;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.Entity;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.javadsl.CommandHandlerWithReply;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import outreach.protocol.EntityIds;
import outreach.protocol.sending.SendingDomainCommand;
import outreach.protocol.sending.SendingDomainEvent;
import outreach.protocol.sending.SendingDomainReply;
import outreach.protocol.sending.SendingDomainState;
import outreach.protocol.sending.SendingDomainView;
import outreach.protocol.sending.SendingDomainKeys;

/**
 * One sending domain of one tenant: the DNS records it must publish. The deliverability work adds
 * DKIM keys and their rotation, DNS checks, blocklist status and reputation to this entity.
 */
public final class SendingDomain
    extends EventSourcedBehaviorWithEnforcedReplies<SendingDomainCommand, SendingDomainEvent, SendingDomainState> {

  private final String entityId;
  private final Clock clock;
  private final DnsRecordsPolicy records;

  public static void init(ActorSystem<?> system, Clock clock, DnsRecordsPolicy records) {
    ClusterSharding.get(system)
        .init(Entity.of(SendingDomainKeys.ENTITY_KEY, ctx -> create(ctx.getEntityId(), clock, records)));
  }

  public static Behavior<SendingDomainCommand> create(String entityId, Clock clock, DnsRecordsPolicy records) {
    return new SendingDomain(entityId, clock, records);
  }

  private SendingDomain(String entityId, Clock clock, DnsRecordsPolicy records) {
    super(
        PersistenceId.ofUniqueId(SendingDomainKeys.ENTITY_KEY.name() + "|" + entityId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
    this.entityId = entityId;
    this.clock = clock;
    this.records = records;
  }

  @Override
  public SendingDomainState emptyState() {
    return new SendingDomainState.Absent();
  }

  @Override
  public Set<String> tagsFor(SendingDomainEvent event) {
    return Set.of(SendingDomainKeys.tagFor(entityId));
  }

  @Override
  public CommandHandlerWithReply<SendingDomainCommand, SendingDomainEvent, SendingDomainState> commandHandler() {
    var builder = newCommandHandlerWithReplyBuilder();
    builder
        .forStateType(SendingDomainState.Absent.class)
        .onCommand(
            SendingDomainCommand.Register.class,
            cmd -> {
              String domain = EntityIds.localIdOf(entityId);
              var event =
                  new SendingDomainEvent.SendingDomainRegistered(
                      EntityIds.tenantOf(entityId), domain, records.recordsFor(domain), clock.instant().truncatedTo(ChronoUnit.MICROS));
              return Effect()
                  .persist(event)
                  .thenReply(cmd.replyTo(), s -> new SendingDomainReply.Found(((SendingDomainState.Registered) s).domain()));
            })
        .onCommand(SendingDomainCommand.Get.class, cmd -> Effect().reply(cmd.replyTo(), notFound()))
        .onCommand(SendingDomainCommand.Delete.class, cmd -> Effect().reply(cmd.replyTo(), notFound()));
    builder
        .forStateType(SendingDomainState.Registered.class)
        .onCommand(
            SendingDomainCommand.Register.class,
            (s, cmd) -> Effect().reply(cmd.replyTo(), new SendingDomainReply.AlreadyExists(s.domain().domain())))
        .onCommand(SendingDomainCommand.Get.class, (s, cmd) -> Effect().reply(cmd.replyTo(), new SendingDomainReply.Found(s.domain())))
        .onCommand(
            SendingDomainCommand.Delete.class,
            (s, cmd) ->
                Effect()
                    .persist(new SendingDomainEvent.SendingDomainDeleted(clock.instant().truncatedTo(ChronoUnit.MICROS)))
                    .thenReply(cmd.replyTo(), st -> new SendingDomainReply.Found(s.domain())));
    return builder.build();
  }

  @Override
  public EventHandler<SendingDomainState, SendingDomainEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(SendingDomain::apply);
  }

  /** The event handler as a pure function, shared with audit replay. */
  public static SendingDomainState apply(SendingDomainState state, SendingDomainEvent event) {
    if (event instanceof SendingDomainEvent.SendingDomainRegistered e) {
      return new SendingDomainState.Registered(new SendingDomainView(e.tenantId(), e.domain(), e.records(), e.at()));
    }
    return new SendingDomainState.Absent();
  }

  private SendingDomainReply notFound() {
    return new SendingDomainReply.NotFound(EntityIds.localIdOf(entityId));
  }
}
