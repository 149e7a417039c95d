package dev.concierge.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.concierge.client.MultiServerMCPClient;
import dev.concierge.client.ServerStatus;
import dev.concierge.protocol.Json;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code concierge servers}: one line per server: name, transport, version, status, tool count. */
@Command(name = "servers", description = "Connect to every configured server and report how each is doing.")
final class ServersCommand extends ClientCommand {
  @Override
  int run(MultiServerMCPClient client, PrintWriter out, PrintWriter err) {
    List<ServerStatus> servers = client.servers();
    if (options.json) {
      ArrayNode array = Json.array();
      servers.forEach(s -> array.add(Json.toTree(s)));
      out.println(Json.writePretty(array));
    } else {
      Table table = new Table("NAME", "TRANSPORT", "VERSION", "STATUS", "TOOLS");
      servers.forEach(s -> table.row(s.name(), s.transport(), s.protocolVersion() == null ? "-" : s.protocolVersion(),
          s.error() == null ? "connected" : "error", s.toolCount() < 0 ? "-" : String.valueOf(s.toolCount())));
      table.print(out);
    }
    return ClientOptions.reportFailures(servers, err) ? Main.FAILED : 0;
  }
}
