package dev.concierge.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.concierge.client.MultiServerMCPClient;
import dev.concierge.client.ServerStatus;
import dev.concierge.protocol.Json;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code concierge servers}: one line per server: name, transport, version, status, tool count. */
@Command(name = "servers", description = "Connect to every configured server and report how each is doing.")
final class ServersCommand implements Callable<Integer> {
  @Mixin
  ClientOptions options;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    try (MultiServerMCPClient client = options.open(spec.commandLine().getErr())) {
      client.listTools(); // fills in tool counts
      List<ServerStatus> servers = client.servers();
      if (options.json) {
        ArrayNode out = Json.array();
        servers.forEach(s -> out.add(Json.toTree(s)));
        spec.commandLine().getOut().println(Json.writePretty(out));
      } else {
        Table table = new Table("NAME", "TRANSPORT", "VERSION", "STATUS", "TOOLS");
        servers.forEach(s -> table.row(s.name(), s.transport(), s.protocolVersion() == null ? "-" : s.protocolVersion(),
            s.error() == null ? "connected" : "error", s.toolCount() < 0 ? "-" : String.valueOf(s.toolCount())));
        table.print(spec.commandLine().getOut());
      }
      return ClientOptions.reportFailures(servers, spec.commandLine().getErr()) ? Main.FAILED : 0;
    }
  }
}
