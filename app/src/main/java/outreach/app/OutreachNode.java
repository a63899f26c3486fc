package outreach.app;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import akka.http.javadsl.ServerBinding;
import akka.management.cluster.bootstrap.ClusterBootstrap;
import akka.management.javadsl.AkkaManagement;
import com.typesafe.config.Config;
import java.time.Clock;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import outreach.actors.account.AccountPolicy;
import outreach.actors.account.SmtpAccount;
import outreach.actors.campaign.Campaign;
import outreach.actors.campaign.CampaignSettings;
import outreach.actors.campaign.TemplateRenderer;
import outreach.actors.domain.DomainPolicy;
import outreach.actors.domain.RecipientDomain;
import outreach.actors.limit.PermitHold;
import outreach.actors.quota.Quota;
import outreach.actors.sending.DnsRecordsPolicy;
import outreach.actors.sending.SendingDomain;
import outreach.persistence.sending.SendingDomainDirectory;
import outreach.persistence.sending.SendingDomainProjection;
import outreach.actors.quota.QuotaPolicy;
import outreach.actors.smtp.JakartaSmtpGateway;
import outreach.mail.message.UnsubscribeToken;
import outreach.persistence.campaign.CampaignDirectory;
import outreach.persistence.campaign.CampaignReadProjection;
import outreach.persistence.campaign.DeliveryDirectory;
import outreach.persistence.audit.JournalReader;
import outreach.persistence.campaign.RecipientStore;
import outreach.persistence.campaign.SuppressionStore;
import outreach.http.AccountRoutes;
import outreach.http.AuditRoutes;
import outreach.http.CampaignRoutes;
import outreach.http.DeliveryRoutes;
import outreach.http.DomainRoutes;
import outreach.http.RequestRateLimiter;
import outreach.http.SuppressionRoutes;
import outreach.http.UnsubscribeRoutes;
import outreach.http.ApiRoutes;
import outreach.http.ApiSettings;
import outreach.http.Authentication;
import outreach.http.HealthRoutes;
import outreach.http.HttpServer;
import outreach.http.TenantRoutes;
import outreach.persistence.Database;
import outreach.persistence.DatabaseExtension;
import outreach.persistence.DatabaseSettings;
import outreach.persistence.TenantStore;
import outreach.persistence.account.AccountDirectory;
import outreach.persistence.account.AccountViewProjection;

/** Starts one Outreach node: schema, actor system, entities, projections, HTTP API and cluster membership. */
final class OutreachNode {

  /** How the node becomes a cluster member. */
  enum Membership {
    /** Joins itself: a one-node cluster (dev). */
    SELF_JOIN,
    /** Cluster bootstrap through akka-management and the configured contact points. */
    BOOTSTRAP
  }

  /** A started node. */
  record Running(ActorSystem<Void> system, ServerBinding binding) {
    int httpPort() {
      return binding.localAddress().getPort();
    }
  }

  private static final long BIND_TIMEOUT_SECONDS = 30;
  /** Purpose under which the unsubscribe-link key is derived from the master key. */
  static final String UNSUBSCRIBE_KEY_PURPOSE = "outreach-unsubscribe-links-v1";

  private OutreachNode() {}

  static Running start(Config config, Membership membership, Clock clock) {
    Secrets secrets = Secrets.fromConfig(config);
    try {
      Database.migrate(DatabaseSettings.fromConfig(config));
    } catch (Database.DatabaseUnavailableException e) {
      throw new StartupException(e.getMessage());
    }
    ActorSystem<Void> system =
        ActorSystem.create(Behaviors.empty(), config.getString("outreach.cluster-name"), config);
    try {
      return wire(system, config, membership, clock, secrets);
    } catch (RuntimeException e) {
      system.terminate();
      awaitTermination(system);
      throw e;
    }
  }

  private static Running wire(
      ActorSystem<Void> system, Config config, Membership membership, Clock clock, Secrets secrets) {
    DatabaseExtension db;
    try {
      db = DatabaseExtension.get(system);
    } catch (Database.DatabaseUnavailableException e) {
      throw new StartupException(e.getMessage());
    }
    Metrics.start(system, config);
    RecipientStore recipients = new RecipientStore(db.database().dataSource(), db.blockingExecutor(), clock);
    byte[] linkKey = secrets.cipher().deriveKey(UNSUBSCRIBE_KEY_PURPOSE);
    initEntities(system, config, clock, secrets, recipients, linkKey);
    AccountViewProjection.init(system, db.database().dataSource());
    CampaignReadProjection.init(system, db.database().dataSource());
    SendingDomainProjection.init(system, db.database().dataSource());
    CampaignDirectory campaigns = new CampaignDirectory(db.database().dataSource(), db.blockingExecutor());
    CampaignKeeper.init(system, campaigns, config.getDuration("outreach.campaign.keeper-interval"));

    ApiSettings api = ApiSettings.fromConfig(config);
    TenantStore tenants = new TenantStore(db.database().dataSource(), db.blockingExecutor(), clock);
    SuppressionStore suppressions = new SuppressionStore(db.database().dataSource(), db.blockingExecutor(), clock);
    Authentication auth = new Authentication(secrets.adminToken(), tenants, RequestRateLimiter.fromSettings(api, clock));
    AuditReplay audit = new AuditReplay(config);
    ApiRoutes routes =
        new ApiRoutes(
            new HealthRoutes(system),
            new TenantRoutes(api, auth, tenants),
            new AccountRoutes(
                system, api, auth, secrets.cipher(), new AccountDirectory(db.database().dataSource(), db.blockingExecutor())),
            new CampaignRoutes(system, api, auth, recipients, campaigns),
            new DeliveryRoutes(api, auth, new DeliveryDirectory(db.database().dataSource(), db.blockingExecutor()), campaigns),
            new SuppressionRoutes(api, auth, suppressions),
            new DomainRoutes(system, api, auth, new SendingDomainDirectory(db.database().dataSource(), db.blockingExecutor())),
            new AuditRoutes(api, auth, new JournalReader(system), audit, audit),
            new UnsubscribeRoutes(api, suppressions, linkKey));

    switch (membership) {
      case SELF_JOIN -> {
        Cluster cluster = Cluster.get(system);
        cluster.manager().tell(Join.create(cluster.selfMember().address()));
      }
      case BOOTSTRAP -> {
        await(AkkaManagement.get(system).start(), "management HTTP on port " + config.getInt("akka.management.http.port"));
        ClusterBootstrap.get(system).start();
      }
    }
    ServerBinding binding = await(HttpServer.bind(system, api.host(), api.port(), routes.route()), "HTTP API on " + api.host() + ":" + api.port());
    return new Running(system, binding);
  }

  /** The sharded entities: accounts, recipient domains, the global quota and campaigns. */
  private static void initEntities(
      ActorSystem<Void> system, Config config, Clock clock, Secrets secrets, RecipientStore recipients, byte[] linkKey) {
    SmtpAccount.init(
        system,
        clock,
        AccountPolicy.fromConfig(config),
        secrets.cipher(),
        new JakartaSmtpGateway(clock, config.getDuration("outreach.smtp.connect-timeout"), config.getDuration("outreach.smtp.read-timeout")));
    RecipientDomain.init(system, clock, DomainPolicy.fromConfig(config));
    SendingDomain.init(system, clock, DnsRecordsPolicy.fromConfig(config));
    QuotaPolicy quotas;
    try {
      quotas = QuotaPolicy.fromConfig(config);
    } catch (IllegalArgumentException e) {
      throw new StartupException(e.getMessage());
    }
    Quota.init(system, clock, quotas, PermitHold.ofReservation(config));
    Campaign.init(
        system,
        clock,
        CampaignSettings.fromConfig(config),
        recipients::fetch,
        new TemplateRenderer(
            new UnsubscribeToken(linkKey),
            config.getString("outreach.public-url"),
            config.getString("outreach.unsubscribe-mailbox"),
            config.getString("outreach.message-id-domain")));
  }

  private static <T> T await(java.util.concurrent.CompletionStage<T> stage, String what) {
    try {
      return stage.toCompletableFuture().get(BIND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      String reason = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
      if (cause instanceof akka.stream.BindFailedException || reason.contains("Address already in use")) {
        reason = "the port is already in use";
      }
      throw new StartupException("could not start " + what + ": " + reason);
    } catch (TimeoutException e) {
      throw new StartupException("could not start " + what + ": timed out");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StartupException("interrupted while starting " + what);
    }
  }

  static void awaitTermination(ActorSystem<?> system) {
    try {
      system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // the system is going down either way
    }
  }
}
