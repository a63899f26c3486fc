package outreach.app;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import outreach.http.AuditRoutes;
import outreach.persistence.audit.AuditKind;
import outreach.persistence.audit.JournalReader;
import outreach.protocol.EntityIds;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code outreach replay}: an entity's state at an instant, folded from its journal, straight from the database. */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description = {
      "Fold an entity's journal (OUTREACH_DB_*) with the entity's own event handler and print its state",
      "as it was at --at (default: now), as JSON with secrets masked. No cluster is needed."
    })
final class ReplayCommand implements Callable<Integer> {

  private static final long TIMEOUT_SECONDS = 60;

  @Option(names = "--kind", required = true, description = "account, campaign or sending-domain")
  String kind;

  @Option(names = "--id", required = true, description = "<tenant id>|<account or campaign id>")
  String id;

  @Option(names = "--at", description = "ISO-8601 instant, e.g. 2026-03-02T10:15:30Z [default: now]")
  String at;

  @Override
  public Integer call() throws Exception {
    AuditKind auditKind =
        AuditKind.fromWireName(kind).orElseThrow(() -> new StartupException("--kind must be account, campaign or sending-domain, got '" + kind + "'"));
    String tenant;
    String local;
    try {
      tenant = EntityIds.tenantOf(id);
      local = EntityIds.localIdOf(id);
      EntityIds.of(tenant, local);
    } catch (IllegalArgumentException e) {
      throw new StartupException("--id must be <tenant id>|<id>, got '" + id + "'");
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
          new JournalReader(system)
              .events(auditKind.persistenceId(tenant, local), 1, Long.MAX_VALUE)
              .toCompletableFuture()
              .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      if (events.isEmpty()) throw new StartupException("no " + auditKind.wireName() + " '" + id + "' in the journal");
      List<Object> upTo = new ArrayList<>();
      long seq = 0;
      for (JournalReader.JournalEvent e : events) {
        if (e.timestamp().isAfter(until)) break;
        upTo.add(e.event());
        seq = e.sequenceNr();
      }
      Object state = OutreachNode.replay(config).fold(auditKind, upTo);
      System.out.println(
          "{\"at\":\"" + until + "\",\"sequenceNr\":" + seq + ",\"events\":" + events.size() + ",\"state\":"
              + AuditRoutes.masked(state) + "}");
      return 0;
    } catch (java.util.concurrent.ExecutionException e) {
      throw new StartupException("could not read the journal: " + e.getCause().getMessage());
    } finally {
      system.terminate();
      OutreachNode.awaitTermination(system);
    }
  }
}
