package outreach.actors.smtp;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import java.util.function.Supplier;
import outreach.protocol.delivery.DeliveryOutcome;
import outreach.protocol.delivery.OutcomeClass;
import outreach.protocol.delivery.RenderedMessage;

/**
 * An account's SMTP connection as a child actor on the blocking dispatcher: it keeps one session
 * open and reuses it for every message, one transaction at a time.
 */
public final class SmtpSession extends AbstractBehavior<SmtpSession.Command> {

  /** Messages to the session. */
  public sealed interface Command {}

  /** Send one message; the outcome goes to {@code replyTo}. */
  public record Deliver(RenderedMessage message, ActorRef<Delivered> replyTo) implements Command {}

  /** Check the account's server; the outcome goes to {@code replyTo}. */
  public record Probe(ActorRef<Probed> replyTo) implements Command {}

  /** The outcome of a {@link Deliver}. */
  public record Delivered(String messageId, DeliveryOutcome outcome) {}

  /** The outcome of a {@link Probe}. */
  public record Probed(DeliveryOutcome outcome) {}

  private final Supplier<SmtpGateway.Session> opener;
  private SmtpGateway.Session session;

  public static Behavior<Command> create(Supplier<SmtpGateway.Session> opener) {
    return Behaviors.setup(ctx -> new SmtpSession(ctx, opener));
  }

  private SmtpSession(ActorContext<Command> context, Supplier<SmtpGateway.Session> opener) {
    super(context);
    this.opener = opener;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Deliver.class, this::deliver)
        .onMessage(Probe.class, this::probe)
        .onSignal(PostStop.class, signal -> closeSession())
        .build();
  }

  private Behavior<Command> deliver(Deliver d) {
    DeliveryOutcome outcome;
    try {
      outcome = session().send(d.message());
    } catch (RuntimeException e) {
      // A session that cannot be opened (e.g. a secret that does not open) is the account's problem.
      outcome = failure(e);
    }
    d.replyTo().tell(new Delivered(d.message().messageId(), outcome));
    return this;
  }

  private Behavior<Command> probe(Probe p) {
    DeliveryOutcome outcome;
    try {
      outcome = session().probe();
    } catch (RuntimeException e) {
      outcome = failure(e);
    }
    p.replyTo().tell(new Probed(outcome));
    return this;
  }

  private SmtpGateway.Session session() {
    if (session == null) session = opener.get();
    return session;
  }

  private Behavior<Command> closeSession() {
    if (session != null) session.close();
    session = null;
    return this;
  }

  private DeliveryOutcome failure(RuntimeException e) {
    getContext().getLog().warn("SMTP session failed: {}", e.getMessage());
    return new DeliveryOutcome(
        OutcomeClass.CONNECTION, 0, java.util.Optional.empty(), "session could not be used: " + e.getMessage(), false);
  }
}
