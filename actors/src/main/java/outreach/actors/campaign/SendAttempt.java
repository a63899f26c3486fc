package outreach.actors.campaign;

import akka.actor.Cancellable;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.RecipientRef;
import akka.actor.typed.Scheduler;
import akka.actor.typed.javadsl.AskPattern;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import outreach.actors.quota.QuotaPolicy;
import outreach.protocol.EntityIds;
import outreach.protocol.account.AccountCommand;
import outreach.protocol.account.SendReply;
import outreach.protocol.account.SendStatus;
import outreach.protocol.account.SmtpAccountKeys;
import outreach.protocol.delivery.DeliveryOutcome;
import outreach.protocol.delivery.RenderedMessage;
import outreach.protocol.domain.DomainCommand;
import outreach.protocol.domain.DomainReply;
import outreach.protocol.domain.RecipientDomainKeys;
import outreach.protocol.quota.QuotaCommand;
import outreach.protocol.quota.QuotaKeys;
import scala.concurrent.ExecutionContextExecutor;

/**
 * One try at sending one recipient's message: permits from the global and the tenant's quota, a reservation from
 * the recipient's domain, then the account's send. A refusal at any step gives back what the
 * earlier steps granted, so capacity is only used by SMTP transactions; once the transaction is over,
 * the quotas and the domain hear of it, so they count the send from then on (the latest it can have
 * reached the server). The account must start the send within {@code send-start-within}; a send it never
 * received is found out after {@code send-check-after}.
 */
final class SendAttempt {

  /** How the try ended. */
  sealed interface Result {}

  /** The account ran the SMTP transaction. */
  record Attempted(DeliveryOutcome outcome) implements Result {}

  /** Nothing was sent: a limit, a deferral or the account's state stood in the way until {@code retryAt}. */
  record Returned(Instant retryAt, String reason, Blocker blocker) implements Result {}

  /** The account did not answer in time: what happened is asked later. */
  record Unanswered(String reason) implements Result {}

  /** What stood in the way of a returned try. */
  enum Blocker {
    QUOTA,
    DOMAIN,
    ACCOUNT
  }

  private final ClusterSharding sharding;
  private final Function<String, RecipientRef<AccountCommand>> accounts;
  private final Scheduler scheduler;
  private final ExecutionContextExecutor executor;
  private final CampaignSettings settings;
  private final Clock clock;

  SendAttempt(ActorSystem<?> system, CampaignSettings settings, Clock clock) {
    this(system, id -> ClusterSharding.get(system).entityRefFor(SmtpAccountKeys.ENTITY_KEY, id), settings, clock);
  }

  /** @param accounts the account entity of an entity id (sharded; a test may put something between) */
  SendAttempt(
      ActorSystem<?> system, Function<String, RecipientRef<AccountCommand>> accounts, CampaignSettings settings, Clock clock) {
    this.sharding = ClusterSharding.get(system);
    this.accounts = accounts;
    this.scheduler = system.scheduler();
    this.executor = system.executionContext();
    this.settings = settings;
    this.clock = clock;
  }

  /**
   * @param permit the id of this try's permits at the quotas and the domain: the Message-ID with the try's
   *     dispatch, so that a message sent again (after a transaction cut off mid-way, which may have reached the
   *     server) needs permits of its own and never rides on the first try's
   */
  CompletionStage<Result> run(String account, RenderedMessage message, String permit) {
    RenderedMessage m = message;
    return acquireQuota(m, permit)
        .thenCompose(
            quota -> {
              if (quota.isPresent()) return CompletableFuture.completedFuture(quota.get());
              return reserveDomain(m, permit)
                  .thenCompose(
                      domain -> {
                        if (domain.isPresent()) {
                          releaseQuota(m, permit);
                          return CompletableFuture.completedFuture(domain.get());
                        }
                        return send(account, m, permit);
                      });
            });
  }

  /** The global quota, then the tenant's; a refusal of the second gives the first back. */
  private CompletionStage<Optional<Result>> acquireQuota(RenderedMessage m, String permit) {
    boolean global = settings.quotas().global().isPresent();
    boolean tenant = settings.quotas().forTenant(m.tenantId()).isPresent();
    CompletionStage<Optional<Result>> first =
        global ? acquire(QuotaKeys.GLOBAL, "the global quota", m, permit) : CompletableFuture.completedFuture(Optional.empty());
    if (!tenant) return first;
    return first.thenCompose(
        refused -> {
          if (refused.isPresent()) return CompletableFuture.completedFuture(refused);
          return acquire(QuotaPolicy.tenantQuotaId(m.tenantId()), "the tenant's quota", m, permit)
              .thenApply(
                  r -> {
                    if (r.isPresent() && global) release(QuotaKeys.GLOBAL, permit);
                    return r;
                  });
        });
  }

  private CompletionStage<Optional<Result>> acquire(String quotaId, String what, RenderedMessage m, String permit) {
    return sharding
        .entityRefFor(QuotaKeys.ENTITY_KEY, quotaId)
        .<QuotaCommand.QuotaReply>ask(r -> new QuotaCommand.Acquire(m.tenantId(), permit, r), settings.permitTimeout())
        .handle(
            (reply, failure) -> {
              if (failure != null) return Optional.of(noAnswer(Blocker.QUOTA, what));
              if (reply instanceof QuotaCommand.Throttled t) {
                return Optional.<Result>of(new Returned(t.retryAt(), t.limit(), Blocker.QUOTA));
              }
              return Optional.<Result>empty();
            });
  }

  private CompletionStage<Optional<Result>> reserveDomain(RenderedMessage m, String permit) {
    return sharding
        .entityRefFor(RecipientDomainKeys.ENTITY_KEY, RecipientDomainKeys.entityId(m.recipientDomain()))
        .<DomainReply>ask(r -> new DomainCommand.Reserve(m.tenantId(), permit, r), settings.permitTimeout())
        .handle(
            (reply, failure) -> {
              if (failure != null) return Optional.of(noAnswer(Blocker.DOMAIN, "recipient domain " + m.recipientDomain()));
              if (reply instanceof DomainReply.Throttled t) {
                return Optional.<Result>of(new Returned(t.retryAt(), t.reason(), Blocker.DOMAIN));
              }
              return Optional.<Result>empty();
            });
  }

  /**
   * The account's send. A send with no answer after {@code send-check-after} is asked about, and again at that
   * interval while it stays open: one the account never received (sharding drops what it buffered for an account
   * moving between nodes; a node died with it in a mailbox) is withdrawn there and handed back now, rather than
   * after {@code send-timeout}; one cut off by a restart is left to the campaign's recheck; one waiting or running
   * keeps its own answer. Whichever answers first decides, and only it settles or gives back the permits.
   */
  private CompletionStage<Result> send(String account, RenderedMessage m, String permit) {
    RecipientRef<AccountCommand> ref = accounts.apply(EntityIds.of(m.tenantId(), account));
    Instant startBy = now().plus(settings.sendStartWithin());
    CompletableFuture<Result> result = new CompletableFuture<>();
    AtomicReference<Cancellable> check = new AtomicReference<>();
    scheduleCheck(check, ref, account, m, permit, startBy, result);
    AskPattern.<AccountCommand, SendReply>ask(ref, r -> new AccountCommand.Send(m, startBy, r), settings.sendTimeout(), scheduler)
        .whenComplete(
            (reply, failure) -> {
              check.get().cancel();
              if (failure != null) {
                end(result, new Unanswered("account " + account + " did not answer: " + failure.getMessage()), m, permit);
              } else if (reply instanceof SendReply.Attempted a) {
                end(result, new Attempted(a.outcome()), m, permit);
              } else if (reply instanceof SendReply.Throttled t) {
                end(result, new Returned(t.retryAt(), "account " + account + ": " + t.limit(), Blocker.ACCOUNT), m, permit);
              } else {
                SendReply.Unavailable u = (SendReply.Unavailable) reply;
                Instant until = u.until().orElse(now().plus(settings.recheckInterval()));
                end(result, new Returned(until, "account " + account + " is " + u.status().wireName() + ": " + u.reason(), Blocker.ACCOUNT), m, permit);
              }
            });
    return result;
  }

  private void scheduleCheck(
      AtomicReference<Cancellable> check, RecipientRef<AccountCommand> ref, String account, RenderedMessage m, String permit,
      Instant startBy, CompletableFuture<Result> result) {
    check.set(
        scheduler.scheduleOnce(
            settings.sendCheckAfter(), () -> checkSend(check, ref, account, m, permit, startBy, result), executor));
  }

  /**
   * Asks the account about a send not answered yet. Never started: it is withdrawn (it will not start even if it
   * arrives later) and handed back. Delivered: that is its outcome. Cut off by a restart: unanswered, for the
   * campaign's recheck. Waiting, running, failed before (maybe an earlier try's outcome) or no answer (the
   * account is moving or its node is down): asked again later; the send's own answer or its timeout may come first.
   */
  private void checkSend(
      AtomicReference<Cancellable> check, RecipientRef<AccountCommand> ref, String account, RenderedMessage m, String permit,
      Instant startBy, CompletableFuture<Result> result) {
    if (result.isDone()) return;
    AskPattern.<AccountCommand, SendStatus>ask(
            ref, r -> new AccountCommand.QuerySend(m.messageId(), startBy, r), settings.permitTimeout(), scheduler)
        .whenComplete(
            (status, failure) -> {
              if (status instanceof SendStatus.NeverStarted) {
                end(result, new Returned(now(), "account " + account + " never received the send", Blocker.ACCOUNT), m, permit);
              } else if (status instanceof SendStatus.Finished f && f.outcome().succeeded()) {
                end(result, new Attempted(f.outcome()), m, permit);
              } else if (status instanceof SendStatus.Interrupted) {
                end(result, new Unanswered("account " + account + " restarted during the send"), m, permit);
              } else if (!result.isDone()) {
                scheduleCheck(check, ref, account, m, permit, startBy, result);
              }
            });
  }

  /** The first end of a try decides it: a transaction settles the permits, a refusal gives them back. */
  private void end(CompletableFuture<Result> result, Result r, RenderedMessage m, String permit) {
    if (!result.complete(r)) return;
    if (r instanceof Attempted) {
      settle(m, permit);
    } else if (r instanceof Returned) {
      releaseQuota(m, permit);
      releaseDomain(m, permit);
    }
  }

  /**
   * The quota or the domain did not answer within {@code permit-timeout}: nothing was granted, so the try is
   * made again soon ({@code permit-retry}); the usual cause is a node that died, whose entities run elsewhere
   * as soon as the cluster has removed it.
   */
  private Result noAnswer(Blocker blocker, String who) {
    return new Returned(now().plus(settings.permitRetry()), who + " did not answer", blocker);
  }

  /** The transaction is over: the quotas and the domain count the send from now on. */
  private void settle(RenderedMessage m, String permit) {
    if (settings.quotas().global().isPresent()) {
      sharding.entityRefFor(QuotaKeys.ENTITY_KEY, QuotaKeys.GLOBAL).tell(new QuotaCommand.Settle(permit));
    }
    if (settings.quotas().forTenant(m.tenantId()).isPresent()) {
      sharding.entityRefFor(QuotaKeys.ENTITY_KEY, QuotaPolicy.tenantQuotaId(m.tenantId())).tell(new QuotaCommand.Settle(permit));
    }
    sharding
        .entityRefFor(RecipientDomainKeys.ENTITY_KEY, RecipientDomainKeys.entityId(m.recipientDomain()))
        .tell(new DomainCommand.Settle(m.tenantId(), permit));
  }

  private void releaseQuota(RenderedMessage m, String permit) {
    if (settings.quotas().global().isPresent()) release(QuotaKeys.GLOBAL, permit);
    if (settings.quotas().forTenant(m.tenantId()).isPresent()) release(QuotaPolicy.tenantQuotaId(m.tenantId()), permit);
  }

  private void release(String quotaId, String permit) {
    sharding.entityRefFor(QuotaKeys.ENTITY_KEY, quotaId).tell(new QuotaCommand.Release(permit));
  }

  private void releaseDomain(RenderedMessage m, String permit) {
    sharding
        .entityRefFor(RecipientDomainKeys.ENTITY_KEY, RecipientDomainKeys.entityId(m.recipientDomain()))
        .tell(new DomainCommand.Release(m.tenantId(), permit));
  }

  private Instant now() {
    return clock.instant();
  }
}
