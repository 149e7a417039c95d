package dev.concierge.cli;

import dev.concierge.client.MultiServerMCPClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** A command that opens a client for the configured servers, runs, and closes it. */
abstract class ClientCommand implements Callable<Integer> {
  @Mixin
  ClientOptions options;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public final Integer call() throws Exception {
    validate();
    PrintWriter err = spec.commandLine().getErr();
    try (MultiServerMCPClient client = options.open(err)) {
      int exit = run(client, spec.commandLine().getOut(), err);
      spec.commandLine().getOut().flush();
      return exit;
    }
  }

  /** Checks arguments before any server is started; throw {@link IllegalArgumentException} for bad usage. */
  void validate() {}

  /** The command's work; returns the exit code. */
  abstract int run(MultiServerMCPClient client, PrintWriter out, PrintWriter err) throws Exception;
}
