package outreach.app;

import com.typesafe.config.ConfigFactory;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code outreach node}: a production cluster member configured by environment variables. */
@Command(
    name = "node",
    mixinStandardHelpOptions = true,
    description = {
      "Run a cluster member. Configured by environment variables (defaults in brackets):",
      "  OUTREACH_NODE_HOST [127.0.0.1], OUTREACH_REMOTE_PORT [2551], OUTREACH_HTTP_PORT [8080],",
      "  OUTREACH_MANAGEMENT_PORT [8558], OUTREACH_CONTACT_POINTS (host:management-port,...),",
      "  OUTREACH_DB_URL, OUTREACH_DB_USER, OUTREACH_DB_PASSWORD,",
      "  OUTREACH_MASTER_KEY (required), OUTREACH_ADMIN_TOKEN (required).",
      "See README.md, 'Configuration', for every variable."
    })
final class NodeCommand implements Callable<Integer> {

  @Override
  public Integer call() {
    // Main sets the exit code: a start-up failure must exit 1 with its message, not 0 from Akka's shutdown.
    OutreachNode.Running node =
        OutreachNode.start(
            NodeConfig.load(ConfigFactory.parseString("akka.coordinated-shutdown.exit-jvm = off")),
            OutreachNode.Membership.BOOTSTRAP,
            Clock.systemUTC());
    node.system().getWhenTerminated().toCompletableFuture().join();
    return 0;
  }
}
