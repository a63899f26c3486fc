package outreach.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code outreach} command line: {@code dev}, {@code node} and {@code migrate}. */
@Command(
    name = "outreach",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Multi-tenant cold-email sending platform on an Akka cluster.",
    subcommands = {DevCommand.class, NodeCommand.class, MigrateCommand.class, ReplayCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** The JDK's property for the size of the common fork-join pool. */
  static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

  public static void main(String[] args) {
    useCommonPool();
    System.exit(run(args));
  }

  /**
   * On a machine with 2 cores the JDK sizes its common pool to 1, and then runs every asynchronous
   * CompletableFuture stage on a thread of its own, started and ended per stage; Akka's asks, turned
   * into CompletionStages, continue that way: two new threads per email sent. With a common pool of
   * at least 2 they run on its threads. Set before anything touches the pool; an explicit
   * -Djava.util.concurrent.ForkJoinPool.common.parallelism wins.
   */
  static void useCommonPool() {
    if (System.getProperty(COMMON_POOL_PARALLELISM) == null) {
      System.setProperty(COMMON_POOL_PARALLELISM, String.valueOf(Math.max(2, Runtime.getRuntime().availableProcessors() - 1)));
    }
  }

  static int run(String... args) {
    CommandLine cli = new CommandLine(new Main());
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          if (e instanceof StartupException) {
            commandLine.getErr().println("outreach: " + e.getMessage());
            return 1;
          }
          throw e;
        });
    return cli.execute(args);
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a command: dev, node, migrate or replay");
  }

  /** The version from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"outreach " + (v == null ? "development build" : v)};
    }
  }
}
