package outreach.app;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import outreach.http.AuditRoutes;
import outreach.persistence.audit.AuditKind;
import outreach.persistence.audit.JournalReader;
import outreach.protocol.DomainNames;
import outreach.protocol.EntityIds;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code outreach replay}: an entity's state at an instant, folded from its journal, straight from the database. */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description = {
      "Fold an entity's journal (OUTREACH_DB_*) with the entity's own event handler and print its state",
      "as it was at --at (default: now), as JSON with secrets masked. No cluster is needed.",
      "A recipient domain is one entity for all tenants: without --tenant it is shown whole, every",
      "tenant's counts included (an operator's view); with --tenant only that tenant's share, exactly",
      "as GET /v1/audit/recipient-domain/{domain}/state shows it to the tenant."
    })
final class ReplayCommand implements Callable<Integer> {

  private static final long TIMEOUT_SECONDS = 60;

  @Option(names = "--kind", required = true, description = "account, campaign, sending-domain or recipient-domain")
  String kind;

  @Option(
      names = "--id",
      required = true,
      description = "<tenant id>|<id> of an account, campaign or sending domain; the domain name (gmail.com) of a recipient domain")
  String id;

  @Option(names = "--tenant", description = "recipient-domain only: show just this tenant's share of the domain")
  String tenant;

  @Option(names = "--at", description = "ISO-8601 instant, e.g. 2026-03-02T10:15:30Z [default: now]")
  String at;

  @Override
  public Integer call() throws Exception {
    AuditKind auditKind =
        AuditKind.fromWireName(kind).orElseThrow(() -> new StartupException("--kind must be " + AuditKind.wireNames() + ", got '" + kind + "'"));
    String persistenceId;
    String local;
    if (auditKind.perTenant()) {
      if (tenant != null) throw new StartupException("--tenant applies to recipient-domain only; the --id of a " + kind + " carries its tenant");
      try {
        String owner = EntityIds.tenantOf(id);
        local = EntityIds.localIdOf(id);
        EntityIds.of(owner, local);
        persistenceId = auditKind.persistenceId(owner, local);
      } catch (IllegalArgumentException e) {
        throw new StartupException("--id must be <tenant id>|<id>, got '" + id + "'");
      }
    } else {
      local = id.toLowerCase(Locale.ROOT);
      if (!DomainNames.isDomainName(local)) throw new StartupException("--id must be a domain name such as gmail.com, got '" + id + "'");
      if (tenant != null && !EntityIds.isValidLocalId(tenant)) throw new StartupException("--tenant must be a tenant id, got '" + tenant + "'");
      persistenceId = auditKind.systemWidePersistenceId(local);
    }
    Instant until;
    try {
      until = at == null ? Instant.now() : Instant.parse(at);
    } catch (DateTimeParseException e) {
      throw new StartupException("--at must be an ISO-8601 instant such as 2026-03-02T10:15:30Z, got '" + at + "'");
    }
    Config config =
        NodeConfig.load(
            ConfigFactory.parseString(
                "akka.actor.provider = local\nakka.loglevel = ERROR\nakka.stdout-loglevel = OFF\nakka.persistence.journal.auto-start-journals = []\n"
                    + "akka.persistence.snapshot-store.auto-start-snapshot-stores = []\nakka.coordinated-shutdown.exit-jvm = off"));
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "outreach-replay", config);
    try {
      List<JournalReader.JournalEvent> events =
          new JournalReader(system).events(persistenceId, 1, Long.MAX_VALUE).toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      AuditReplay replay = new AuditReplay(config);
      // A tenant that never sent to the domain has no share of it, as in the API.
      boolean found = tenant == null ? !events.isEmpty() : events.stream().anyMatch(e -> replay.isOwn(auditKind, tenant, e.event()));
      if (!found) {
        throw new StartupException("no " + auditKind.wireName() + " '" + id + "'" + (tenant == null ? "" : " for tenant '" + tenant + "'") + " in the journal");
      }
      Predicate<JournalReader.JournalEvent> shown = e -> tenant == null || replay.event(auditKind, tenant, e.event()).isPresent();
      List<Object> upTo = new ArrayList<>();
      long seq = 0;
      for (JournalReader.JournalEvent e : events) {
        if (e.timestamp().isAfter(until)) break;
        upTo.add(e.event());
        if (shown.test(e)) seq = e.sequenceNr();
      }
      Object state = tenant == null ? replay.fold(auditKind, local, upTo) : replay.state(auditKind, tenant, local, upTo, until);
      System.out.println(
          "{\"at\":\"" + until + "\",\"sequenceNr\":" + seq + ",\"events\":" + events.stream().filter(shown).count() + ",\"state\":" + AuditRoutes.masked(state) + "}");
      return 0;
    } catch (java.util.concurrent.ExecutionException e) {
      throw new StartupException("could not read the journal: " + e.getCause().getMessage());
    } finally {
      system.terminate();
      OutreachNode.awaitTermination(system);
    }
  }
}
