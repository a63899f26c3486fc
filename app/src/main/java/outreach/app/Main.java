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

  public static void main(String[] args) {
    System.exit(run(args));
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
