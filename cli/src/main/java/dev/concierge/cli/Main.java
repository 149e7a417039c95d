package dev.concierge.cli;

import dev.concierge.protocol.McpException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code concierge} command. Exceptions become exit codes here and nowhere else. */
@Command(name = "concierge", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
    description = "Use many MCP servers as one.",
    subcommands = {ServersCommand.class, ToolsCommand.class, CallCommand.class, ResourcesCommand.class,
        ReadCommand.class, PromptsCommand.class, ServeCommand.class, StdioCommand.class, UsersCommand.class, MemoryCommand.class, StoreCommand.class,
        EvalCommand.class,
        ConformanceClientCommand.class})
public final class Main implements Runnable {
  /** Exit code when a server or call failed. */
  static final int FAILED = 1;
  /** Exit code for bad usage or a bad configuration file. */
  static final int USAGE = 2;
  /** The connection pool reports every start and stop at INFO; a command's output should not carry that. */
  private static final java.util.logging.Logger POOL_LOG = java.util.logging.Logger.getLogger("com.zaxxer.hikari");

  static {
    POOL_LOG.setLevel(java.util.logging.Level.WARNING);
  }

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the command line in-process, as tests do. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new Main());
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler((e, commandLine, parsed) -> {
      commandLine.getErr().println("error: " + message(e));
      return e instanceof IllegalArgumentException ? USAGE : FAILED;
    });
    return cli.execute(args);
  }

  private static String message(Exception e) {
    if (e instanceof McpException || e instanceof IllegalArgumentException) {
      return e.getMessage();
    }
    if (e instanceof java.nio.file.NoSuchFileException) {
      return "no such file: " + e.getMessage();
    }
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Reports the jar's version. */
  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Main.class.getPackage().getImplementationVersion();
      return new String[] {"concierge " + (version == null ? "dev" : version)};
    }
  }
}
