package dev.concierge.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.concierge.client.Listing;
import dev.concierge.client.MultiServerMCPClient;
import dev.concierge.client.NamedTool;
import dev.concierge.protocol.Json;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code concierge tools}: the aggregated tool names, sorted; {@code --json} the definitions as an LLM gets them. */
@Command(name = "tools", description = "List every server's tools under their exposed names.")
final class ToolsCommand implements Callable<Integer> {
  @Mixin
  ClientOptions options;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    try (MultiServerMCPClient client = options.open(spec.commandLine().getErr())) {
      Listing<NamedTool> tools = client.listTools();
      var out = spec.commandLine().getOut();
      if (options.json) {
        ArrayNode array = Json.array();
        tools.items().forEach(t -> array.add(t.tool().toJson()));
        out.println(Json.writePretty(array));
      } else {
        tools.items().forEach(t -> out.println(t.name()));
      }
      tools.collisions().forEach(c -> spec.commandLine().getErr().println("note: name collision on '" + c.wanted()
          + "': " + String.join(", ", c.owners())));
      return ClientOptions.reportFailures(tools.servers(), spec.commandLine().getErr()) ? Main.FAILED : 0;
    }
  }
}
