package outreach.http;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.EntityRef;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.PathMatchers;
import akka.http.javadsl.server.Route;
import akka.japi.function.Function;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import outreach.mail.secret.SecretCipher;
import outreach.persistence.TenantStore;
import outreach.persistence.account.AccountDirectory;
import outreach.protocol.EntityIds;
import outreach.protocol.RateLimit;
import outreach.protocol.account.AccountCommand;
import outreach.protocol.account.AccountPool;
import outreach.protocol.account.AccountReply;
import outreach.protocol.account.AccountSettings;
import outreach.protocol.account.AccountSettingsChange;
import outreach.protocol.account.AccountStatus;
import outreach.protocol.account.AccountView;
import outreach.protocol.account.SealedSecret;
import outreach.protocol.account.SecurityMode;
import outreach.protocol.account.SmtpAccountKeys;
import outreach.protocol.account.WarmUp;

/** {@code /v1/accounts}: a tenant's SMTP accounts. Reads of one account ask its entity; listings read the projection. */
public final class AccountRoutes extends JsonRoutes {

  /** An account as the API shows it, with its health and how full its limits are now; never the password. */
  public record AccountBody(
      String id,
      String host,
      int port,
      SecurityMode security,
      String username,
      String fromAddress,
      String fromName,
      AccountPool pool,
      List<RateLimit> limits,
      WarmUp warmUp,
      AccountStatus state,
      Instant createdAt,
      int sentToday,
      int dailyCap,
      List<AccountView.WindowUsage> sentInWindows,
      int consecutiveFailures,
      Optional<Instant> pausedUntil,
      Optional<String> disabledReason) {

    static AccountBody of(AccountView v) {
      return new AccountBody(
          v.accountId(), v.host(), v.port(), v.security(), v.username(), v.fromAddress(), v.fromName(), v.pool(),
          v.limits(), v.warmUp(), v.status(), v.createdAt(), v.sentToday(), v.dailyCap(), v.sentInWindows(),
          v.consecutiveFailures(), v.pausedUntil(), v.disabledReason());
    }
  }

  /** An account in a listing: its settings and state as the read model holds them. */
  public record AccountSummary(
      String id,
      String host,
      int port,
      SecurityMode security,
      String username,
      String fromAddress,
      String fromName,
      AccountPool pool,
      List<RateLimit> limits,
      WarmUp warmUp,
      AccountStatus state,
      Instant createdAt) {

    static AccountSummary of(AccountDirectory.Listed a) {
      return new AccountSummary(
          a.accountId(), a.host(), a.port(), a.security(), a.username(), a.fromAddress(), a.fromName(), a.pool(),
          a.limits(), a.warmUp(), a.status(), a.createdAt());
    }
  }

  /** One page of a listing. */
  public record AccountPage(List<AccountSummary> items, Optional<String> nextCursor) {}

  /** Body of {@code POST /v1/accounts/{id}/pause}; without {@code until} the pause lasts until resumed. */
  public record PauseAccount(Instant until, String reason) {}

  /** Body of {@code POST /v1/accounts/{id}/disable}; the account sends nothing until resumed or its settings change. */
  public record DisableAccount(String reason) {}

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int MAX_REASON = 500;

  private final ClusterSharding sharding;
  private final Authentication auth;
  private final SecretCipher cipher;
  private final AccountDirectory directory;

  public AccountRoutes(
      ActorSystem<?> system,
      ApiSettings settings,
      Authentication auth,
      SecretCipher cipher,
      AccountDirectory directory) {
    super(settings);
    this.sharding = ClusterSharding.get(system);
    this.auth = auth;
    this.cipher = cipher;
    this.directory = directory;
  }

  public Route route() {
    return pathPrefix(
        "accounts",
        () ->
            auth.tenant(
                tenant ->
                    concat(
                        pathEnd(() -> concat(post(() -> create(tenant)), get(() -> list(tenant.id())))),
                        pathPrefix(
                            PathMatchers.segment(),
                            id ->
                                concat(
                                    pathEnd(
                                        () ->
                                            concat(
                                                get(() -> ask(tenant.id(), id, AccountCommand.Get::new)),
                                                patch(() -> update(tenant.id(), id)),
                                                delete(() -> delete(tenant.id(), id)))),
                                    path("disable", () -> post(() -> disable(tenant.id(), id))),
                                    path("pause", () -> post(() -> pause(tenant.id(), id))),
                                    path(
                                        "resume",
                                        () -> postWithoutBody(() -> ask(tenant.id(), id, AccountCommand.Resume::new))))))));
  }

  private Route create(TenantStore.Tenant tenant) {
    return jsonBody(
        AccountRequests.CreateAccount.class,
        body -> {
          AccountRequests.ValidAccount account = AccountRequests.validate(body, newAccountId());
          String entityId = EntityIds.of(tenant.id(), account.id());
          SecretCipher.Sealed sealed = cipher.seal(account.password(), entityId);
          AccountSettings settings =
              new AccountSettings(
                  account.host(),
                  account.port(),
                  account.security(),
                  account.username(),
                  new SealedSecret(sealed.keyId(), sealed.sealed()),
                  account.fromAddress(),
                  account.fromName(),
                  account.pool(),
                  account.limits(),
                  account.warmUp());
          CompletionStage<AccountReply> reply =
              entity(entityId)
                  .ask(r -> new AccountCommand.Register(settings, tenant.timeZone(), r), settings().askTimeout());
          return onSuccess(
              reply,
              r -> {
                if (r instanceof AccountReply.Found found) {
                  return created("/v1/accounts/" + account.id(), AccountBody.of(found.account()));
                }
                throw Problem.conflict("account '" + account.id() + "' already exists");
              });
        });
  }

  private Route update(String tenant, String id) {
    return jsonBody(
        AccountRequests.UpdateAccount.class,
        body -> {
          AccountRequests.ValidChange change = AccountRequests.validate(body);
          if (!EntityIds.isValidLocalId(id)) throw Problem.notFound("no account '" + id + "'");
          String entityId = EntityIds.of(tenant, id);
          // Sealed exactly as on create: the associated data binds the secret to this account.
          Optional<SealedSecret> password =
              change
                  .password()
                  .map(p -> cipher.seal(p, entityId))
                  .map(sealed -> new SealedSecret(sealed.keyId(), sealed.sealed()));
          AccountSettingsChange settings =
              new AccountSettingsChange(
                  change.host(), change.port(), change.security(), change.username(), password, change.fromAddress(),
                  change.fromName(), change.pool(), change.limits(), change.warmUp());
          return ask(tenant, id, r -> new AccountCommand.UpdateSettings(settings, r));
        });
  }

  private Route disable(String tenant, String id) {
    return jsonBody(
        DisableAccount.class,
        body -> {
          String reason = body.reason() == null || body.reason().isBlank() ? "disabled by the tenant" : body.reason().strip();
          if (reason.length() > MAX_REASON) throw Problem.badRequest("field 'reason' is longer than " + MAX_REASON + " characters");
          return ask(tenant, id, r -> new AccountCommand.Disable(reason, r));
        });
  }

  private Route delete(String tenant, String id) {
    if (!EntityIds.isValidLocalId(id)) throw Problem.notFound("no account '" + id + "'");
    return onSuccess(
        entity(EntityIds.of(tenant, id)).ask(AccountCommand.Delete::new, settings().askTimeout()),
        r -> {
          if (r instanceof AccountReply.Deleted) return complete(StatusCodes.NO_CONTENT);
          throw Problem.notFound("no account '" + id + "'");
        });
  }

  private Route pause(String tenant, String id) {
    return jsonBody(
        PauseAccount.class,
        body -> {
          String reason = body.reason() == null || body.reason().isBlank() ? "paused by the tenant" : body.reason().strip();
          if (reason.length() > MAX_REASON) throw Problem.badRequest("field 'reason' is longer than " + MAX_REASON + " characters");
          Optional<Instant> until = Optional.ofNullable(body.until());
          return ask(tenant, id, r -> new AccountCommand.Pause(until, reason, r));
        });
  }

  private Route ask(String tenant, String id, Function<ActorRef<AccountReply>, AccountCommand> command) {
    if (!EntityIds.isValidLocalId(id)) throw Problem.notFound("no account '" + id + "'");
    return onSuccess(
        entity(EntityIds.of(tenant, id)).ask(command, settings().askTimeout()),
        r -> {
          if (r instanceof AccountReply.Found found) return json(StatusCodes.OK, AccountBody.of(found.account()));
          throw Problem.notFound("no account '" + id + "'");
        });
  }

  private Route list(String tenant) {
    return parameterOptional(
        "cursor",
        cursor ->
            parameterOptional(
                "limit",
                limitText -> {
                  int limit = pageSize(limitText);
                  return onSuccess(
                      directory.list(tenant, cursor, limit),
                      page ->
                          json(
                              StatusCodes.OK,
                              new AccountPage(
                                  page.accounts().stream().map(AccountSummary::of).toList(), page.nextCursor())));
                }));
  }


  private ApiSettings settings() {
    return settings;
  }

  private EntityRef<AccountCommand> entity(String entityId) {
    return sharding.entityRefFor(SmtpAccountKeys.ENTITY_KEY, entityId);
  }

  private static String newAccountId() {
    byte[] id = new byte[8];
    RANDOM.nextBytes(id);
    return "acc_" + HexFormat.of().formatHex(id);
  }
}
