package dev.concierge.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.concierge.client.Listing;
import dev.concierge.client.MultiServerMCPClient;
import dev.concierge.client.NamedTool;
import dev.concierge.protocol.Json;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

/** {@code concierge tools}: the aggregated tool names, sorted; {@code --json} the definitions as an LLM gets them. */
@Command(name = "tools", description = "List every server's tools under their exposed names.")
final class ToolsCommand extends ClientCommand {
  @Override
  int run(MultiServerMCPClient client, PrintWriter out, PrintWriter err) {
    Listing<NamedTool> tools = client.listTools();
    if (options.json) {
      ArrayNode array = Json.array();
      tools.items().forEach(t -> array.add(t.tool().toJson()));
      out.println(Json.writePretty(array));
    } else {
      tools.items().forEach(t -> out.println(t.name()));
    }
    tools.collisions().forEach(c -> err.println("note: name collision on '" + c.wanted() + "': "
        + String.join(", ", c.owners())));
    return ClientOptions.reportFailures(tools.servers(), err) ? Main.FAILED : 0;
  }
}
