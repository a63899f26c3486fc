package outreach.http;

import akka.actor.typed.ActorSystem;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.EntityRef;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.PathMatchers;
import akka.http.javadsl.server.Route;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import outreach.mail.secret.SecretCipher;
import outreach.persistence.account.AccountDirectory;
import outreach.protocol.EntityIds;
import outreach.protocol.RateLimit;
import outreach.protocol.account.AccountCommand;
import outreach.protocol.account.AccountPool;
import outreach.protocol.account.AccountReply;
import outreach.protocol.account.AccountSettings;
import outreach.protocol.account.AccountStatus;
import outreach.protocol.account.AccountView;
import outreach.protocol.account.SealedSecret;
import outreach.protocol.account.SecurityMode;
import outreach.protocol.account.SmtpAccountKeys;
import outreach.protocol.account.WarmUp;

/** {@code /v1/accounts}: a tenant's SMTP accounts. Reads of one account ask its entity; listings read the projection. */
public final class AccountRoutes extends JsonRoutes {

  /** An account as the API shows it; the password never appears. */
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
      Instant createdAt) {

    static AccountBody of(AccountView v) {
      return new AccountBody(
          v.accountId(), v.host(), v.port(), v.security(), v.username(), v.fromAddress(), v.fromName(), v.pool(),
          v.limits(), v.warmUp(), v.status(), v.createdAt());
    }
  }

  /** One page of a listing. */
  public record AccountPage(List<AccountBody> items, Optional<String> nextCursor) {}

  private static final SecureRandom RANDOM = new SecureRandom();

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
                        pathEnd(() -> concat(post(() -> create(tenant)), get(() -> list(tenant)))),
                        path(PathMatchers.segment(), id -> get(() -> show(tenant, id))))));
  }

  private Route create(String tenant) {
    return jsonBody(
        AccountRequests.CreateAccount.class,
        body -> {
          AccountRequests.ValidAccount account = AccountRequests.validate(body, newAccountId());
          String entityId = EntityIds.of(tenant, account.id());
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
              entity(entityId).ask(r -> new AccountCommand.Register(settings, r), settings().askTimeout());
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

  private Route show(String tenant, String id) {
    if (!EntityIds.isValidLocalId(id)) throw Problem.notFound("no account '" + id + "'");
    return onSuccess(
        entity(EntityIds.of(tenant, id)).ask(AccountCommand.Get::new, settings().askTimeout()),
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
                                  page.accounts().stream().map(AccountBody::of).toList(), page.nextCursor())));
                }));
  }

  private int pageSize(Optional<String> text) {
    if (text.isEmpty()) return settings().defaultPageSize();
    try {
      int n = Integer.parseInt(text.get());
      if (n < 1 || n > settings().maxPageSize()) throw new NumberFormatException();
      return n;
    } catch (NumberFormatException e) {
      throw Problem.badRequest("query parameter 'limit' must be between 1 and " + settings().maxPageSize());
    }
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
