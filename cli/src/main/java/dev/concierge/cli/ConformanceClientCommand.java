package dev.concierge.cli;

import dev.concierge.cli.conformance.ConformanceClient;
import dev.concierge.cli.conformance.ScenarioEnvironment;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code concierge conformance-client URL}: the client under test of the official MCP conformance suite
 * ({@code conformance client --command "bin/concierge conformance-client"}). The suite appends the URL of its mock
 * server and says which scenario runs through {@code MCP_CONFORMANCE_*} environment variables. Hidden: it is a test
 * fixture, not a user command.
 */
@Command(name = "conformance-client", hidden = true,
    description = "Act as the client under test of the MCP conformance suite (reads MCP_CONFORMANCE_* variables).")
final class ConformanceClientCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "URL", description = "The MCP endpoint of the suite's mock server.")
  String url;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    ScenarioEnvironment scenario = ScenarioEnvironment.from(System.getenv());
    boolean passed = new ConformanceClient(url, scenario, spec.commandLine().getOut(), spec.commandLine().getErr())
        .run();
    return passed ? 0 : Main.FAILED;
  }
}
